import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'sentinel_console';

/** The session id the request's cookie carries, if any. */
export function sessionIdOf(request: Request): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * HttpOnly: no script reads it. SameSite=Strict: no other site's page sends it, so a forged form or
 * fetch from elsewhere arrives signed out. Secure behind TLS.
 */
export function setSessionCookie(response: Response, id: string, secure: boolean): void {
  response.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

export function clearSessionCookie(response: Response, secure: boolean): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
