import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Counter } from 'prom-client';
import { APP_CONFIG } from '@app/platform';
import type { ConsoleConfig } from '../console.config';
import { signInHtml } from '../pages/console-pages';
import { ConsoleSessions } from './console-sessions';
import { userSignedInBy } from './console-users';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from './session-cookie';
import { SessionGuard, type SignedInRequest } from './session.guard';
import { SignInAttempts } from './sign-in-attempts';

const signIns = new Counter({ name: 'console_sign_ins_total', help: 'Console sign-in attempts by outcome', labelNames: ['outcome'] });

/** Where to go after signing in: a path of this console only (never `//host` or another origin). */
const localPath = (next: unknown) => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/alerts');

/** A sign-in form posted from another site's page: SameSite keeps its cookie out, this keeps it from signing anyone in. */
function crossSite(request: Request): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true; // an Origin that is not a URL is not this console's page
  }
}

@ApiExcludeController()
@Controller()
export class SignInController {
  private readonly attempts = new SignInAttempts(10, 5 * 60_000);

  constructor(
    @Inject(APP_CONFIG) private readonly config: ConsoleConfig,
    private readonly sessions: ConsoleSessions,
  ) {}

  private get secureCookies(): boolean {
    return this.config.CONSOLE_SECURE_COOKIES ?? this.config.NODE_ENV === 'production';
  }

  @Get('sign-in')
  page(@Req() request: Request, @Res() response: Response, @Query('next') next?: string): void {
    if (this.sessions.use(sessionIdOf(request))) return void response.redirect(303, localPath(next));
    response.type('html').send(signInHtml({ next: localPath(next) }));
  }

  @Post('sign-in')
  signIn(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown> | undefined): void {
    const name = typeof body?.name === 'string' ? body.name : '';
    const next = localPath(body?.next);
    const refuse = (status: number, outcome: string, problem: string) => {
      signIns.inc({ outcome });
      response.status(status).type('html').send(signInHtml({ next, name, problem }));
    };
    if (crossSite(request)) return refuse(403, 'cross_site', 'Sign in from the console’s own page.');
    const address = request.socket.remoteAddress ?? 'unknown';
    const waitMs = this.attempts.waitFor(address);
    if (waitMs > 0) {
      response.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      return refuse(429, 'throttled', `Too many failed sign-ins: try again in ${Math.ceil(waitMs / 1000)} s.`);
    }
    const user = userSignedInBy(this.config.CONSOLE_USERS, name, typeof body?.password === 'string' ? body.password : '');
    if (!user) {
      this.attempts.failed(address);
      return refuse(401, 'refused', 'The name or the password is wrong.');
    }
    this.attempts.succeeded(address);
    this.sessions.end(sessionIdOf(request)); // a new id at every sign-in: a planted cookie never becomes a session
    setSessionCookie(response, this.sessions.start(user.name).id, this.secureCookies);
    signIns.inc({ outcome: 'signed_in' });
    response.redirect(303, next);
  }

  @Post('sign-out')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  signOut(@Req() request: SignedInRequest, @Res({ passthrough: true }) response: Response): void {
    this.sessions.end(request.consoleSession.id);
    clearSessionCookie(response, this.secureCookies);
  }
}
