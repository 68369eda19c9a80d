import { NestFactory } from '@nestjs/core';
import type { DynamicModule } from '@nestjs/common';
import type { ZodType, ZodTypeDef } from 'zod';
import { configureApp } from './configure-app';
import { ConfigError, loadConfig } from './config/load-config';
import { productionProblems } from './config/production-safety';
import type { HttpServiceEnv } from './config/service-env';
import { httpServer } from './http/http-server';

export interface ServiceDefinition<C extends HttpServiceEnv> {
  service: string;
  description: string;
  schema: ZodType<C, ZodTypeDef, unknown>;
  /** Its root module; the module declares its HTTP server (ServesHttp), for the tests too. */
  module: (config: C) => DynamicModule;
  /** The service's own settings that production refuses, one line each (productionProblems adds the shared ones). */
  productionProblems?: (config: C) => string[];
}

/**
 * Boots a service: validates the environment (exits 1 naming each bad setting, and in production each
 * unsafe one: productionProblems), wires the app,
 * listens, and on SIGTERM/SIGINT drains (Nest shutdown hooks) within SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrapService<C extends HttpServiceEnv>(definition: ServiceDefinition<C>): Promise<void> {
  let config: C;
  try {
    config = loadConfig(definition.schema);
    const unsafe = productionProblems(config, definition.productionProblems?.(config));
    if (unsafe.length > 0) throw new ConfigError(unsafe);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.service}: ${error.message}\n`);
    process.exit(1);
  }

  const module = definition.module(config);
  const { adapter, appOptions, options } = await httpServer(module);
  const app = await NestFactory.create(module, adapter, appOptions);
  configureApp(app, definition.service, definition.description, options);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Shutdown hooks run now; if draining hangs (a dead peer), leave anyway and let the bus redeliver.
      setTimeout(() => {
        process.stderr.write(`${definition.service}: shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting\n`);
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  await app.listen(config.PORT, config.HOST);
}
