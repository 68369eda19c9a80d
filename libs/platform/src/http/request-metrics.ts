import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from a request arriving to its answer sent, by method, route (its pattern, never the path itself) and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

/**
 * Times every request of the app, on either HTTP server (http-server.ts). The route is the pattern that
 * matched (`/v1/profiles/:userId`), 'unmatched' for none: a label's values must stay few.
 */
export function observeRequests(app: INestApplication): void {
  if (app.getHttpAdapter().getType() === 'fastify') {
    (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onResponse', (request, reply, done) => {
      duration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
    return;
  }
  app.use((request: Request, response: Response, next: NextFunction) => {
    const end = duration.startTimer();
    response.once('finish', () => {
      const pattern = (request.route as { path?: unknown } | undefined)?.path;
      end({
        method: request.method,
        route: typeof pattern === 'string' ? `${request.baseUrl}${pattern}` : 'unmatched',
        status_code: String(response.statusCode),
      });
    });
    next();
  });
}
