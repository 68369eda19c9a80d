import type { ChainableCommander, default as Redis } from 'ioredis';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import { partitionProgress } from '../partition-progress';
import { DEFAULT_MAX_BATCH_SIZE, type BusRecord, type ConsumeOptions, type Consumer, type OutgoingRecord } from '../bus.port';
import { processBatch, processBatchesTogether, type BatchProcessingContext } from '../process-batch';
import { GroupHeldError, GroupLease } from './group-lease';
import { PACKED_FIELD, unpackRecords } from './packed-records';
import { pipelineReplies } from './pipeline-replies';
import { fromStreamEntry } from './redis-record';
import { GROUP_LIVENESS_TTL_MS, streamKey } from './stream-keys';

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
  /**
   * '0' starts re-reading this consumer's pending entries (after a restart or failure), an entry id
   * continues that re-read after it, and '>' reads new entries.
   */
  cursor: string;
  /** No batch of it has succeeded since this consumer started (RecordBatch.newlyAssigned): its group lease makes it the only member. */
  newlyAssigned: boolean;
}

interface Collected {
  stream: PartitionStream;
  ids: string[];
  records: BusRecord[];
}

type XReadReply = Array<[Buffer, Array<[Buffer, Buffer[] | null]>]> | null;

/** How a hand-over ended: `abandoned` when stopping left some partitions' entries pending. */
type HandOverResult = { ok: true; abandoned: boolean } | { ok: false; error: unknown };

const LAG_REFRESH_MS = 5_000;
/** Records asked for per stream per read while accumulating: the buffer grows in steps of this. */
const ACCUMULATE_READ_COUNT = 5_000;
/** Records asked for per stream by a gathering's first read, before their size is known. */
const FIRST_GATHERING_READ_COUNT = 100;

/**
 * One consumer group member on Redis Streams. Reads every partition stream of its topics in one
 * XREADGROUP, hands each partition's entries to the handler in order, and XACKs them only after the
 * handler and the dead letters succeeded, in the same round trip as the next read (see owed).
 * Unacknowledged entries stay pending and are read again (cursor '0') after a failure or a restart, so
 * nothing is lost. With `accumulate`, entries read are held (still pending) until enough bytes or time
 * have gathered, then handed over; between reads that drained the streams it waits instead of reading
 * again (see linger()).
 * The next read runs while the handler works (one hand-over at a time): Redis prepares entries on
 * the other core instead of idling while we handle, and we instead of idling while it reads.
 */
