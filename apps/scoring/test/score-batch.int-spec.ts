import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { TransientError, type MessageBus } from '@app/bus';
import type { Score } from '@app/contracts';
import { logisticRegressionModel, saveModel } from '@app/model';
import { loadConfig, MESSAGE_BUS } from '@app/platform';
import { bootApp, testEnv, uniqueName, type BootedApp } from '@app/testing';
import { EvaluationTally } from '../src/evaluation/evaluation-tally';
import { ModelEvaluationService } from '../src/evaluation/model-evaluation.service';
import { scoringEnv } from '../src/scoring.config';
import { ScoringModule } from '../src/scoring.module';
import { ScoreBatchService, type Outputs } from '../src/scoring/score-batch.service';
import { positionedEvent, type PositionedEvent } from '../src/scoring/score-pipeline';
import { PartitionMovedOnError, WindowStateRepository, type StateChanges } from '../src/state/window-state.repository';

const DAY = '2026-03-02';

/** One partition's batch through the service, as the consumer hands it over. */
const scoreBatch = (scoring: ScoreBatchService, partition: number, events: PositionedEvent[], outputs: Outputs) =>
  scoring.score([{ topic: 'events', partition, events }], outputs);
const dayBucket = Date.parse(DAY) / 86_400_000;

/** ScoreBatchService in process, on Redis, without a bus: what its writes leave in Redis. */
describe('ScoreBatchService state in Redis', () => {
  const statePrefix = uniqueName('score-batch-state');
  const merchantKey = `${statePrefix}:m:shared-merchant`;
  let modelsDir: string;
  let app: BootedApp;
  let redis: Redis;

  beforeAll(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'models-'));
    await saveModel(
      join(modelsDir, 'merchant'),
      {
        id: 'merchant-lr',
        version: '1',
        input: 'features',
        output: 'probabilities',
        features: ['merchant.tx_count.1d'],
        thresholds: { review: 0.5, block: 0.9, alert: 0.7 },
      },
      logisticRegressionModel({ inputName: 'features', weights: [0.001], intercept: -5 }),
    );
    app = await bootApp(
      ScoringModule.forRoot(
        loadConfig(scoringEnv, {
          API_KEYS: 'concurrent-test-key',
          LOG_LEVEL: 'silent',
          BUS_URL: testEnv.redisUrl,
          REDIS_URL: testEnv.redisUrl,
          MODELS_DIR: modelsDir,
          MODEL_NAME: 'merchant',
          SCORING_STATE_PREFIX: statePrefix,
          SCORING_CONSUMER: 'false',
          SCORING_RECENT_SCORES: '3',
        }),
      ),
      'scoring',
    );
    redis = new Redis(testEnv.redisUrl);
  });

  afterAll(async () => {
    await app.close();
    const keys = await redis.keys(`${statePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(modelsDir, { recursive: true, force: true });
  });

  const batchOf = (partition: number, userId: string, count: number, merchantId = 'shared-merchant', firstOffset = 0): PositionedEvent[] =>
    Array.from({ length: count }, (_, i) =>
      positionedEvent(String(firstOffset + i), {
        eventId: `p${partition}-e${firstOffset + i}`,
        type: 'transaction',
        userId,
        occurredAt: `${DAY}T10:${String(i).padStart(2, '0')}:00.000Z`,
        amount: 10,
        currency: 'EUR',
        merchantId,
        receivedAt: `${DAY}T10:00:00.000Z`,
        source: 'http',
        geo: null,
        ua: null,
        merchant: null,
        flags: [],
      }),
    );

  afterEach(() => jest.restoreAllMocks());

  /**
   * Batches of two partitions scored at once (SCORING_CONCURRENT_PARTITIONS) add to the same merchant.
   * Each must store its own increments: had the first batch to finish taken the other's too, the other's
   * failed write and its retry would count them twice.
   */
  it("stores each batch's merchant increments once, when another batch in progress fails its write and is retried", async () => {
    const scoring = app.app.get(ScoreBatchService);
    // A first batch puts the merchant in memory: the two below then share its counts, as batches do live.
    await scoreBatch(scoring, 2, batchOf(2, 'user-c', 1), async () => []);
    const state = app.app.get(WindowStateRepository);
    const write = state.write.bind(state);
    let failures = 0;
    let partitionZeroStored!: () => void;
    const stored = new Promise<void>((resolve) => (partitionZeroStored = resolve));
    jest.spyOn(state, 'write').mockImplementation(async (changes: StateChanges, planned) => {
      if (changes.positions[0]?.partition === 1 && failures++ === 0) throw new TransientError('injected: the write of partition 1 fails once');
      await write(changes, planned);
      if (changes.positions[0]?.partition === 0) partitionZeroStored();
    });
    // Interleaved: partition 0 publishes (then stores) once partition 1 has computed its features, and
    // partition 1 publishes (then stores) once partition 0 has stored.
    let partitionOneComputed!: () => void;
    const computed = new Promise<void>((resolve) => (partitionOneComputed = resolve));

    const [first, second] = await Promise.allSettled([
      scoreBatch(scoring, 0, batchOf(0, 'user-a', 3), () => computed.then(() => [])),
      scoreBatch(scoring, 1, batchOf(1, 'user-b', 4), async () => {
        partitionOneComputed();
        await stored;
        return [];
      }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect(await redis.hget(merchantKey, `t:d${dayBucket}`)).toBe('4');

    await scoreBatch(scoring, 1, batchOf(1, 'user-b', 4), async () => []); // the bus retries the batch
    expect(await redis.hget(merchantKey, `t:d${dayBucket}`)).toBe('8');
    expect(failures).toBe(2);
  });

  it("keeps a user's latest scores, each once, however often their batch is delivered or its write fails; serves them newest first", async () => {
    const scoring = app.app.get(ScoreBatchService);
    const state = app.app.get(WindowStateRepository);
    const latest = async (userId: string) => {
      const response = await fetch(`${app.url}/v1/users/${userId}/scores`, { headers: { authorization: 'Bearer concurrent-test-key' } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Array<{ eventId: string; occurredAt: string; decision: string; alert: boolean; model: { id: string } }> })
        .items;
    };
    await scoreBatch(scoring, 11, batchOf(11, 'user-recent', 2), async () => []);
    await scoreBatch(scoring, 11, batchOf(11, 'user-recent', 2), async () => []); // delivered again
    expect((await latest('user-recent')).map((s) => s.eventId)).toEqual(['p11-e1', 'p11-e0']);

    const write = state.write.bind(state);
    let failures = 0;
    jest.spyOn(state, 'write').mockImplementation(async (changes: StateChanges, planned) => {
      if (failures++ === 0) throw new TransientError('injected: the write fails once, after the scores went out');
      await write(changes, planned);
    });
    await expect(scoreBatch(scoring, 11, batchOf(11, 'user-recent', 3, 'shared-merchant', 2), async () => [])).rejects.toThrow('injected');
    await scoreBatch(scoring, 11, batchOf(11, 'user-recent', 3, 'shared-merchant', 2), async () => []); // the bus retries

    const scores = await latest('user-recent');
    expect(scores.map((s) => s.eventId)).toEqual(['p11-e4', 'p11-e3', 'p11-e2']); // SCORING_RECENT_SCORES=3
    expect(scores[0]).toMatchObject({ occurredAt: `${DAY}T10:02:00.000Z`, decision: 'allow', alert: false, model: { id: 'merchant-lr' } });
    expect(await redis.pttl(`${statePrefix}:s:user-recent`)).toBeGreaterThan(30 * 86_400_000);
    expect(await latest('user-never-scored')).toEqual([]);
  });

  it("sets a key's TTL when it loads or creates the key, or has not set it for a day: not at every write", async () => {
    const scoring = app.app.get(ScoreBatchService);
    const userKey = `${statePrefix}:u:user-ttl`;
    const ttlMerchant = `${statePrefix}:m:ttl-merchant`;
    const batch = (from: number) => batchOf(3, 'user-ttl', 2, 'ttl-merchant', from);
    const ttls = async () => [await redis.pttl(userKey), await redis.pttl(ttlMerchant)];

    await scoreBatch(scoring, 3, batch(10), async () => []);
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(30 * 86_400_000);
    await redis.persist(userKey);
    await redis.persist(ttlMerchant);
    await scoreBatch(scoring, 3, batch(20), async () => []); // both in memory: appends keep the TTL as it is
    expect(await ttls()).toEqual([-1, -1]);

    await redis.del(userKey, ttlMerchant); // lost with Redis's data, say: the next write creates them
    await scoreBatch(scoring, 3, batch(30), async () => []);
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(30 * 86_400_000);

    await redis.persist(userKey);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 86_400_000 + 1);
    await scoreBatch(scoring, 3, batch(40), async () => []); // a day later
    expect(await redis.pttl(userKey)).toBeGreaterThan(30 * 86_400_000);
  });

  /**
   * A rebalance moved the partition while this instance scored a batch of it: the new owner stored a
   * later position meanwhile. The stale batch's write must not overwrite it, and its retry must not
   * apply again what the new owner applied.
   */
  it("refuses a batch's write when another instance stored the partition since the batch read it, and its retry skips what that one applied", async () => {
    const scoring = app.app.get(ScoreBatchService);
    const positionKey = `${statePrefix}:pos:events:6`;
    const userKey = `${statePrefix}:u:user-fenced`;
    const batch = batchOf(6, 'user-fenced', 3, 'fenced-merchant');
    const stale = scoreBatch(scoring, 6, batch, async () => {
      await redis.set(positionKey, '2');
      return [];
    });
    await expect(stale).rejects.toThrow(PartitionMovedOnError);
    expect(await redis.exists(userKey, `${statePrefix}:m:fenced-merchant`)).toBe(0);

    await scoreBatch(scoring, 6, batch, async () => []); // the bus retries it
    expect(await redis.get(positionKey)).toBe('2');
    expect(await redis.exists(userKey)).toBe(0);
  });

  /** On Redis Streams with the state in the bus's Redis, the write appends the call's outputs (the bus's outbox): both or neither. */
  it('appends the scores with the state write, and none when the write is refused', async () => {
    const scoring = app.app.get(ScoreBatchService);
    const bus = app.app.get<MessageBus>(MESSAGE_BUS);
    const topic = uniqueName('outbox-scores');
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const positionKey = `${statePrefix}:pos:events:8`;
    const batch = batchOf(8, 'user-outbox', 2, 'outbox-merchant');
    const outputs =
      (before: () => Promise<unknown>): Outputs =>
      async (scores) => {
        await before();
        return [{ topic, records: scores.map((score) => ({ key: score.userId, value: JSON.stringify(score) })) }];
      };
    try {
      // Another instance stores the partition at an offset before the batch's while the batch computes: refused.
      await expect(
        scoreBatch(
          scoring,
          8,
          batch,
          outputs(() => redis.set(positionKey, '0')),
        ),
      ).rejects.toThrow(PartitionMovedOnError);
      expect(await redis.xlen(`bus:${topic}:0`)).toBe(0);

      await scoreBatch(
        scoring,
        8,
        batch,
        outputs(async () => undefined),
      ); // the bus retries it: the event after offset 0
      const [[, fields]] = (await redis.xrangeBuffer(`bus:${topic}:0`, '-', '+')) as unknown as Array<[Buffer, Buffer[]]>;
      expect(fields[0].toString()).toBe('r');
      expect(fields[1].includes(Buffer.from('"eventId":"p8-e1"'))).toBe(true);
      expect(fields[1].includes(Buffer.from('"eventId":"p8-e0"'))).toBe(false);
      expect(await redis.get(positionKey)).toBe('1');
    } finally {
      await bus.deleteTopics([topic]);
    }
  });

  /**
   * A read of several partitions is scored in one call (ConsumeOptions.handleTogether): one state read,
   * one session.run, one write. It must give what scoring the partitions one after another gives, and
   * keep each partition's position apart, so redeliveries (together or one by one) apply nothing twice.
   */
  it("scores several partitions' batches in one call as one after another, and moves each partition's position", async () => {
    const scoring = app.app.get(ScoreBatchService);
    const scored =
      (into: Score[]): Outputs =>
      async (scores) => {
        into.push(...scores);
        return [];
      };
    const apart: Score[] = [];
    await scoreBatch(scoring, 22, batchOf(22, 'user-s1', 3, 'apart-merchant'), scored(apart));
    await scoreBatch(scoring, 23, batchOf(23, 'user-s2', 2, 'apart-merchant'), scored(apart));
    const together: Score[] = [];
    const call = (second: PositionedEvent[]) => [
      { topic: 'events', partition: 20, events: batchOf(20, 'user-t1', 3, 'together-merchant') },
      { topic: 'events', partition: 21, events: second },
    ];
    await scoring.score(call(batchOf(21, 'user-t2', 2, 'together-merchant')), scored(together));
    expect(together.map((s) => s.eventId)).toEqual(['p20-e0', 'p20-e1', 'p20-e2', 'p21-e0', 'p21-e1']);
    expect(together.map((s) => s.score)).toEqual(apart.map((s) => s.score));
    const positions = () => redis.mget(`${statePrefix}:pos:events:20`, `${statePrefix}:pos:events:21`);
    const count = () => redis.hget(`${statePrefix}:m:together-merchant`, `t:d${dayBucket}`);
    expect([await positions(), await count()]).toEqual([['2', '1'], '5']);

    const again: Score[] = [];
    await scoring.score(call(batchOf(21, 'user-t2', 2, 'together-merchant')), scored(again)); // delivered again
    await scoreBatch(scoring, 20, batchOf(20, 'user-t1', 3, 'together-merchant'), scored(again)); // and one by one
    expect([again, await count()]).toEqual([[], '5']);
    await scoring.score(call(batchOf(21, 'user-t2', 3, 'together-merchant')), scored(again)); // partition 21 has one more
    expect(again.map((s) => s.eventId)).toEqual(['p21-e2']);
    expect([await positions(), await count()]).toEqual([['2', '2'], '6']);
    expect(await redis.strlen(`${statePrefix}:u:user-t2`)).toBeGreaterThan(0);
  });

  it('refuses the whole call when another instance stored one of its partitions since, and each partition on its own then applies what is left', async () => {
    const scoring = app.app.get(ScoreBatchService);
    const parts = [
      { topic: 'events', partition: 24, events: batchOf(24, 'user-f1', 2, 'fenced-together') },
      { topic: 'events', partition: 25, events: batchOf(25, 'user-f2', 3, 'fenced-together') },
    ];
    const stale = scoring.score(parts, async () => {
      await redis.set(`${statePrefix}:pos:events:25`, '2');
      return [];
    });
    await expect(stale).rejects.toThrow(/events\/25 was scored by another instance/);
    expect(await redis.exists(`${statePrefix}:pos:events:24`, `${statePrefix}:u:user-f1`, `${statePrefix}:u:user-f2`, `${statePrefix}:m:fenced-together`)).toBe(
      0,
    );

    for (const part of parts) await scoreBatch(scoring, part.partition, part.events, async () => []); // the bus falls back per partition
    expect(await redis.mget(`${statePrefix}:pos:events:24`, `${statePrefix}:pos:events:25`)).toEqual(['1', '2']);
    expect(await redis.hget(`${statePrefix}:m:fenced-together`, `t:d${dayBucket}`)).toBe('2');
    expect(await redis.exists(`${statePrefix}:u:user-f2`)).toBe(0);
  });

  /** Lua's unpack puts its values on a stack of about 8,000: a merchant with more buckets to delete failed every write. */
  it("deletes a merchant's expired buckets however many there are", async () => {
    const scoring = app.app.get(ScoreBatchService);
    const key = `${statePrefix}:m:old-merchant`;
    const expired = Array.from({ length: 9_000 }, (_, i) => [`t:d${dayBucket - 1_000 - i}`, '1']).flat();
    await redis.hset(key, ...expired);
    await scoreBatch(scoring, 7, batchOf(7, 'user-g', 1, 'old-merchant'), async () => []);
    expect(await redis.hgetall(key)).toEqual({ [`t:d${dayBucket}`]: '1', [`t:h${dayBucket * 24 + 10}`]: '1' });
  });

  it("calls a write Redis refuses for the data's sake permanent, so the bus isolates the record that causes it", async () => {
    const scoring = app.app.get(ScoreBatchService);
    await redis.set(`${statePrefix}:m:string-merchant`, 'not a hash');
    const failure = await scoreBatch(scoring, 8, batchOf(8, 'user-h', 1, 'string-merchant'), async () => []).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/WRONGTYPE/);
    expect(failure).not.toBeInstanceOf(TransientError);
  });

  it("counts each transaction, and each one chargebacks name, once in the label evaluation and its merchant's frauds, however often their batches are delivered or it is disputed", async () => {
    const scoring = app.app.get(ScoreBatchService);
    // Days of their own: the other cases' transactions count in the same model's evaluation.
    const at = (offset: number, occurredAt: string, event: { eventId: string; type: 'transaction' | 'chargeback'; properties?: Record<string, string> }) =>
      positionedEvent(String(offset), {
        ...event,
        userId: 'user-e',
        merchantId: 'eval-merchant',
        occurredAt,
        receivedAt: occurredAt,
        amount: 10,
        currency: 'EUR',
        source: 'http',
        geo: null,
        ua: null,
        merchant: null,
        flags: [],
      });
    const payments = [0, 1, 2].map((i) => at(i, `2026-04-02T10:0${i}:00.000Z`, { eventId: `p5-e${i}`, type: 'transaction' }));
    const chargeback = at(3, '2026-04-09T10:00:00.000Z', { eventId: 'p5-cb', type: 'chargeback', properties: { originalEventId: 'p5-e1' } });
    const later = at(4, '2026-04-12T10:00:00.000Z', { eventId: 'p5-later', type: 'transaction' });
    // A second chargeback naming the same payment (a re-presentment): the payment is fraud once.
    const repeat = at(5, '2026-04-13T10:00:00.000Z', { eventId: 'p5-cb2', type: 'chargeback', properties: { originalEventId: 'p5-e1' } });
    const paymentsDay = Date.parse('2026-04-02') / 86_400_000;
    for (let delivery = 0; delivery < 2; delivery++) {
      await scoreBatch(scoring, 5, payments, async () => []);
      await scoreBatch(scoring, 5, [chargeback, later], async () => []);
      await scoreBatch(scoring, 5, [repeat], async () => []);
    }
    const merchantFields = await redis.hgetall(`${statePrefix}:m:eval-merchant`);
    expect(
      Object.entries(merchantFields)
        .filter(([field]) => field.startsWith('f:d'))
        .map(([, n]) => Number(n)),
    ).toEqual([1]);
    const pair = EvaluationTally.pairOf({ id: 'merchant-lr', version: '1' }, null);
    const counts = await redis.hgetall(`${statePrefix}:eval:${pair}:${paymentsDay}`);
    const total = (labelled: boolean) =>
      Object.entries(counts)
        .filter(([field]) => (labelled ? /^LP-?\d/ : /^L-?\d/).test(field))
        .reduce((sum, [, n]) => sum + Number(n), 0);
    expect([total(false), total(true)]).toEqual([3, 1]);
    const marked = (
      await app.app.get(WindowStateRepository).readTransactions([{ eventId: 'p5-e1', at: Date.parse('2026-04-09T10:00:00.000Z') }], 120 * 86_400_000)
    ).get('p5-e1');
    expect(marked?.scored?.pair).toBe(pair);
    expect(marked?.facts.disputedBy).toBe('p5-cb');
    expect(counts[`LP${marked?.scored?.live}`]).toBe('1');
    expect(await redis.zrange(`${statePrefix}:eval:${pair}:days`, 0, -1)).toEqual(expect.arrayContaining([String(paymentsDay), String(paymentsDay + 10)]));

    // The newest day scored is ten days on: the payments' day is labelled (7 days' delay) and evaluated.
    const report = await app.app.get(ModelEvaluationService).report();
    expect(report).toMatchObject({
      window: { from: '2026-04-02', to: '2026-04-02', days: 1, labelDelayDays: 7 },
      live: { id: 'merchant-lr', transactions: 3, frauds: 1 },
      shadow: null,
    });
  });
});
