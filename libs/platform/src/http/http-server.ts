import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * The HTTP server under a service's Nest app. Express by default; Fastify for a service whose traffic is
 * many small requests (ingest: single events and decisions; profile-api: shops' profile reads), where
 * the server's own work per request is a real share of the answer: Nest on Fastify spent about half of
 * Nest on Express's CPU per request on a two-core VM (docs/decisions.md, "Figures").
 */
export interface HttpServerOptions {
  server?: 'express' | 'fastify';
  /** False for a service that reads request bodies itself (ingest: NDJSON, exact size limits). */
  bodyParser?: boolean;
}

const HTTP_SERVER = 'sentinel:httpServer';

/**
 * Declares the HTTP server of a service's root module (a class decorator), so that main.ts and every test
 * that boots the module get the same one: a caller cannot boot it on another.
 */
export const ServesHttp =
  (options: HttpServerOptions): ClassDecorator =>
  (target) =>
    Reflect.defineMetadata(HTTP_SERVER, options, target);

/** What a service's app is created and configured with: its module's declared server (ServesHttp), else Express with Nest's body parsers. */
export interface HttpServer {
  adapter: AbstractHttpAdapter;
  appOptions: NestApplicationOptions;
  options: HttpServerOptions;
}

/**
 * The HTTP server of a service's root module, for main.ts and the tests alike. Only the declared
 * server's adapter is loaded: an Express service does not carry Fastify's modules, nor the other way.
 */
export async function httpServer(module: DynamicModule): Promise<HttpServer> {
  const options = (Reflect.getMetadata(HTTP_SERVER, module.module) as HttpServerOptions | undefined) ?? {};
  const adapter =
    options.server === 'fastify'
      ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
      : new (await import('@nestjs/platform-express')).ExpressAdapter();
  return { adapter, appOptions: { bufferLogs: true, bodyParser: options.bodyParser ?? true }, options };
}

/**
 * On Fastify without body parsing, every request's body is left unread for the handler to read from the
 * raw request (as on Express without parsers): Fastify otherwise parses JSON itself and refuses content
 * types it has no parser for before any handler runs.
 */
export function leaveBodiesUnread(app: INestApplication): void {
  if (app.getHttpAdapter().getType() !== 'fastify') return;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
}
