import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createOwnDatabase, eventually, freePort, testEnv } from '@app/testing';

const root = resolve(__dirname, '../..');

/** Runs a service the way production does (main.ts in its own process) and collects its output. */
function runService(app: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exited, output: () => output };
}

describe('a service process', () => {
  it('refuses to start on bad configuration, naming each bad setting', async () => {
    const service = runService('scoring', { BUS_URL: 'amqp://nope', PORT: '-1' });
    expect(await service.exited).toEqual({ code: 1, signal: null });
    const output = service.output();
    expect(output).toMatch(/BUS_URL: BUS_URL must look like kafka:\/\//);
    expect(output).toMatch(/PORT: /);
    expect(output).toMatch(/API_KEYS: is required/);
  });

  it('refuses to start in production on unsafe settings, one line each, without echoing a secret', async () => {
    const service = runService('alerts', {
      NODE_ENV: 'production',
      BUS_URL: testEnv.redisUrl,
      DATABASE_URL: testEnv.postgresUrl,
      WEBHOOK_ALLOWED_TARGETS: 'localhost,0.0.0.0/0',
      API_KEYS: `dev-key-change-me,profiles=short-but-valid-key,admin=${'s'.repeat(40)}`,
    });
    expect(await service.exited).toEqual({ code: 1, signal: null });
    const lines = service
      .output()
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('API_KEYS') || l.startsWith('WEBHOOK'));
    expect(lines).toEqual([
      expect.stringMatching(/^API_KEYS: all#\w{8}: the demo key is refused in production$/),
      expect.stringMatching(/^API_KEYS: all#\w{8}: a key without scopes/),
      expect.stringMatching(/^API_KEYS: all#\w{8}: must be at least 32 characters in production$/),
      expect.stringMatching(/^API_KEYS: profiles#\w{8}: must be at least 32 characters in production$/),
      'WEBHOOK_ALLOWED_TARGETS: 0.0.0.0/0 covers public addresses; production allows only private ones there',
      expect.stringMatching(/^WEBHOOK_SECRET_KEYS: must be set in production/),
    ]);
    expect(service.output()).not.toContain('short-but-valid-key');
  });

  it('logs JSON, serves health, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const service = runService('alerts', { PORT: String(port), API_KEYS: 'secret-key-98765', BUS_URL: testEnv.redisUrl, DATABASE_URL: testEnv.postgresUrl });
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200), { timeoutMs: 30_000, intervalMs: 200 });
    await eventually(
      async () => expect((await fetch(`http://127.0.0.1:${port}/v1/webhooks`, { headers: { authorization: 'Bearer secret-key-98765' } })).status).toBe(200),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    service.child.kill('SIGTERM');
    // Nest re-raises the signal once its shutdown hooks are done; the forced-exit path would exit 1 instead.
    expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const lines = service.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'alerts', msg: 'Nest application successfully started' })]),
    );
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      expect.arrayContaining([expect.objectContaining({ component: 'bus', signal: 'SIGTERM', msg: expect.stringContaining('bus drained') })]),
    );
    // The request log names the key that made the request (its scopes and a fingerprint), never the secret.
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ component: 'http', key: expect.stringMatching(/^all#[0-9a-f]{8}$/), req: expect.objectContaining({ url: '/v1/webhooks' }) }),
      ]),
    );
    expect(service.output()).not.toContain('secret-key-98765');
  });

  it('never logs a webhook secret, sealed or not, when Postgres refuses to store one', async () => {
    const database = await createOwnDatabase('secret-logs');
    const port = await freePort();
    const key = 'admin-key-0123456789abcdef0123456789';
    const service = runService('alerts', {
      PORT: String(port),
      API_KEYS: `admin=${key}`,
      BUS_URL: testEnv.redisUrl,
      DATABASE_URL: database.url,
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    });
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
    try {
      await eventually(async () => expect((await post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).status).toBe(201), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      const { id, secret } = (await (await post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).json()) as { id: string; secret: string };
      // From now on every row Postgres is asked to write fails, and its error carries the statement's parameters and the row.
      const db = new Client({ connectionString: database.url });
      await db.connect();
      await db.query('ALTER TABLE webhook_endpoints ADD CONSTRAINT refuse_writes CHECK (false) NOT VALID');
      await db.end();
      expect((await post('/v1/webhooks', { url: 'http://127.0.0.1:9/other' })).status).toBe(500);
      expect((await post(`/v1/webhooks/${id}/rotate-secret`, {})).status).toBe(500);
      service.child.kill('SIGTERM');
      await service.exited;
      const logged = service
        .output()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: string; err?: { message?: string } });
      expect(logged.filter((l) => l.level === 'error' && l.err?.message?.includes('refuse_writes'))).toHaveLength(2);
      expect(['whsec_', 'enc:v1:', secret].filter((text) => service.output().includes(text))).toEqual([]);
    } finally {
      service.child.kill('SIGKILL');
      await database.drop();
    }
  });
});
