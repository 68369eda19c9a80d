import { loadConfig } from '@app/platform';
import { apiCall, bootApp, createOwnDatabase, testEnv, uniqueName, untilReady, type BootedApp } from '@app/testing';
import { alertsEnv } from '../src/alerts.config';
import { AlertsModule } from '../src/alerts.module';

const API_KEY = 'alerts-test-key-1';

describe('alerts: webhook endpoint management', () => {
  let app: BootedApp;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;

  const call = (method: string, path: string, body?: unknown, key = API_KEY) => apiCall(app.url, key)(method, path, body);
  // Bodies are asserted field by field.
  const json = (res: Response): Promise<any> => res.json();

  beforeAll(async () => {
    database = await createOwnDatabase('alerts');
    app = await untilReady(
      await bootApp(
        AlertsModule.forRoot(
          loadConfig(alertsEnv, {
            API_KEYS: API_KEY,
            LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent',
            BUS_URL: testEnv.redisUrl,
            BUS_TOPIC_PREFIX: `${uniqueName('al')}.`,
            DATABASE_URL: database.url,
            WEBHOOK_ALLOWED_TARGETS: 'localhost,127.0.0.1',
          }),
        ),
        'alerts',
      ),
    );
  });

  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('registers an endpoint, shows its secret once, and never again', async () => {
    const created = await call('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      description: 'desk',
      filter: { minScore: 0.8, eventTypes: ['transaction'] },
    });
    expect(created.status).toBe(201);
    const endpoint = await json(created);
    expect(endpoint).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      description: 'desk',
      filter: { minScore: 0.8, eventTypes: ['transaction'], reasonCodes: [] },
      enabled: true,
      maxInFlight: 4,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const shown = await json(await call('GET', `/v1/webhooks/${endpoint.id}`));
    expect(shown).not.toHaveProperty('secret');
    expect(JSON.stringify(await json(await call('GET', '/v1/webhooks')))).not.toContain(endpoint.secret);
  });

  it('updates, disables, rotates the secret with a grace period, and deletes', async () => {
    const { id, secret } = await json(await call('POST', '/v1/webhooks', { url: 'http://localhost:9/a' }));
    expect(await json(await call('PATCH', `/v1/webhooks/${id}`, { enabled: false, maxInFlight: 2, filter: { reasonCodes: ['velocity'] } }))).toMatchObject({
      enabled: false,
      disabledReason: 'disabled through the API',
      maxInFlight: 2,
      filter: { reasonCodes: ['velocity'] },
    });
    const rotated = await call('POST', `/v1/webhooks/${id}/rotate-secret`, { graceHours: 2 });
    expect(rotated.status).toBe(201);
    const body = await json(rotated);
    expect(body.secret).not.toBe(secret);
    expect(Date.parse(body.secretRotationEndsAt) - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);

    expect((await call('DELETE', `/v1/webhooks/${id}`)).status).toBe(204);
    expect((await call('GET', `/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('refuses targets in private networks unless allowed, and bad input with reasons', async () => {
    const privateTarget = await call('POST', '/v1/webhooks', { url: 'http://10.1.2.3/hook' });
    expect(privateTarget.status).toBe(422);
    expect(await json(privateTarget)).toEqual({
      error: { code: 'URL_NOT_ALLOWED', message: expect.stringMatching(/10\.1\.2\.3, a private or reserved address/) },
    });
    expect((await call('POST', '/v1/webhooks', { url: 'http://169.254.169.254/latest' })).status).toBe(422);

    const bad = await call('POST', '/v1/webhooks', { url: 'http://localhost:9/x', filter: { minScore: 2, eventTypes: ['teleport'] }, colour: 'red' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({
      code: 'INVALID_ENDPOINT',
      details: expect.arrayContaining([
        'colour: is not a field',
        'filter.minScore: must be between 0 and 1',
        expect.stringMatching(/^filter\.eventTypes\.0: must be one of transaction/),
      ]),
    });
    expect((await json(await call('POST', '/v1/webhooks', {}))).error.details).toEqual(['url: is required']);
  });

  it('answers 404 for unknown or malformed ids and 401 without a key', async () => {
    expect((await call('GET', '/v1/webhooks/6f1c2b1e-4a0e-4d0b-9c1e-2f6d7b9a1c33')).status).toBe(404);
    expect((await call('PATCH', '/v1/webhooks/not-a-uuid', { enabled: true })).status).toBe(404);
    expect((await call('GET', '/v1/webhooks', undefined, 'wrong-key-1234')).status).toBe(401);
  });
});
