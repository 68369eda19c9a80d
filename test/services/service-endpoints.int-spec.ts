import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertsEnv } from '../../apps/alerts/src/alerts.config';
import { consoleEnv } from '../../apps/console/src/console.config';
import { ConsoleModule } from '../../apps/console/src/console.module';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { ingestEnv } from '../../apps/ingest/src/ingest.config';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { lakeEnv } from '../../apps/lake/src/lake.config';
import { LakeModule } from '../../apps/lake/src/lake.module';
import { profileApiEnv } from '../../apps/profile-api/src/profile-api.config';
import { ProfileApiModule } from '../../apps/profile-api/src/profile-api.module';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { Database } from '@app/database';
import { loadConfig, READINESS_CHECKS, type ReadinessCheck } from '@app/platform';
import { bootApp, freePort, testEnv, uniqueName, untilReady, type BootedApp } from '@app/testing';

const env = {
  API_KEYS: 'test-key-12345',
  LOG_LEVEL: 'silent',
  BUS_URL: testEnv.redisUrl,
  REDIS_URL: testEnv.redisUrl,
  DATABASE_URL: testEnv.postgresUrl,
  BUS_TOPIC_PREFIX: `${uniqueName('boot')}.`,
  LAKE_DIR: join(tmpdir(), uniqueName('lake')),
  CONSOLE_USERS: 'operator=test-password',
  CONSOLE_API_KEY: 'test-key-12345',
};

const services = [
  ['ingest', () => IngestModule.forRoot(loadConfig(ingestEnv, env)), ['bus', 'consumers', 'redis']],
  ['scoring', () => ScoringModule.forRoot(loadConfig(scoringEnv, env)), ['bus', 'consumers', 'model', 'redis']],
  ['profile-api', () => ProfileApiModule.forRoot(loadConfig(profileApiEnv, env)), ['bus', 'consumers', 'postgres', 'schema']],
  ['alerts', () => AlertsModule.forRoot(loadConfig(alertsEnv, env)), ['bus', 'consumers', 'postgres', 'schema']],
  ['lake', () => LakeModule.forRoot(loadConfig(lakeEnv, env)), ['bus', 'consumers']],
  // Its pages say which service does not answer; its own readiness is its own.
  ['console', () => ConsoleModule.forRoot(loadConfig(consoleEnv, env)), []],
] as const;

describe.each(services)('%s service endpoints', (service, createModule, dependencies) => {
  let booted: BootedApp;
  beforeAll(async () => (booted = await untilReady(await bootApp(createModule(), service))));
  afterAll(() => booted.close());

  it('answers /health/live', async () => {
    const res = await fetch(`${booted.url}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('checks its real dependencies on /health/ready', async () => {
    const res = await fetch(`${booted.url}/health/ready`);
    const body = (await res.json()) as { details: Record<string, { status: string }> };
    expect(res.status).toBe(200);
    expect(Object.keys(body.details).sort()).toEqual([...dependencies].sort());
    for (const name of dependencies) expect(body.details[name].status).toBe('up');
  });

  it('runs one round of readiness checks a second, however often /health/ready is called', async () => {
    const checks = booted.app.get<ReadinessCheck[]>(READINESS_CHECKS);
    let rounds = 0;
    const counter: ReadinessCheck = { name: 'counter', check: async () => void rounds++ };
    await new Promise((r) => setTimeout(r, 1_100)); // past the round the other cases started
    checks.push(counter);
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${booted.url}/health/ready`).then((r) => r.status)));
      for (let i = 0; i < 10; i++) answers.push((await fetch(`${booted.url}/health/ready`)).status);
      expect(new Set(answers)).toEqual(new Set([200]));
      expect(rounds).toBe(1);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await fetch(`${booted.url}/health/ready`)).status).toBe(200);
      expect(rounds).toBe(2);
    } finally {
      checks.splice(checks.indexOf(counter), 1);
    }
  });

  it('serves Prometheus metrics labelled with the service', async () => {
    const res = await fetch(`${booted.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain(`process_cpu_seconds_total{service="${service}"}`);
    expect(text).toContain('# TYPE bus_records_published_total counter');
  });

  it.each([
    ['100,000 nested brackets', '['.repeat(100_000)],
    ['10,000 nested objects, closed', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['broken JSON', '{"name": '],
  ])('answers a JSON body it cannot read (%s) with a 4xx that says why, never a 500', async (_, body) => {
    const res = await fetch(`${booted.url}/v1/anything`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key-12345', 'content-type': 'application/json' },
      body,
    });
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(answer.error.message).not.toBe('internal error');
  });

  it('publishes its OpenAPI document at /docs', async () => {
    const doc = (await (await fetch(`${booted.url}/docs-json`)).json()) as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe(`Sentinel Stream ${service}`);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    expect((await fetch(`${booted.url}/docs`)).status).toBe(200);
  });

  if ((dependencies as readonly string[]).includes('postgres')) {
    it('names its Postgres connections after itself (services share a database)', async () => {
      const [row] = (await booted.app.get(Database).current().query(`SELECT current_setting('application_name') AS name`)) as Array<{ name: string }>;
      expect(row.name).toBe(service);
    });
  }

  it('renders unknown routes in the common error shape', async () => {
    const res = await fetch(`${booted.url}/no-such-route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'NOT_FOUND', message: expect.any(String) }) });
  });
});

describe('readiness when a dependency is down', () => {
  it('answers 503 and names the dependency that failed', async () => {
    const closedPort = await freePort();
    const config = loadConfig(profileApiEnv, { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/none` });
    const booted = await bootApp(ProfileApiModule.forRoot(config), 'profile-api');
    try {
      const res = await fetch(`${booted.url}/health/ready`);
      const body = (await res.json()) as { error: { details: { details: Record<string, { status: string }> } } };
      expect(res.status).toBe(503);
      expect(body.error.details.details.postgres.status).toBe('down');
      expect(body.error.details.details.bus.status).toBe('up');
      // Business endpoints answer "try again" rather than failing, while the store is away.
      const profile = await fetch(`${booted.url}/v1/profiles/someone`, { headers: { authorization: `Bearer ${env.API_KEYS}` } });
      expect(profile.status).toBe(503);
      expect(profile.headers.get('retry-after')).toBe('1');
      expect(((await profile.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await booted.close();
    }
  });
});
