import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createBus, partitionForKey, silentBusLogger, type MessageBus } from '@app/bus';
import { ConsumerGroups, consumerGroup, topicNames, type EnrichedEvent } from '@app/contracts';
import { UserState } from '@app/features';
import { logisticRegressionModel, saveModel, treeEnsembleModel } from '@app/model';
import { loadConfig } from '@app/platform';
import { apiCall, bootApp, type BootedApp, busUrlsUnderTest, collectTopic, enrichedEvent, eventually, metricSum, testEnv, uniqueName } from '@app/testing';
import { scoringEnv } from '../src/scoring.config';
import { ScoringModule } from '../src/scoring.module';

const API_KEY = 'scoring-test-key-1';
const FEATURES = ['event.amount', 'user.tx_count.1d'];
const thresholds = { review: 0.5, block: 0.9, alert: 0.7 };

describe.each(busUrlsUnderTest)('scoring on %s: windowed features, ONNX model, rules, scores and alerts', (engine, busUrl) => {
  const prefix = `${uniqueName(`score-${engine}`)}.`;
  const statePrefix = uniqueName('scoring-state');
  const topics = topicNames(prefix);
  let modelsDir: string;
  let bus: MessageBus;
  let redis: Redis;
  let app: BootedApp;
  let scores: Awaited<ReturnType<typeof collectTopic>>;
  let alerts: Awaited<ReturnType<typeof collectTopic>>;
  let invalid: Awaited<ReturnType<typeof collectTopic>>;

  const boot = () =>
    bootApp(
      ScoringModule.forRoot(
        loadConfig(scoringEnv, {
          API_KEYS: API_KEY,
          LOG_LEVEL: 'silent',
          BUS_URL: busUrl,
          BUS_TOPIC_PREFIX: prefix,
          BUS_PARTITIONS: '2',
          REDIS_URL: testEnv.redisUrl,
          MODELS_DIR: modelsDir,
          MODEL_NAME: 'amount',
          SCORING_STATE_PREFIX: statePrefix,
        }),
      ),
      'scoring',
    );
  const call = apiCall(() => app.url, API_KEY);

  // Bodies are asserted field by field.
  const json = (response: Response): Promise<any> => response.json();

  const event = (userId: string, occurredAt: string, over: Partial<EnrichedEvent> = {}) =>
    enrichedEvent({ type: 'transaction', userId, occurredAt, amount: 10, currency: 'EUR', merchantId: 'm1', ...over });
  const publish = (events: Array<EnrichedEvent | string>) =>
    bus.publish(
      topics.enriched,
      events.map((e) => (typeof e === 'string' ? { key: 'bad', value: e } : { key: e.userId, value: JSON.stringify(e) })),
    );
  const scoreOf = async (eventId: string): Promise<any> =>
    eventually(async () => {
      const found = scores.values().find((s) => s.eventId === eventId);
      expect(found).toBeDefined();
      return found;
    });

  /** A user's stored day bucket: events, transactions, amount in cents, logins. */
  const dayMeasures = async (userId: string, day: string) =>
    UserState.decode(await redis.get(`${statePrefix}:u:${userId}`), 600_000).buckets[2].get(Date.parse(day) / 86_400_000);

  beforeAll(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'models-'));
    // P(fraud) = sigmoid((amount - 1000) / 100): about 0 for 10, 0.73 for 1100, 0.99 for 1500.
    await saveModel(
      join(modelsDir, 'amount'),
      { id: 'amount-lr', version: '1', input: 'features', output: 'probabilities', features: FEATURES, baseline: [20, 1], thresholds },
      logisticRegressionModel({ inputName: 'features', weights: [0.01, 0], intercept: -10 }),
    );
    // A forest reading the second feature: 0.95 from the third transaction of the day.
    await saveModel(
      join(modelsDir, 'forest'),
      { id: 'count-forest', version: '2', input: 'features', output: 'output_probability', features: FEATURES, thresholds },
      treeEnsembleModel({
        inputName: 'features',
        featureCount: 2,
        zipMap: true,
        trees: [{ nodes: [{ feature: 1, threshold: 2.5, left: 1, right: 2 }, { leaf: 0.05 }, { leaf: 0.95 }] }],
      }),
    );
    // A shadow reading a feature the live model does not: 0.92 from the second transaction within the hour.
    await saveModel(
      join(modelsDir, 'hourly'),
      { id: 'hourly-forest', version: '3', input: 'features', output: 'probabilities', features: ['user.tx_count.1h'], thresholds },
      treeEnsembleModel({
        inputName: 'features',
        featureCount: 1,
        trees: [{ nodes: [{ feature: 0, threshold: 1.5, left: 1, right: 2 }, { leaf: 0.08 }, { leaf: 0.92 }] }],
      }),
    );
    await saveModel(
      join(modelsDir, 'misfit'),
      { id: 'misfit', version: '1', input: 'features', output: 'probabilities', features: ['event.amount'], thresholds },
      logisticRegressionModel({ inputName: 'features', weights: [1, 1], intercept: 0 }),
    );
    bus = createBus({ url: busUrl, clientId: 'scoring-test', logger: silentBusLogger });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    scores = await collectTopic(bus, topics.scores, topics.invalid);
    alerts = await collectTopic(bus, topics.alerts, topics.invalid);
    invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    app = await boot();
  });

  afterAll(async () => {
    await app.close();
    for (const c of [scores, alerts, invalid]) await c.consumer.stop();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    const keys = await redis.keys(`${statePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('scores every event, alerts above the threshold with reasons, and keys both by user', async () => {
    const user = uniqueName('u');
    const small = event(user, '2026-11-23T10:00:00Z', { amount: 10 });
    const large = event(user, '2026-11-23T10:01:00Z', { amount: 1500 });
    await publish([small, large]);
    const [lowScore, highScore] = [await scoreOf(small.eventId), await scoreOf(large.eventId)];
    expect(lowScore).toMatchObject({
      userId: user,
      occurredAt: small.occurredAt,
      model: { id: 'amount-lr', version: '1' },
      decision: 'allow',
      alert: false,
      reasons: [],
    });
    expect(lowScore.score).toBeLessThan(0.01);
    expect(highScore).toMatchObject({ decision: 'block', alert: true });
    expect(highScore.score).toBeGreaterThan(0.99);
    expect(highScore.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'MODEL_SCORE_HIGH' }),
        expect.objectContaining({ code: 'FEATURE_EVENT_AMOUNT', detail: expect.stringContaining('event.amount = 1500 (typical 20)') }),
      ]),
    );
    const alert = await eventually(async () => {
      const found = alerts.values().find((a) => a.eventId === large.eventId);
      expect(found).toBeDefined();
      return found;
    });
    expect(alert).toMatchObject({
      alertId: `alert_${large.eventId}`,
      userId: user,
      eventType: 'transaction',
      score: highScore.score,
      reasons: highScore.reasons,
    });
    expect(alerts.values().some((a) => a.eventId === small.eventId)).toBe(false);
    const record = alerts.records.find((r) => JSON.parse(r.value.toString()).eventId === large.eventId);
    expect(record?.key).toBe(user);
  });

  it('dead-letters a record it cannot score, with the reason, and goes on', async () => {
    const user = uniqueName('u');
    const after = event(user, '2026-11-23T11:00:00Z');
    await publish(['{"userId":"x"', JSON.stringify({ userId: 'x', type: 'login' }), after]);
    await scoreOf(after.eventId);
    await eventually(async () => {
      const reasons = invalid.records.map((r) => r.headers['dead-letter-reason']);
      expect(reasons.join('\n')).toMatch(/invalid JSON/);
      expect(reasons.join('\n')).toMatch(/eventId is required/);
    });
  });

  it('flags an event older than the grace as late, and scores it without touching its windows', async () => {
    const user = uniqueName('u');
    const recent = event(user, '2026-11-23T12:00:00Z');
    const late = event(user, '2026-11-23T11:00:00Z');
    await publish([recent]);
    await scoreOf(recent.eventId);
    await publish([late]);
    expect((await scoreOf(late.eventId)).reasons).toEqual([expect.objectContaining({ code: 'EVENT_LATE' })]);
    expect(await dayMeasures(user, '2026-11-23')).toEqual([1, 1, 1000, 0]);
  });

  it('applies runtime rule changes from the next batch, with the rule as a reason', async () => {
    const badRule = await call('PUT', '/v1/rules/velocity', {
      when: [{ feature: 'user.tx_count.90m', op: '>=', value: 3 }],
      action: 'alert',
      reasonCode: 'velocity',
    });
    expect(badRule.status).toBe(400);
    expect(JSON.stringify(await json(badRule))).toMatch(/user\.tx_count\.90m.*not served.*reasonCode: must be UPPER_SNAKE_CASE/);

    const put = await call('PUT', '/v1/rules/velocity', {
      when: [{ feature: 'user.tx_count.10m', op: '>=', value: 3 }],
      action: 'alert',
      reasonCode: 'VELOCITY_10M',
    });
    expect(put.status).toBe(201);
    const user = uniqueName('u');
    const burst = ['13:00:00', '13:01:00', '13:02:00'].map((t) => event(user, `2026-11-23T${t}Z`));
    await publish(burst);
    const third = await scoreOf(burst[2].eventId);
    expect(third).toMatchObject({
      decision: 'review',
      alert: true,
      reasons: [{ code: 'VELOCITY_10M', detail: 'rule velocity: user.tx_count.10m >= 3 (is 3)' }],
    });
    expect((await scoreOf(burst[1].eventId)).alert).toBe(false);
    await eventually(async () => expect(alerts.values().some((a) => a.eventId === burst[2].eventId)).toBe(true));

    expect((await call('DELETE', '/v1/rules/velocity')).status).toBe(204);
    const fourth = event(user, '2026-11-23T13:03:00Z');
    await publish([fourth]);
    expect(await scoreOf(fourth.eventId)).toMatchObject({ alert: false, reasons: [] });
  });

  it('swaps to another model version at runtime, and refuses one that does not fit its manifest', async () => {
    const misfit = await call('PUT', '/v1/models/active', { name: 'misfit' });
    expect(misfit.status).toBe(422);
    expect((await json(misfit)).error.message).toMatch(/the manifest names 1 features, so it must be \[N, 1\]/);

    const swapped = await call('PUT', '/v1/models/active', { name: 'forest' });
    expect(swapped.status).toBe(200);
    expect(await json(swapped)).toMatchObject({ name: 'forest', id: 'count-forest', version: '2' });
    const user = uniqueName('u');
    const day = ['14:00:00', '15:00:00', '16:00:00'].map((t) => event(user, `2026-11-23T${t}Z`));
    await publish(day);
    const third = await scoreOf(day[2].eventId);
    expect(third).toMatchObject({ model: { id: 'count-forest', version: '2' }, decision: 'block', alert: true });
    expect(third.score).toBeCloseTo(0.95, 5);
    expect((await scoreOf(day[0].eventId)).score).toBeCloseTo(0.05, 5);
    expect((await json(await call('PUT', '/v1/models/active', { name: 'amount' }))).id).toBe('amount-lr');
  });

  it('scores a shadow model beside the live one and reports what it would have decided, deciding nothing', async () => {
    expect((await call('GET', '/v1/models/shadow')).status).toBe(404);
    expect((await call('PUT', '/v1/models/shadow', { name: 'misfit' })).status).toBe(422);
    const shadowed = await call('PUT', '/v1/models/shadow', { name: 'hourly' });
    expect(shadowed.status).toBe(200);
    expect(await json(shadowed)).toMatchObject({ name: 'hourly', id: 'hourly-forest', version: '3', features: ['user.tx_count.1h'] });
    const disagreements = () => metricSum(app.url, 'scoring_shadow_decisions_total{live="allow",shadow="block"');
    const before = await disagreements();

    const user = uniqueName('u');
    const [first, second] = ['11:00:00', '11:10:00'].map((t) => event(user, `2026-11-22T${t}Z`));
    await publish([first, second]);
    const [firstScore, secondScore] = [await scoreOf(first.eventId), await scoreOf(second.eventId)];
    expect(firstScore).toMatchObject({
      model: { id: 'amount-lr' },
      decision: 'allow',
      shadow: { model: { id: 'hourly-forest', version: '3' }, decision: 'allow', alert: false },
    });
    expect(firstScore.shadow.score).toBeCloseTo(0.08, 5);
    // The shadow would have blocked and alerted; the live model allows, and no alert is raised.
    expect(secondScore).toMatchObject({ model: { id: 'amount-lr' }, decision: 'allow', alert: false, reasons: [], shadow: { decision: 'block', alert: true } });
    expect(secondScore.shadow.score).toBeCloseTo(0.92, 5);
    expect(await disagreements()).toBe(before + 1);

    expect((await call('DELETE', '/v1/models/shadow')).status).toBe(204);
    expect((await call('GET', '/v1/models/shadow')).status).toBe(404);
    const third = event(user, '2026-11-22T11:20:00Z');
    await publish([third]);
    expect((await scoreOf(third.eventId)).shadow).toBeUndefined();
    // Later on the same partition: the earlier batches' alerts were published before it was scored.
    expect(alerts.values().some((a) => a.userId === user)).toBe(false);

    // Another instance chose the shadow: this one follows from its next batches.
    await redis.set(`${statePrefix}:model:shadow`, 'hourly');
    const followed = await eventually(async () => {
      const next = event(user, '2026-11-22T11:30:00Z');
      await publish([next]);
      const score = await scoreOf(next.eventId);
      expect(score.shadow).toMatchObject({ model: { id: 'hourly-forest' }, decision: 'block' });
      return score;
    });
    expect(followed.decision).toBe('allow');
    expect((await call('DELETE', '/v1/models/shadow')).status).toBe(204);
  });

  it('retries a shadow another instance chose once it was withdrawn and chosen again, after it failed to load here', async () => {
    const user = uniqueName('u');
    let minute = 0;
    const scoreNext = async () => {
      const next = event(user, `2026-11-21T09:${String(minute++).padStart(2, '0')}:00Z`);
      await publish([next]);
      return scoreOf(next.eventId);
    };
    // Chosen elsewhere while its folder is missing here: it fails to load, and scores go out without it.
    await redis.set(`${statePrefix}:model:shadow`, 'late-copy');
    expect((await scoreNext()).shadow).toBeUndefined();
    expect((await scoreNext()).shadow).toBeUndefined();
    await saveModel(
      join(modelsDir, 'late-copy'),
      { id: 'late-copy', version: '1', input: 'features', output: 'probabilities', features: ['user.tx_count.1h'], thresholds },
      treeEnsembleModel({
        inputName: 'features',
        featureCount: 1,
        trees: [{ nodes: [{ feature: 0, threshold: 1.5, left: 1, right: 2 }, { leaf: 0.1 }, { leaf: 0.9 }] }],
      }),
    );
    // Withdrawn, then chosen again: this instance tries it again and serves it.
    await redis.del(`${statePrefix}:model:shadow`);
    await scoreNext();
    await redis.set(`${statePrefix}:model:shadow`, 'late-copy');
    await eventually(async () => expect((await scoreNext()).shadow).toMatchObject({ model: { id: 'late-copy' } }));
    await redis.del(`${statePrefix}:model:shadow`);
  });

  it('applies the events of a bus whose offsets the stored position does not know (BUS_URL moved to the other engine)', async () => {
    const user = uniqueName('u');
    const positionKey = `${statePrefix}:pos:${topics.enriched}:${partitionForKey(user, 2)}`;
    // What a run on the other engine left: as a number, far above every offset of this one.
    const foreign = engine === 'kafka' ? '9999999999999-99' : '99999999999999999999';
    await redis.set(positionKey, foreign);
    const payment = event(user, '2026-11-19T10:00:00Z', { amount: 7 });
    await publish([payment]);
    expect(await scoreOf(payment.eventId)).toMatchObject({ userId: user });
    await eventually(async () => expect(await dayMeasures(user, '2026-11-19')).toEqual([1, 1, 700, 0]));
    expect(await redis.get(positionKey)).not.toBe(foreign);
  });

  it('never applies an event twice: a rewound group re-reads the partition and the state is unchanged', async () => {
    const user = uniqueName('u');
    const events = Array.from({ length: 30 }, (_, i) => event(user, `2026-11-20T10:${String(i).padStart(2, '0')}:00Z`, { amount: 2 }));
    await publish(events);
    await scoreOf(events[29].eventId);
    await eventually(async () => expect(await dayMeasures(user, '2026-11-20')).toEqual([30, 30, 6000, 0]));

    await app.close();
    const plans = await bus.rewind(consumerGroup(prefix, ConsumerGroups.scoring), topics.enriched, new Date(0));
    expect(plans.reduce((sum, p) => sum + p.rereadCount, 0)).toBeGreaterThanOrEqual(30);
    const scoredBefore = scores.values().filter((s) => s.userId === user).length;
    app = await boot();
    // A marker on the user's partition comes after the re-read records: once it is scored, they were all read again.
    let marker = uniqueName('u');
    while (partitionForKey(marker, 2) !== partitionForKey(user, 2)) marker = uniqueName('u');
    const markerEvent = event(marker, '2026-11-20T12:00:00Z');
    await publish([markerEvent]);
    await scoreOf(markerEvent.eventId);
    expect(await dayMeasures(user, '2026-11-20')).toEqual([30, 30, 6000, 0]);
    expect(scores.values().filter((s) => s.userId === user).length).toBe(scoredBefore);
  });
});
