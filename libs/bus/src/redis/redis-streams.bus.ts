import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Redis from 'ioredis';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import type { ConsumeOptions, Consumer, MessageBus, OutgoingRecord, RewindPartitionPlan, StreamOutbox, TopicSpec } from '../bus.port';
import { CoalescingSender } from '../coalescing-sender';
import { publishFailure } from '../publish-failure';
import { idWindowBuckets } from '../id-window';
import { RECORD_OVERHEAD_BYTES, SEND_LIMITS, byteLength } from '../send-limits';
import { partitionForKey } from '../partitioning/partition-for-key';
import { APPEND_ONCE_SCRIPT, APPEND_SCRIPT } from './append.lua';
import { FramedScript } from './framed-script';
import { PACKED_FIELD, packFrames, packedRecordCount } from './packed-records';
import { RedisStreamsConsumer, type RedisConsumerSettings } from './redis-streams.consumer';
import { sameRedis } from './same-redis';
import { RedisStreamOutbox } from './stream-outbox';
import { TOPICS_KEY, appendedIdsKey, groupLivenessKey, producerSequencesKey, streamIdBefore, streamKey } from './stream-keys';

export interface RedisStreamsBusOptions {
  url: string;
  logger: BusLogger;
  /** Per topic: entries older than this are trimmed (XTRIM MINID ~), like Kafka's retention.ms (default 7 days). */
  retentionMs?: (topic: string) => number;
  consumer?: Partial<RedisConsumerSettings>;
  /** Every consumer's transient retry budget unless it sets its own (ConsumeOptions). */
  transientRetryBudgetMs?: number;
}

const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/**
 * Most records packed into one stream entry. A consumer reads whole entries, so this bounds how far a
 * read can overshoot its batch size; most entries hold one publish call's records of a partition.
 */
export const RECORDS_PER_ENTRY = 128;

interface Outgoing {
  stream: string;
  record: OutgoingRecord;
  /** Oldest entry time the stream keeps (its topic's retention). */
  keepFrom: number;
  /** publishOnce's records: the id, its window, and whether the record was appended (false: a copy, dropped). */
  once?: OnceFate;
}

interface OnceFate {
  topic: string;
  id: string;
  windowMs: number;
  appended: boolean;
}

export class RedisStreamsBus implements MessageBus {
  readonly engine = 'redis' as const;
  private readonly redis: Redis;
  private readonly appendScript = new FramedScript(APPEND_SCRIPT);
  private readonly appendOnceScript = new FramedScript(APPEND_ONCE_SCRIPT);
  private readonly producerId = randomUUID();
  private readonly sequences = new Map<string, number>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly consumers = new Set<RedisStreamsConsumer>();
  private readonly sender = new CoalescingSender<Outgoing>((items) => this.send(items), {
    ...SEND_LIMITS,
    weigh: (item) => byteLength(item.record.value) + byteLength(item.record.key) + RECORD_OVERHEAD_BYTES,
  });
  private roundRobin = 0;

