import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EnrichedEvent } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG, FeatureEngine, featureEventOf, MerchantState, UserState } from '@app/features';
import { OnnxModel } from '@app/model';
import { loadConfig } from '@app/platform';
import { bootApp, busUrlsUnderTest, collectTopic, eventually, testEnv, uniqueName, type BootedApp } from '@app/testing';
import { enrichedSimulation } from '../../../tools/simulate/enriched-simulation';
import { simulationOptions } from '../../../tools/simulate/simulate';
import { scoringEnv } from '../src/scoring.config';
import { ScoringModule } from '../src/scoring.module';

/**
 * Training and serving must not drift apart: simulated traffic replayed through the running scoring
 * service (the shipped default model, its features emitted with each score) gives the same feature
 * values, to the float32 the model reads, as the offline computation training uses.
 *
 * Traffic goes in a simulated day at a time, as live traffic does: merchant fraud rates count the
 * charge-backs of every partition, so partitions must not drift days apart in event time (a backlog
 * read a large batch per partition at a time would; docs/scoring.md).
 */
describe.each(busUrlsUnderTest)('scoring on %s: online features equal offline ones', (engine, busUrl) => {
  const prefix = `${uniqueName(`parity-${engine}`)}.`;
  const topics = topicNames(prefix);
  let bus: MessageBus;
  let app: BootedApp;
  let events: EnrichedEvent[];
  let offline: Map<string, number[]>;
  let features: string[];

  beforeAll(async () => {
    const geo = await GeoLookup.open();
    events = [...enrichedSimulation(simulationOptions({ seed: '7', customers: '300', terminals: '600', days: '21' }, geo), geo)].map((e) => e.event);
    features = (await OnnxModel.load('models/default/manifest.json')).manifest.features;
    const engine = new FeatureEngine(features, DEFAULT_FEATURE_CONFIG);
    const users = new Map<string, UserState>();
    const merchants = new Map<string, MerchantState>();
    offline = new Map();
    for (const event of events) {
      let user = users.get(event.userId);
      if (!user) users.set(event.userId, (user = new UserState()));
      let merchant = event.merchantId ? merchants.get(event.merchantId) : undefined;
      if (event.merchantId && !merchant) merchants.set(event.merchantId, (merchant = new MerchantState()));
      const { values } = engine.process(featureEventOf(event), user, merchant ?? null);
      if (event.type !== 'chargeback') offline.set(event.eventId, values.map(Math.fround));
    }
    bus = createBus({ url: busUrl, clientId: 'parity-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    app = await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, {
      API_KEYS: 'parity-key-123', LOG_LEVEL: 'silent', BUS_URL: busUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: '2', REDIS_URL: testEnv.redisUrl,
      SCORING_STATE_PREFIX: uniqueName('parity-state'), SCORING_EMIT_FEATURES: 'true',
    })), 'scoring');
  });

  afterAll(async () => {
    await app?.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
  });

  it('computes, for every scored event, exactly the feature values training computed', async () => {
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const days = new Map<string, EnrichedEvent[]>();
    for (const e of events) days.set(e.occurredAt.slice(0, 10), [...(days.get(e.occurredAt.slice(0, 10)) ?? []), e]);
    let expected = 0;
    for (const day of days.values()) {
      await bus.publish(topics.enriched, day.map((e) => ({ key: e.userId, value: JSON.stringify(e) })));
      expected += day.filter((e) => e.type !== 'chargeback').length;
      await eventually(async () => expect(scores.records.length).toBe(expected), { timeoutMs: 30_000 });
    }
    expect(expected).toBe(offline.size);
    await scores.consumer.stop();
    const mismatches: string[] = [];
    for (const score of scores.values()) {
      const expected = offline.get(score.eventId) as number[];
      features.forEach((name, f) => {
        if (score.features[name] !== expected[f]) mismatches.push(`${score.eventId} ${name}: online ${score.features[name]}, offline ${expected[f]}`);
      });
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(offline.size).toBeGreaterThan(20_000);
  });
});
