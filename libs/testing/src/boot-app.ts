import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '@app/platform';

export interface BootedApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Boots a service's real module, configured exactly as main.ts does, on a free port. */
export async function bootApp(module: DynamicModule, service: string, options: { bodyParser?: boolean } = {}): Promise<BootedApp> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = configureApp(moduleRef.createNestApplication({ bufferLogs: true, bodyParser: options.bodyParser ?? true }), service, `${service} under test`);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, url: url.replace('[::1]', '127.0.0.1'), close: () => app.close() };
}