  constructor(private readonly options: RedisStreamsBusOptions) {
    // maxRetriesPerRequest null: a command waits out a Redis restart instead of failing; callers set deadlines.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.redis.on('error', (err) => options.logger.warn({ err }, 'redis bus connection error'));
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const spec of specs) pipeline.hsetnx(TOPICS_KEY, spec.topic, spec.partitions);
    await pipeline.exec();
  }

  async partitionCount(topic: string): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached !== undefined) return cached;
    const stored = await this.redis.hget(TOPICS_KEY, topic);
    if (stored === null) throw new Error(`unknown topic "${topic}": create it with ensureTopics first`);
    const count = Number(stored);
    this.partitionCounts.set(topic, count);
    return count;
  }

  async publish(topic: string, records: OutgoingRecord[]): Promise<void> {
    await this.submit(topic, records);
    busMetrics.published.inc({ engine: this.engine, topic }, records.length);
  }

  async publishOnce(topic: string, records: Array<OutgoingRecord & { id: string }>, windowMs: number): Promise<boolean[]> {
    const outgoing = await this.submit(topic, records, (record) => ({ topic, id: record.id, windowMs, appended: true }));
    const fates = outgoing.map(({ once }) => (once as OnceFate).appended);
    busMetrics.published.inc({ engine: this.engine, topic }, fates.filter(Boolean).length);
    return fates;
  }

  outbox(redisUrl: string): StreamOutbox | undefined {
    if (!sameRedis(redisUrl, this.options.url)) return undefined;
    return new RedisStreamOutbox({
      partitionCount: (topic) => this.partitionCount(topic),
      streamOf: (topic, record, partitions) => this.streamOf(topic, record, partitions),
      keepFrom: (topic) => this.keepFrom(topic),
      recordsPerEntry: RECORDS_PER_ENTRY,
    });
  }

  async consume(consumeOptions: ConsumeOptions): Promise<Consumer> {
    const options = { transientRetryBudgetMs: this.options.transientRetryBudgetMs, ...consumeOptions };
    await this.partitionCount(options.deadLetterTopic);
    const reader = this.redis.duplicate();
    reader.on('error', () => undefined); // the bus's own connection reports the same outage
    const consumer = new RedisStreamsConsumer(
      this.redis,
      reader,
      options,
      (topic) => this.partitionCount(topic),
      (topic, records) => this.publish(topic, records),
      this.options.logger,
      {
        consumerName: this.options.consumer?.consumerName ?? hostname(),
        blockMs: this.options.consumer?.blockMs ?? 250,
        reclaimIdleMs: this.options.consumer?.reclaimIdleMs ?? 30_000,
      },
    );
    await consumer.start().catch((error: unknown) => {
      reader.disconnect();
      throw error;
    });
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  async rewind(group: string, topic: string, from: Date, options: { dryRun?: boolean } = {}): Promise<RewindPartitionPlan[]> {
    const partitions = await this.partitionCount(topic);
    const member = await this.redis.get(groupLivenessKey(group));
    if (member !== null) throw new Error(`consumer group "${group}" is active (consumer ${member}): stop or pause its service before rewinding`);
    const startId = streamIdBefore(from.getTime());
    const plans: RewindPartitionPlan[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const key = streamKey(topic, partition);
      const groupInfo = await this.groupInfo(key, group);
      if (!groupInfo) throw new Error(`consumer group "${group}" does not exist on ${key}`);
      const lastDelivered = String(groupInfo.get('last-delivered-id'));
      const [first] = (await this.redis.xrange(key, `(${startId}`, '+', 'COUNT', 1)) as [string, string[]][];
      plans.push({ topic, partition, fromOffset: first ? first[0] : 'end', rereadCount: await this.countBetween(key, startId, lastDelivered) });
      if (!options.dryRun) await this.redis.xgroup('SETID', key, group, startId);
    }
    return plans;
  }

  async deleteTopics(topics: string[]): Promise<void> {
    for (const topic of topics) {
      const stored = await this.redis.hget(TOPICS_KEY, topic);
      if (stored === null) continue;
      const keys = Array.from({ length: Number(stored) }, (_, p) => streamKey(topic, p));
      await this.redis.del(...keys, ...keys.map(producerSequencesKey));
      await this.redis.hdel(TOPICS_KEY, topic);
      this.partitionCounts.delete(topic);
    }
  }

  async groupTopics(group: string): Promise<string[]> {
    const topics = Object.keys(await this.redis.hgetall(TOPICS_KEY));
    const found: string[] = [];
    for (const topic of topics) {
      if (await this.groupInfo(streamKey(topic, 0), group)) found.push(topic);
    }
    return found.sort();
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.sender.flush();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Hands a topic's records to the sender, each for its partition's stream (and its id, for publishOnce); resolves once they are sent. */
  private async submit<R extends OutgoingRecord>(topic: string, records: R[], once?: (record: R) => OnceFate): Promise<Outgoing[]> {
    const partitions = await this.partitionCount(topic);
    const keepFrom = this.keepFrom(topic);
    const outgoing: Outgoing[] = records.map((record) => ({ stream: this.streamOf(topic, record, partitions), record, keepFrom, once: once?.(record) }));
    await this.sender.submit(outgoing).catch((error) => {
      throw publishFailure(topic, error);
    });
    return outgoing;
  }

  /** The partition stream a record goes to: its key's partition, or the next in turn for a record without one. */
  private streamOf(topic: string, record: OutgoingRecord, partitions: number): string {
    return streamKey(topic, record.key == null ? this.roundRobin++ % partitions : partitionForKey(record.key, partitions));
  }

  /** The oldest entry time a topic's streams keep. */
  private keepFrom(topic: string): number {
    return Date.now() - (this.options.retentionMs?.(topic) ?? DEFAULT_RETENTION_MS);
  }

  /**
   * One script call per stream (and per window of publishOnce's records), written to the socket together.
   * A call of publishOnce's records that finds some ids appended already appends nothing: those are marked
   * as copies and the rest go again, until a call appends. One send at a time (CoalescingSender) keeps the order.
   */
  private async send(items: Outgoing[]): Promise<void> {
    for (let pending = withoutRepeatedIds(items); pending.length > 0;) {
      const batches = new Map<string, Outgoing[]>();
      for (const item of pending) {
        const key = item.once ? `${item.stream}\n${item.once.windowMs}` : item.stream;
        const batch = batches.get(key);
        if (batch) batch.push(item);
        else batches.set(key, [item]);
      }
      const now = Date.now();
      const results = await this.together(() => [...batches.values()].map((batch) => this.append(batch, now)));
      pending = [...batches.values()].flatMap((batch, i) => notCopies(batch, results[i]));
    }
  }

  /**
   * The commands `send` writes, in one socket write (corked until they are all written, as a pipeline
   * would send them), each its own frame: a pipeline would copy them all into one Buffer more.
   */
  private async together(send: () => Array<Promise<unknown>>): Promise<unknown[]> {
    const socket = this.redis.status === 'ready' ? this.redis.stream : undefined;
    socket?.cork();
    let calls: Array<Promise<unknown>>;
    try {
      calls = send();
    } finally {
      socket?.uncork();
    }
    // Every reply first, as a pipeline's: the send is over, and may be tried again, only once none is in flight.
    const settled = await Promise.allSettled(calls);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value);
  }

  /** One batch's script call: the plain append, or for publishOnce's records the one that checks their ids first. */
  private append(batch: Outgoing[], now: number): Promise<unknown> {
    const { stream, keepFrom, once } = batch[0];
    const frames = packFrames(
      batch.map((item) => item.record),
      RECORDS_PER_ENTRY,
    );
    const sequence = (this.sequences.get(stream) ?? 0) + 1;
    this.sequences.set(stream, sequence);
    if (!once) return this.appendScript.run(this.redis, [stream, producerSequencesKey(stream)], [this.producerId, sequence, `${keepFrom}-0`, ...frames]);
    const { current, previous, expiresAt } = idWindowBuckets(now, once.windowMs);
    const ids = batch.map((item) => (item.once as OnceFate).id);
    return this.appendOnceScript.run(
      this.redis,
      [stream, producerSequencesKey(stream), appendedIdsKey(once.topic, once.windowMs, current), appendedIdsKey(once.topic, once.windowMs, previous)],
      [this.producerId, sequence, `${keepFrom}-0`, expiresAt, ids.length, ...ids, ...frames],
    );
  }

  private async groupInfo(key: string, group: string): Promise<Map<string, unknown> | undefined> {
    const groups = (await this.redis.xinfo('GROUPS', key).catch(() => [])) as unknown[][];
    return groups.map(toMap).find((g) => g.get('name') === group);
  }

  /** Records in the entries in (afterId, untilId]: what a rewind makes the group read a second time. */
  private async countBetween(key: string, afterId: string, untilId: string): Promise<number> {
    let count = 0;
    for (let start = `(${afterId}`; ;) {
      const page = (await this.redis.xrangeBuffer(key, start, untilId, 'COUNT', 10_000)) as unknown as [Buffer, Buffer[]][];
      for (const [, fields] of page) count += fields[0]?.toString() === PACKED_FIELD ? packedRecordCount(fields[1]) : 1;
      if (page.length < 10_000) return count;
      start = `(${page[page.length - 1][0].toString()}`;
    }
  }
}

/**
 * A batch's records to send again: none when its call appended them, else those whose ids it did not find
 * (APPEND_ONCE_SCRIPT returns the places of those it found: they are marked as copies).
 */
function notCopies(batch: Outgoing[], found: unknown): Outgoing[] {
  if (!Array.isArray(found) || found.length === 0) return [];
  for (const place of found as number[]) (batch[place - 1].once as OnceFate).appended = false;
  return batch.filter((item) => item.once?.appended);
}

/** publishOnce's records whose id came earlier in the same send are copies: dropped before it goes out. */
function withoutRepeatedIds(items: Outgoing[]): Outgoing[] {
  if (!items.some((item) => item.once)) return items;
  const seen = new Set<string>();
  return items.filter(({ once }) => {
    if (!once) return true;
    const key = `${once.topic}\n${once.id}`;
    if (seen.has(key)) return (once.appended = false);
    seen.add(key);
    return true;
  });
}

function toMap(flat: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), flat[i + 1]);
  return map;
}
