import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EnrichedEvent } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG, featureEventOf, FeatureReplay } from '@app/features';
import { OnnxModel } from '@app/model';
import { loadConfig } from '@app/platform';
import { bootApp, busUrlsUnderTest, collectTopic, eventually, testEnv, uniqueName, type BootedApp } from '@app/testing';
import { enrichedSimulation } from '../../../tools/simulate/enriched-simulation';
import { simulationOptions } from '../../../tools/simulate/simulate';
import { aucRoc } from '../../../tools/train/metrics';
import { scoringEnv } from '../src/scoring.config';
import { ScoringModule } from '../src/scoring.module';

/**
 * Training and serving must not drift apart: simulated traffic replayed through the running scoring
 * service (the shipped default model, its features emitted with each score) gives the same feature
 * values, to the float32 the model reads, as the offline computation training uses.
 *
 * The chargebacks are a card network's: the disputed payment's id alone. The service must find each
 * payment by id to count its fraud in the payment's merchant window, as the offline run does with
 * every payment known. They come 1 to 6 days after the fraud, inside the 7-day label delay: one that
 * came exactly at the delay would reach a fraud window at the very moment another partition's events
 * read it, and which comes first is a race between partitions (docs/scoring.md, "Chargebacks").
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
  let model: OnnxModel;
  const frauds = new Set<string>();

  beforeAll(async () => {
    const geo = await GeoLookup.open();
    const simulated = [
      ...enrichedSimulation(simulationOptions({ seed: '7', customers: '300', terminals: '600', days: '21', 'chargeback-fields': 'id' }, geo), geo),
    ];
    events = simulated.map((e) => e.event);
    for (const { event, fraud } of simulated) if (fraud) frauds.add(event.eventId);
    model = await OnnxModel.load('models/default/manifest.json');
    features = model.manifest.features;
    const replay = new FeatureReplay(features, DEFAULT_FEATURE_CONFIG);
    offline = new Map();
    for (const event of events) {
      const { values } = replay.process(featureEventOf(event));
      if (event.type !== 'chargeback') offline.set(event.eventId, values.map(Math.fround));
    }
    bus = createBus({ url: busUrl, clientId: 'parity-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    app = await bootApp(
      ScoringModule.forRoot(
        loadConfig(scoringEnv, {
          API_KEYS: 'parity-key-123',
          LOG_LEVEL: 'silent',
          BUS_URL: busUrl,
          BUS_TOPIC_PREFIX: prefix,
          BUS_PARTITIONS: '2',
          REDIS_URL: testEnv.redisUrl,
          SCORING_STATE_PREFIX: uniqueName('parity-state'),
          SCORING_EMIT_FEATURES: 'true',
        }),
      ),
      'scoring',
    );
  });

  afterAll(async () => {
    await model?.release();
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
      await bus.publish(
        topics.enriched,
        day.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
      );
      expected += day.filter((e) => e.type !== 'chargeback').length;
      await eventually(async () => expect(scores.records.length).toBe(expected), { timeoutMs: 30_000 });
    }
    expect(expected).toBe(offline.size);
    await scores.consumer.stop();
    const mismatches: string[] = [];
    const online = new Map<string, number>();
    for (const score of scores.values()) {
      const expected = offline.get(score.eventId) as number[];
      online.set(score.eventId, score.score);
      features.forEach((name, f) => {
        const value = score.features[name] ?? Number.NaN; // JSON has no NaN: a missing feature travels as null
        if (!Object.is(value, expected[f])) mismatches.push(`${score.eventId} ${name}: online ${value}, offline ${expected[f]}`);
      });
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(offline.size).toBeGreaterThan(20_000);

    // Every payment scored, and detection online as good as offline with every chargeback's payment known.
    const payments = events.filter((e) => e.type === 'transaction' && Date.parse(e.occurredAt) >= Date.parse(events[0].occurredAt) + 14 * 86_400_000);
    expect(payments.every((e) => online.has(e.eventId))).toBe(true);
    const offlineScores = await model.score(Float32Array.from(payments.flatMap((e) => offline.get(e.eventId) as number[])), payments.length);
    const labels = payments.map((e) => (frauds.has(e.eventId) ? 1 : 0));
    expect(labels.filter((l) => l === 1).length).toBeGreaterThan(30);
    const auc = {
      online: aucRoc(
        payments.map((e) => online.get(e.eventId) as number),
        labels,
      ),
      offline: aucRoc(offlineScores, labels),
    };
    expect(Math.abs(auc.online - auc.offline)).toBeLessThan(0.005);
  });
});