export class RedisStreamsConsumer implements Consumer {
  private stopping = false;
  private loop?: Promise<void>;
  private streams: PartitionStream[] = [];
  private lastReclaim = 0;
  private lastLagRefresh = 0;
  private lastHeartbeat = 0;
  /** Entries read and not yet handed over, per stream key, in stream order. */
  private collected = new Map<string, Collected>();
  private collectedBytes = 0;
  private collectedRecords = 0;
  private collectingSince = 0;
  /**
   * Records per entry lately (a moving average): a read asks for as many entries as make about one batch
   * of records, so packed entries do not multiply what a read holds in memory.
   */
  private recordsPerEntry = 1;
  /** Bytes per record lately (a moving average, 0 before the first read): a gathering reads what its bytes lack. */
  private bytesPerRecord = 0;
  /** The last read returned as many entries as it asked for on some stream: more are probably waiting. */
  private lastReadFull = false;
  /** Ends a linger() early (stop() calls it). */
  private wake: (() => void) | null = null;
  /** Counts the reader's lost connections; a read that spans one is not trusted (see read()). */
  private readerConnection = 0;
  /**
   * The hand-over running while the next read waits on Redis (so Redis prepares entries while the
   * handler works, on the other core). At most one at a time: a partition's batches stay in order.
   */
  private inFlight: Promise<HandOverResult> | null = null;
  /** Stopping abandoned a batch: entries read after it must not be handed over before it. */
  private heldBack = false;
  private lease?: GroupLease;
  private stopped?: Promise<void>;
  /**
   * Entry ids handled (their dead letters out) and not yet acknowledged, per stream key. They go out
   * pipelined before the next read, on its connection: an XACK of its own cost every batch a round trip,
   * a wake-up of Redis and of this process (docs/bus.md, "Consumers"). Before a read from '0' too, so a
   * re-read never hands over what was done. A crash before they go out redelivers those entries, as a
   * crash between a handler and its XACK always could; consumers apply a batch twice idempotently.
   */
  private owed = new Map<string, string[]>();

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
    this.lease = new GroupLease(this.redis, this.options.group, this.settings.consumerName);
    await this.lease.acquire();
    this.lastHeartbeat = Date.now();
    this.reader.on('close', () => this.readerConnection++);
    const startId = (this.options.fromBeginning ?? true) ? '0' : '$';
    for (const topic of this.options.topics) {
      const partitions = await this.partitionCount(topic);
      for (let partition = 0; partition < partitions; partition++) {
        const key = streamKey(topic, partition);
        await this.redis.xgroup('CREATE', key, this.options.group, startId, 'MKSTREAM').catch((error: Error) => {
          if (!error.message.includes('BUSYGROUP')) throw error;
        });
        this.streams.push({ topic, partition, key, cursor: '0', newlyAssigned: true });
      }
    }
    this.loop = this.run();
  }

  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.();
      await this.loop;
      this.reader.disconnect();
      await this.lease?.release().catch(() => undefined);
      partitionProgress.forget(this.options.group);
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.maintain();
        // A read from '0' returns this consumer's pending entries, the ones being handled included:
        // only '>' reads may overlap a hand-over.
        if (!this.streams.every((s) => s.cursor === '>')) await this.finishHandOver();
        const reply = await this.read();
        if (reply) this.collect(reply);
        if (this.readyToHandOver()) {
          // The top-up's read goes out now, while the hand-over in flight finishes (a '>' read, as the read ahead is).
          const toppingUp = this.mayBePartOfASend(reply) ? this.topUp() : null;
          for (const settled of await Promise.allSettled([this.finishHandOver(), toppingUp])) if (settled.status === 'rejected') throw settled.reason;
          if (this.heldBack) break;
          this.inFlight = this.handOver().then(
            (abandoned) => ({ ok: true as const, abandoned }),
            (error: unknown) => ({ ok: false as const, error }),
          );
        } else if (this.inFlight && this.collected.size === 0) {
          await this.finishHandOver(); // surfaces a failure now rather than at the next batch
        } else if (this.collected.size > 0 && !this.lastReadFull && this.streams.every((s) => s.cursor === '>')) {
          await this.linger();
        }
      } catch (error) {
        // What failed and what was gathered after it stay pending, to be re-read from '0' in order.
        await this.finishHandOver().catch(() => undefined);
        this.forgetCollected();
        if (this.stopping) break;
        if (error instanceof GroupHeldError) {
          // This member's lease lapsed (a stall longer than its expiry) and another one runs: stop reading.
          // Its partitions stand still here, which readiness reports (partition-progress.ts).
          this.logger.error({ err: error, group: this.options.group }, 'another member took the consumer group over; this one stops reading');
          break;
        }
        this.logger.error({ err: error, group: this.options.group }, 'redis consumer loop failed; re-reading pending entries');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    // Draining: what was gathered is handled and acknowledged now rather than re-read by the next run,
    // unless a partition was left pending: entries read after those wait with them.
    const lastFailed = await this.finishHandOver().then(
      () => false,
      (err: unknown) => {
        this.logger.warn({ err, group: this.options.group }, 'last batch failed; it stays pending and is re-read at the next start');
        return true;
      },
    );
    if (this.collected.size > 0 && !this.heldBack && !lastFailed) {
      await this.handOver().catch((err) =>
        this.logger.warn({ err, group: this.options.group }, 'final batch failed; it stays pending and is re-read at the next start'),
      );
    }
    // Nothing reads after this: what is owed goes out on its own.
    if (this.owed.size > 0)
      await pipelineReplies(this.payOwed(this.redis.pipeline())).catch((err) =>
        this.logger.warn({ err, group: this.options.group }, 'the last acknowledgements failed; those entries are read again at the next start'),
      );
  }

  /** Waits for the hand-over in flight; rethrows its failure into the loop (which re-reads from '0'). */
  private async finishHandOver(): Promise<void> {
    const result = await this.inFlight;
    this.inFlight = null;
    if (!result) return;
    if (!result.ok) throw result.error;
    if (result.abandoned) this.heldBack = true;
  }

  /**
   * Records one read asks for per stream. Gathering, a read tops up what is held to one batch, and a
   * group that hands a gathering over in one call (handleTogether) asks each stream for its share of
   * it: under a backlog it holds a batch in all, not a batch per partition. It also asks for no more
   * than the bytes it lacks (minBytes, shared among the streams; a first read asks for a few records, to
   * learn their size): a read of a backlog would otherwise bring several gatherings' bytes at once, and
   * the consumer holds one being handled and the next. 0 once a gathering is complete. Without
   * gathering, a batch per stream: a backlog's partitions then overlap (concurrentPartitions), which
   * drained scoring's faster than one call of all of them (docs/bus.md).
   */
  private recordsPerStream(): number {
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const accumulate = this.options.accumulate;
    if (!accumulate) return maxBatchSize;
    const left = maxBatchSize - this.collectedRecords;
    const share = this.options.handleTogether ? Math.floor(left / this.streams.length) : left;
    const bytesLacking = accumulate.minBytes - this.collectedBytes;
    const bytesShare = this.bytesPerRecord > 0 ? Math.ceil(bytesLacking / this.bytesPerRecord / this.streams.length) : FIRST_GATHERING_READ_COUNT;
    return Math.max(0, Math.min(share, bytesShare, ACCUMULATE_READ_COUNT));
  }

  /**
   * A blocked read returns as soon as entries come, with only the stream that woke it: Redis answers a
   * blocked XREADGROUP with that one stream, and a producer appends each partition in a call of its own.
   * So a reply of one stream's entries may be one partition of a producer's send, whose other partitions
   * come a moment later. Unless it holds a single record (a lone event's send, a decision say, with
   * nothing more to bring: a read would cost it a round trip for nothing), what came meanwhile joins it
   * (topUp): handed over apart, each part paid a batch's fixed costs.
   */
  private mayBePartOfASend(reply: XReadReply): boolean {
    const streams = reply?.filter(([, entries]) => entries.length > 0).length ?? 0;
    return streams === 1 && this.streams.length > 1 && this.collectedRecords > 1;
  }

  /**
   * One read that does not block brings what came since (the send's other partitions), up to a batch in
   * all. Not when gathering: its reads already top up to a batch.
   */
  private async topUp(): Promise<void> {
    if (this.options.accumulate || !this.streams.every((s) => s.cursor === '>')) return;
    const left = (this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE) - this.collectedRecords;
    const count = Math.floor(left / this.streams.length / this.recordsPerEntry);
    if (count < 1) return;
    const reply = await this.read(count);
    if (reply) this.collect(reply);
  }

  /** Without `nonBlockingCount`, a read that blocks (when every stream reads new entries) for as many as recordsPerStream. */
  private async read(nonBlockingCount?: number): Promise<XReadReply> {
    const accumulate = this.options.accumulate;
    // Rounded down: a read that overshoots a batch by a few records would leave a small batch behind it.
    const count = nonBlockingCount ?? Math.max(1, Math.floor(this.recordsPerStream() / this.recordsPerEntry));
    let blockMs = this.settings.blockMs;
    if (accumulate && this.collected.size > 0) blockMs = Math.max(1, Math.min(blockMs, this.collectingSince + accumulate.maxWaitMs - Date.now()));
    const allNew = this.streams.every((s) => s.cursor === '>');
    const block = allNew && nonBlockingCount === undefined ? ['BLOCK', blockMs] : [];
    const args = [
      'GROUP',
      this.options.group,
      this.settings.consumerName,
      'COUNT',
      count,
      ...block,
      'STREAMS',
      ...this.streams.map((s) => s.key),
      ...this.streams.map((s) => s.cursor),
    ];
    const connection = this.readerConnection;
    const reply = await this.readPayingOwed(args);
    this.lastReadFull = reply?.some(([, entries]) => entries.length >= count) ?? false;
    if (connection === this.readerConnection) return reply;
    // The connection dropped while this read was out. Redis may have delivered entries into our pending
    // list whose reply was lost, and ioredis then resent the same '>' read, which returns only later
    // entries: handing those over would skip the lost ones (and consumers that skip by position would
    // never apply them). Everything gathered stays pending and is re-read in order from '0'.
    this.logger.warn({ group: this.options.group }, 'redis connection lost during a read; re-reading pending entries');
    this.forgetCollected();
    return null;
  }

  /** The read, after the owed acknowledgements in the same pipeline; those go back to owed if it fails (XACK is idempotent). */
  private async readPayingOwed(args: unknown[]): Promise<XReadReply> {
    type ReadsBuffers<T> = { xreadgroupBuffer(...a: unknown[]): T };
    if (this.owed.size === 0) return (this.reader as unknown as ReadsBuffers<Promise<XReadReply>>).xreadgroupBuffer(...args);
    const sent = this.owed;
    const pipeline = this.payOwed(this.reader.pipeline());
    (pipeline as unknown as ReadsBuffers<void>).xreadgroupBuffer(...args);
    try {
      const results = await pipelineReplies(pipeline);
      return results[results.length - 1][1] as XReadReply;
    } catch (error) {
      for (const [key, ids] of sent) this.owe(key, ids);
      throw error;
    }
  }

  /** Adds the owed XACKs to `pipeline` and forgets them: the caller puts them back if it fails. */
  private payOwed(pipeline: ChainableCommander): ChainableCommander {
    for (const [key, ids] of this.owed) pipeline.xack(key, this.options.group, ...ids);
    this.owed = new Map();
    return pipeline;
  }

  private owe(key: string, ids: string[]): void {
    const owed = this.owed.get(key);
    if (owed) owed.push(...ids);
    else this.owed.set(key, [...ids]);
  }

  private collect(reply: NonNullable<XReadReply>): void {
    const byKey = new Map(this.streams.map((s) => [s.key, s]));
    for (const [keyBuffer, entries] of reply) {
      const stream = byKey.get(keyBuffer.toString())!;
      if (entries.length === 0) {
        if (stream.cursor !== '>') stream.cursor = '>';
        continue;
      }
      let collected = this.collected.get(stream.key);
      if (!collected) this.collected.set(stream.key, (collected = { stream, ids: [], records: [] }));
      if (this.collectingSince === 0) this.collectingSince = Date.now();
      let records = 0;
      let bytes = 0;
      for (const [idBuffer, fields] of entries) {
        const id = idBuffer.toString();
        collected.ids.push(id);
        // A pending entry trimmed away by retention has no fields left: acknowledge and move on.
        if (!fields) {
          this.logger.warn({ group: this.options.group, stream: stream.key, id }, 'pending entry was trimmed before it was processed');
          continue;
        }
        // Entries of one field `r` pack a producer batch; others hold one record (fields k, v, h, t).
        const unpacked = this.recordsOf(stream, id, fields);
        for (const record of unpacked) {
          collected.records.push(record);
          bytes += record.value.length;
        }
        records += unpacked.length;
      }
      this.collectedBytes += bytes;
      this.collectedRecords += records;
      this.recordsPerEntry = 0.8 * this.recordsPerEntry + 0.2 * Math.max(1, records / entries.length);
      if (records > 0) this.bytesPerRecord = this.bytesPerRecord === 0 ? bytes / records : 0.8 * this.bytesPerRecord + 0.2 * (bytes / records);
      if (stream.cursor !== '>') stream.cursor = collected.ids[collected.ids.length - 1];
    }
  }

  /**
   * The records of one entry. An entry that cannot be decoded (written by something other than this bus)
   * becomes one record holding its raw bytes: the handler refuses it with its reason and it is
   * dead-lettered like any bad record, instead of failing every read of its partition.
   */
  private recordsOf(stream: PartitionStream, id: string, fields: Buffer[]): BusRecord[] {
    try {
      return fields.length === 2 && fields[0].toString() === PACKED_FIELD
        ? unpackRecords(stream.topic, stream.partition, id, fields[1])
        : [fromStreamEntry(stream.topic, stream.partition, id, fields)];
    } catch (err) {
      this.logger.warn({ err, group: this.options.group, stream: stream.key, id }, 'stream entry cannot be decoded; handing it over as one raw record');
      return [
        {
          topic: stream.topic,
          partition: stream.partition,
          offset: id,
          key: null,
          value: Buffer.concat(fields),
          headers: {},
          timestamp: Number(id.slice(0, id.indexOf('-'))),
        },
      ];
    }
  }

  /**
   * Gathering, with the streams drained by the last read: waits until the gathering is due (at most
   * blockMs, so the lease is still renewed on time) and then reads what came meanwhile in one read. A
   * blocking read would return at the next entry, and on Redis Streams a publish call is an entry:
   * a consumer gathering for 200 ms would wake, read and parse once per publish, as often as one that
   * does not gather (Kafka's broker does this wait itself, fetch.max.wait.ms). Meanwhile the entries
   * wait in Redis rather than in this process. Reaching minBytes is noticed at the next read.
   */
  private linger(): Promise<void> {
    const accumulate = this.options.accumulate;
    if (!accumulate || this.stopping) return Promise.resolve();
    const ms = Math.min(this.settings.blockMs, this.collectingSince + accumulate.maxWaitMs - Date.now());
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private readyToHandOver(): boolean {
    if (this.collected.size === 0) return false;
    const accumulate = this.options.accumulate;
    if (!accumulate || this.stopping) return true;
    return this.collectedBytes >= accumulate.minBytes || this.recordsPerStream() === 0 || Date.now() - this.collectingSince >= accumulate.maxWaitMs;
  }

  /**
   * Hands every partition's records to one handleTogether call where it can (handOverTogether); else runs
   * the handler per partition (up to `concurrentPartitions` at once when behind), then owes the
   * acknowledgement of every finished partition (see owed). Resolves true when stopping abandoned some
   * partitions (their entries stay pending); rethrows a handler's failure once the others have settled,
   * so no partition is still being handled when the loop re-reads pending entries.
   */
  private async handOver(): Promise<boolean> {
    const batches = [...this.collected.values()];
    const bytes = this.collectedBytes;
    this.forgetCollected(false);
    if (await this.handOverTogether(batches, bytes)) return false;
    // Keeping up, one partition at a time finishes each batch soonest; behind (a read filled a batch),
    // partitions overlap, so one batch's waits on its stores are another's computing time.
    const behind = batches.some((batch) => batch.records.length >= (this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE));
    const concurrency = behind ? Math.max(1, this.options.concurrentPartitions ?? 1) : 1;
    const done: Collected[] = [];
    let failure: { error: unknown } | null = null;
    let abandoned = false;
    // allSettled: a handler's failure waits for the others, and is rethrown below.
    for (let from = 0; from < batches.length && !failure && !abandoned; from += concurrency) {
      const group = batches.slice(from, from + concurrency);
      const results = await Promise.allSettled(group.map((batch) => this.handle(batch.stream, batch.records)));
      for (const [i, result] of results.entries()) {
        if (result.status === 'rejected') failure ??= { error: result.reason };
        else if (result.value) done.push(group[i]);
        else abandoned = true;
      }
    }
    // Also owes the finished partitions' acknowledgements when another one failed or was abandoned.
    for (const batch of done) this.owe(batch.stream.key, batch.ids);
    if (failure) throw failure.error;
    // Abandoned (stopping) partitions stay pending: the next start re-reads them from '0'.
    for (const batch of batches) if (!done.includes(batch)) batch.stream.cursor = '0';
    return done.length < batches.length;
  }

  /**
   * Every partition's records in one handleTogether call, when the group has one and they make at most
   * one batch in all (so a call holds no more than a batch does) and, gathering, at most two gatherings'
   * bytes (a read of a backlog, sized before packed entries' record counts were known, can bring far
   * more); their acknowledgements owed. False when they were not handled so (or the call failed):
   * then each partition's go through handle().
   */
  private async handOverTogether(batches: Collected[], bytes: number): Promise<boolean> {
    if (!this.options.handleTogether || batches.length < 2) return false;
    if (batches.reduce((sum, batch) => sum + batch.records.length, 0) > (this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)) return false;
    if (this.options.accumulate && bytes > 2 * this.options.accumulate.minBytes) return false;
    const recordBatches = batches.map(({ stream, records }) => ({
      topic: stream.topic,
      partition: stream.partition,
      records,
      newlyAssigned: stream.newlyAssigned,
    }));
    if (!(await processBatchesTogether(recordBatches, this.processing()))) return false;
    for (const { stream } of batches) stream.newlyAssigned = false;
    for (const { stream, ids } of batches) this.owe(stream.key, ids);
    return true;
  }

  /** Drops what was gathered; with `rewind`, the streams re-read their pending entries from the start. */
  private forgetCollected(rewind = true): void {
    this.collected = new Map();
    this.collectedBytes = 0;
    this.collectedRecords = 0;
    this.collectingSince = 0;
    if (rewind) for (const stream of this.streams) stream.cursor = '0';
  }

  /**
   * Hands a partition's records over in batches of at most maxBatchSize (entries read whole may hold
   * more); returns false when one was abandoned because the consumer is stopping. The entries are
   * acknowledged after all of them: a batch re-read after a failure is applied again, idempotently.
   */
  private async handle(stream: PartitionStream, records: BusRecord[]): Promise<boolean> {
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    for (let from = 0; from < records.length; from += maxBatchSize) {
      const batch = from === 0 && records.length <= maxBatchSize ? records : records.slice(from, from + maxBatchSize);
      const done = await processBatch(
        { topic: stream.topic, partition: stream.partition, records: batch, newlyAssigned: stream.newlyAssigned },
        this.processing(),
      );
      if (!done) return false;
      stream.newlyAssigned = false;
    }
    return true;
  }

  private processing(): BatchProcessingContext {
    return {
      engine: 'redis',
      options: this.options,
      logger: this.logger,
      publish: this.publish,
      isStopping: () => this.stopping,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
  }

  /** Periodic upkeep between reads: say the group is alive, take over entries a crashed member left pending, refresh lag. */
  private async maintain(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHeartbeat >= GROUP_LIVENESS_TTL_MS / 5) {
      this.lastHeartbeat = now;
      await this.lease?.renew();
    }
    // Not while entries are gathered: a reclaim re-reads pending entries from '0', which would hand those over twice.
    if (this.collected.size === 0 && !this.inFlight && now - this.lastReclaim >= this.settings.reclaimIdleMs) {
      this.lastReclaim = now;
      for (const stream of this.streams) {
        for (let start = '0-0'; ;) {
          const [next, claimed] = (await this.redis.xautoclaim(
            stream.key,
            this.options.group,
            this.settings.consumerName,
            this.settings.reclaimIdleMs,
            start,
            'COUNT',
            1000,
            'JUSTID',
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
          if (typeof lag === 'number') {
            busMetrics.lag.set({ engine: 'redis', group: this.options.group, topic: s.topic, partition: String(s.partition) }, lag);
            partitionProgress.lagMeasured('redis', this.options.group, s.topic, s.partition, lag);
          }
        }
      });
    }
  }
}
