import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { All, Controller, Get, Req, Res, UseGuards, type OnModuleDestroy } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@app/platform';
import { ConsoleSessions } from '../session/console-sessions';
import { SessionGuard, type SignedInRequest } from '../session/session.guard';
import { forwardingOf } from './forwarded-routes';
import { ServiceClient } from './service-client';

/** How soon a relayed stream ends after its session did. */
const SESSION_CHECK_MS = 2_000;

/** /api/...: the console's pages' requests, made to the services with the console's key (FORWARDED_ROUTES). */
@ApiExcludeController()
@UseGuards(SessionGuard)
@Controller('api')
export class ForwardingController implements OnModuleDestroy {
  /** The relays in progress: ended as the console stops, so its HTTP server can close. */
  private readonly relays = new Set<AbortController>();

  constructor(
    private readonly services: ServiceClient,
    private readonly sessions: ConsoleSessions,
  ) {}

  onModuleDestroy(): void {
    for (const relay of this.relays) relay.abort();
  }

  /** The alerts feed's signals (server-sent events), relayed as they come while the page follows them. */
  @Get('alerts/signals')
  async followAlerts(@Req() request: SignedInRequest, @Res() response: Response): Promise<void> {
    const closed = new AbortController();
    this.relays.add(closed);
    // A signed-out or expired session's stream ends too (the page's own requests keep a session in use).
    const sessionId = request.consoleSession.id;
    const watch = setInterval(() => this.sessions.active(sessionId) || closed.abort(), SESSION_CHECK_MS);
    response.on('close', () => {
      clearInterval(watch);
      this.relays.delete(closed);
      closed.abort();
    });
    const upstream = await this.services.stream('alerts', '/v1/alerts/signals', closed.signal, request.consoleSession.user);
    if (!upstream.ok || !upstream.body) {
      response
        .status(upstream.status === 200 ? 502 : upstream.status)
        .json({ error: { code: 'SIGNALS_UNAVAILABLE', message: `alerts answered ${upstream.status}` } });
      return;
    }
    response.status(200).setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Accel-Buffering', 'no'); // a proxy in front must not hold events back
    response.flushHeaders();
    Readable.fromWeb(upstream.body as ReadableStream)
      .on('error', () => response.end())
      .pipe(response);
  }

  @All('*path')
  async forward(@Req() request: SignedInRequest, @Res() response: Response): Promise<void> {
    const route = forwardingOf(request.method, request.path.slice('/api'.length));
    if (!route) throw new ApiError(404, 'NOT_FOUND', `the console forwards no ${request.method} ${request.path}`);
    const at = request.originalUrl.indexOf('?');
    const answer = await this.services.call(route.service, `${route.path}${at < 0 ? '' : request.originalUrl.slice(at)}`, {
      method: request.method,
      body: ['GET', 'DELETE'].includes(request.method) ? undefined : (request.body ?? {}),
      onBehalfOf: request.consoleSession.user,
    });
    if (answer.retryAfter) response.setHeader('Retry-After', answer.retryAfter);
    response.setHeader('Cache-Control', 'no-store');
    if (answer.body === null) response.status(answer.status).end();
    else response.status(answer.status).json(answer.body);
  }
}
