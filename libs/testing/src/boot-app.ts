import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp, httpServer } from '@app/platform';

export interface BootedApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Boots a service's real module, configured exactly as main.ts does, on a free port. */
export async function bootApp(module: DynamicModule, service: string): Promise<BootedApp> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const { adapter, appOptions, options } = await httpServer(module);
  const app = configureApp(moduleRef.createNestApplication(adapter, appOptions), service, `${service} under test`, options);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, url: url.replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

/** Waits for /health/ready: services that start before their database become ready once it answers. */
export async function untilReady(booted: BootedApp, timeoutMs = 30_000): Promise<BootedApp> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${booted.url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return booted;
    if (Date.now() > deadline) throw new Error(`${booted.url} was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
