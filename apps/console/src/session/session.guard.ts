import { timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@app/platform';
import { ConsoleSessions, type ConsoleSession } from './console-sessions';
import { sessionIdOf } from './session-cookie';

export type SignedInRequest = Request & { consoleSession: ConsoleSession };

/** No session: an API call answers 401, a page sends the browser to sign in (SignInRedirectFilter). */
export class SignInRequired extends ApiError {
  constructor() {
    super(401, 'SIGN_IN_REQUIRED', 'sign in to the console first');
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The console's pages and API want a signed-in session; a change (any method but GET and HEAD) also
 * wants the session's CSRF token in `x-csrf-token`, which only the console's own pages hold (beside
 * the cookie's SameSite=Strict: two locks, either of which stops a forged request).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: ConsoleSessions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedInRequest>();
    const session = this.sessions.use(sessionIdOf(request));
    if (!session) throw new SignInRequired();
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken))
        throw new ApiError(403, 'CSRF_TOKEN_MISMATCH', "a change must carry the page's x-csrf-token: reload the page");
    }
    request.consoleSession = session;
    return true;
  }
}
