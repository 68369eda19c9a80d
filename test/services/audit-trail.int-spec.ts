import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type AuditRecord } from '@app/contracts';
import { alertsEnv } from '../../apps/alerts/src/alerts.config';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { loadConfig, parseApiKeys } from '@app/platform';
import { apiCall, bootApp, createOwnDatabase, sleep, testEnv, uniqueName, untilReady, type BootedApp } from '@app/testing';

const KEYS = { lead: 'lead-admin-key-0123456789abcdef0123', analyst: 'analyst-key-0123456789abcdef012345', reader: 'profiles-key-0123456789abcdef01234' };
const API_KEYS = `admin=${KEYS.lead},admin+profiles=${KEYS.analyst},profiles=${KEYS.reader}`;
const [LEAD, ANALYST] = parseApiKeys(API_KEYS.split(',')).keys.map((k) => k.name);

type Page = { items: AuditRecord[]; next: string | null };

/** Every admin change of scoring and alerts lands in one trail, with who, what and the target before and after. */
describe('the audit trail', () => {
  const prefix = `${uniqueName('audit')}.`;
  let scoring: BootedApp;
  let alerts: BootedApp;
  let bus: MessageBus;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;

  const call = (app: BootedApp, path: string, key: string, method = 'GET', body?: unknown) => apiCall(app.url, key)(method, path, body);
  const trail = async (query = 'limit=500'): Promise<Page> => (await (await call(alerts, `/v1/audit?${query}`, KEYS.lead)).json()) as Page;
  const untilTrailHolds = async (count: number): Promise<AuditRecord[]> => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
      const { items } = await trail();
      if (items.length >= count) return items;
    }
    return (await trail()).items;
  };

  beforeAll(async () => {
    database = await createOwnDatabase('audit');
    const env = {
      API_KEYS,
      LOG_LEVEL: 'silent',
      BUS_URL: testEnv.redisUrl,
      REDIS_URL: testEnv.redisUrl,
      DATABASE_URL: database.url,
      BUS_TOPIC_PREFIX: prefix,
      SCORING_STATE_PREFIX: uniqueName('audit'),
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    };
    scoring = await untilReady(await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, env)), 'scoring'));
    alerts = await untilReady(await bootApp(AlertsModule.forRoot(loadConfig(alertsEnv, env)), 'alerts'));
    bus = createBus({ url: testEnv.redisUrl, clientId: 'audit-test', logger: silentBusLogger });
  });

  afterAll(async () => {
    await scoring?.close();
    await alerts?.close();
    await bus?.deleteTopics(Object.values(topicNames(prefix)));
    await bus?.close();
    await database?.drop();
  });

  it('records each change once, with the key that made it and the target before and after, never a secret', async () => {
    const rule = { when: [{ feature: 'user.tx_count.10m', op: '>=', value: 8 }], action: 'alert', reasonCode: 'VELOCITY_10M' };
    expect((await call(scoring, '/v1/rules/velocity', KEYS.lead, 'PUT', rule)).status).toBe(201);
    expect(
      (await call(scoring, '/v1/rules/velocity', KEYS.analyst, 'PUT', { ...rule, when: [{ feature: 'user.tx_count.10m', op: '>=', value: 5 }] })).status,
    ).toBe(200);
    expect((await call(scoring, '/v1/rules/velocity', KEYS.reader, 'DELETE')).status).toBe(403);
    expect((await call(scoring, '/v1/rules/velocity', KEYS.lead, 'DELETE')).status).toBe(204);
    expect((await call(scoring, '/v1/rules/velocity', KEYS.lead, 'DELETE')).status).toBe(404);
    expect((await call(scoring, '/v1/models/shadow', KEYS.lead, 'PUT', { name: 'default' })).status).toBe(200);
    expect((await call(scoring, '/v1/models/shadow/promote', KEYS.lead, 'POST')).status).toBe(200);
    expect((await call(scoring, '/v1/models/active', KEYS.analyst, 'PUT', { name: 'default' })).status).toBe(200);
    const created = (await (await call(alerts, '/v1/webhooks', KEYS.lead, 'POST', { url: 'http://127.0.0.1:9/hook' })).json()) as {
      id: string;
      secret: string;
    };
    expect((await call(alerts, `/v1/webhooks/${created.id}`, KEYS.analyst, 'PATCH', { enabled: false })).status).toBe(200);
    const rotated = (await (await call(alerts, `/v1/webhooks/${created.id}/rotate-secret`, KEYS.lead, 'POST', {})).json()) as { secret: string };
    expect(
      (await call(alerts, `/v1/webhooks/${created.id}/replay`, KEYS.lead, 'POST', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).status,
    ).toBe(202);
    expect((await call(alerts, `/v1/webhooks/${created.id}`, KEYS.lead, 'DELETE')).status).toBe(204);

    const items = await untilTrailHolds(11);
    const oldestFirst = [...items].reverse();
    expect(oldestFirst.map((r) => [r.service, r.actor, r.action, r.target])).toEqual([
      ['scoring', LEAD, 'rule.put', 'rule:velocity'],
      ['scoring', ANALYST, 'rule.put', 'rule:velocity'],
      ['scoring', LEAD, 'rule.delete', 'rule:velocity'],
      ['scoring', LEAD, 'model.shadow', 'model:shadow'],
      ['scoring', LEAD, 'model.promote', 'model:active'],
      ['scoring', ANALYST, 'model.activate', 'model:active'],
      ['alerts', LEAD, 'webhook.create', `webhook:${created.id}`],
      ['alerts', ANALYST, 'webhook.update', `webhook:${created.id}`],
      ['alerts', LEAD, 'webhook.rotate-secret', `webhook:${created.id}`],
      ['alerts', LEAD, 'webhook.replay', `webhook:${created.id}`],
      ['alerts', LEAD, 'webhook.delete', `webhook:${created.id}`],
    ]);
    const [firstPut, secondPut, deleted, , , , , update, rotation] = oldestFirst;
    expect(firstPut.before).toBeNull();
    expect(secondPut.before).toEqual(firstPut.after);
    expect(deleted).toMatchObject({ before: secondPut.after, after: null });
    expect(update).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(rotation).toMatchObject({ before: { secretRotationEndsAt: null }, after: { secretRotationEndsAt: expect.any(String) } });
    const text = JSON.stringify(items);
    expect([created.secret, rotated.secret, 'whsec_', KEYS.lead, KEYS.analyst].filter((secret) => text.includes(secret))).toEqual([]);
  });

  it('pages newest first with a cursor, filters, and keeps a redelivered record once', async () => {
    const all = (await trail()).items;
    const paged: AuditRecord[] = [];
    for (let page = await trail('limit=4'); ; page = await trail(`limit=4&cursor=${page.next}`)) {
      paged.push(...page.items);
      if (!page.next) break;
    }
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect((await trail('target=rule:velocity')).items.map((r) => r.action)).toEqual(['rule.delete', 'rule.put', 'rule.put']);
    expect((await trail(`actor=${encodeURIComponent(ANALYST)}&action=rule.put`)).items).toHaveLength(1);
    expect((await call(alerts, '/v1/audit?cursor=not-one', KEYS.lead)).status).toBe(400);
    expect((await call(alerts, '/v1/audit', KEYS.reader)).status).toBe(403);

    // At-least-once: the same record again, then a new one; once the new one is kept, the copy was not.
    const topics = topicNames(prefix);
    const again = all[0];
    const marker: AuditRecord = { ...again, id: '00000000-0000-4000-8000-000000000001', at: new Date().toISOString(), target: 'rule:marker' };
    await bus.publish(topics.audit, [
      { key: again.target, value: JSON.stringify(again) },
      { key: marker.target, value: JSON.stringify(marker) },
    ]);
    const after = await untilTrailHolds(all.length + 1);
    expect(after.map((r) => r.id).sort()).toEqual([...all.map((r) => r.id), marker.id].sort());
  });
});
