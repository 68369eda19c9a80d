import type Redis from 'ioredis';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import { DEFAULT_MAX_BATCH_SIZE, type BusRecord, type ConsumeOptions, type Consumer, type OutgoingRecord } from '../bus.port';
import { processBatch } from '../process-batch';
import { fromStreamEntry } from './redis-record';
import { GROUP_LIVENESS_TTL_MS, groupLivenessKey, streamKey } from './stream-keys';

export interface RedisConsumerSettings {
  consumerName: string;
  /** How long one XREADGROUP waits for new entries; also the longest a stop waits for the loop. */
  blockMs: number;
  /** Entries pending this long under another consumer name are taken over (crash recovery). */
  reclaimIdleMs: number;
}

interface PartitionStream {
  topic: string;
  partition: number;
  key: string;
  /** '0' re-reads this consumer's pending entries (after a restart or failure); '>' reads new ones. */
  cursor: '0' | '>';
}

type XReadReply = Array<[Buffer, Array<[Buffer, Buffer[] | null]>]> | null;

const LAG_REFRESH_MS = 5_000;

/**
 * One consumer group member on Redis Streams. Reads every partition stream of its topics in one
 * XREADGROUP, hands each partition's entries to the handler in order, and XACKs them only after
 * the handler and the dead letters succeeded. Unacknowledged entries stay pending and are read
 * again (cursor '0') after a failure or a restart, so nothing is lost.
 */
export class RedisStreamsConsumer implements Consumer {
  private stopping = false;
  private loop?: Promise<void>;
  private streams: PartitionStream[] = [];
  private lastReclaim = 0;
  private lastLagRefresh = 0;
  private lastHeartbeat = 0;

  constructor(
    private readonly redis: Redis,
    private readonly reader: Redis,
    private readonly options: ConsumeOptions,
    private readonly partitionCount: (topic: string) => Promise<number>,
    private readonly publish: (topic: string, records: OutgoingRecord[]) => Promise<void>,
    private readonly logger: BusLogger,
    private readonly settings: RedisConsumerSettings,
  ) {}

  async start(): Promise<void> {
    const startId = (this.options.fromBeginning ?? true) ? '0' : '$';
    for (const topic of this.options.topics) {
      const partitions = await this.partitionCount(topic);
      for (let partition = 0; partition < partitions; partition++) {
        const key = streamKey(topic, partition);
        await this.redis.xgroup('CREATE', key, this.options.group, startId, 'MKSTREAM').catch((error: Error) => {
          if (!error.message.includes('BUSYGROUP')) throw error;
        });
        this.streams.push({ topic, partition, key, cursor: '0' });
      }
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.reader.disconnect();
    await this.redis.del(groupLivenessKey(this.options.group)).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.maintain();
        const reply = await this.read();
        if (reply) await this.process(reply);
      } catch (error) {
        if (this.stopping) break;
        this.logger.error({ err: error, group: this.options.group }, 'redis consumer loop failed; re-reading pending entries');
        for (const stream of this.streams) stream.cursor = '0';
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async read(): Promise<XReadReply> {
    const count = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const allNew = this.streams.every((s) => s.cursor === '>');
    const block = allNew ? ['BLOCK', this.settings.blockMs] : [];
    const args = [
      'GROUP', this.options.group, this.settings.consumerName, 'COUNT', count, ...block,
      'STREAMS', ...this.streams.map((s) => s.key), ...this.streams.map((s) => s.cursor),
    ];
    return (await (this.reader as unknown as { xreadgroupBuffer(...a: unknown[]): Promise<XReadReply> }).xreadgroupBuffer(...args));
  }

  private async process(reply: NonNullable<XReadReply>): Promise<void> {
    const byKey = new Map(this.streams.map((s) => [s.key, s]));
    const done: Array<[string, string[]]> = [];
    try {
      for (const [keyBuffer, entries] of reply) {
        const stream = byKey.get(keyBuffer.toString())!;
        if (entries.length === 0) {
          if (stream.cursor === '0') stream.cursor = '>';
          continue;
        }
        const ids: string[] = [];
        const records: BusRecord[] = [];
        for (const [idBuffer, fields] of entries) {
          const id = idBuffer.toString();
          ids.push(id);
          // A pending entry trimmed away by retention has no fields left: acknowledge and move on.
          if (fields) records.push(fromStreamEntry(stream.topic, stream.partition, id, fields));
          else this.logger.warn({ group: this.options.group, stream: stream.key, id }, 'pending entry was trimmed before it was processed');
        }
        if (!(await this.handle(stream, records))) break;
        done.push([stream.key, ids]);
      }
    } finally {
      // One round trip acknowledges every partition's finished batch (also when a later one was abandoned).
      if (done.length > 0) {
        const pipeline = this.redis.pipeline();
        for (const [key, ids] of done) pipeline.xack(key, this.options.group, ...ids);
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([error]) => error);
        if (failed) throw failed[0];
      }
    }
  }

  /** Returns false when the batch was abandoned because the consumer is stopping. */
  private async handle(stream: PartitionStream, records: BusRecord[]): Promise<boolean> {
    if (records.length === 0) return true;
    return processBatch({ topic: stream.topic, partition: stream.partition, records }, {
      engine: 'redis',
      options: this.options,
      logger: this.logger,
      publish: this.publish,
      isStopping: () => this.stopping,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  }

  /** Periodic upkeep between reads: say the group is alive, take over entries a crashed member left pending, refresh lag. */
  private async maintain(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHeartbeat >= GROUP_LIVENESS_TTL_MS / 5) {
      this.lastHeartbeat = now;
      await this.redis.set(groupLivenessKey(this.options.group), this.settings.consumerName, 'PX', GROUP_LIVENESS_TTL_MS);
    }
    if (now - this.lastReclaim >= this.settings.reclaimIdleMs) {
      this.lastReclaim = now;
      for (const stream of this.streams) {
        for (let start = '0-0'; ; ) {
          const [next, claimed] = (await this.redis.xautoclaim(
            stream.key, this.options.group, this.settings.consumerName, this.settings.reclaimIdleMs, start, 'COUNT', 1000, 'JUSTID',
          )) as [string, string[]];
          if (claimed.length > 0) stream.cursor = '0';
          if (next === '0-0') break;
          start = next;
        }
      }
    }
    if (now - this.lastLagRefresh >= LAG_REFRESH_MS) {
      this.lastLagRefresh = now;
      const pipeline = this.redis.pipeline();
      for (const stream of this.streams) pipeline.xinfo('GROUPS', stream.key);
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([error, groups], i) => {
        if (error) return;
        for (const info of groups as unknown[][]) {
          const fields = new Map<string, unknown>();
          for (let j = 0; j + 1 < info.length; j += 2) fields.set(String(info[j]), info[j + 1]);
          if (fields.get('name') !== this.options.group) continue;
          const lag = fields.get('lag');
          const s = this.streams[i];
          if (typeof lag === 'number') busMetrics.lag.set({ engine: 'redis', group: this.options.group, topic: s.topic, partition: String(s.partition) }, lag);
        }
      });
    }
  }
}
