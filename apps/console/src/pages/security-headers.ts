import type { NextFunction, Request, Response } from 'express';

/**
 * Every console answer: scripts and styles from the console only (no inline script, no CDN: a page
 * cannot be made to run anything else), never framed (clickjacking), no referrer leaves it.
 */
export function securityHeaders(_: Request, response: Response, next: NextFunction): void {
  response.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  );
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  next();
}
