import { Gauge } from 'prom-client';

interface Progress {
  engine: string;
  group: string;
  topic: string;
  partition: number;
  /** When a batch of it was last done, or when it was first seen. */
  progressAt: number;
  /** When the batch in hand was started; null between batches. */
  batchSince: number | null;
  /** Records waiting, as last measured, and when. */
  lag: number;
  lagAt: number;
}

export interface StalledPartition {
  group: string;
  topic: string;
  partition: number;
  /** Milliseconds since it last advanced. */
  stalledMs: number;
  lag: number;
}

/**
 * Where every partition this process consumes stands, to tell one that stopped advancing: a batch in
 * hand for longer than the limit (a handler stuck, or retrying a failure), or records measured waiting
 * while no batch was done for longer than the limit. A partition handed to another member stops being
 * measured and so is never called stalled here. Process-wide, as the metrics are.
 */
export class PartitionProgress {
  private readonly partitions = new Map<string, Progress>();

  /** A batch handed to the handler; one handed again after a failure keeps the first one's start. */
  batchStarted(engine: string, group: string, topic: string, partition: number, now = Date.now()): void {
    const entry = this.entry(engine, group, topic, partition, now);
    entry.batchSince ??= now;
  }

  batchDone(engine: string, group: string, topic: string, partition: number, now = Date.now()): void {
    const entry = this.entry(engine, group, topic, partition, now);
    entry.batchSince = null;
    entry.progressAt = now;
  }

  /** A batch given up because the consumer is stopping or lost the partition: nothing is in hand any more. */
  batchAbandoned(engine: string, group: string, topic: string, partition: number, now = Date.now()): void {
    this.entry(engine, group, topic, partition, now).batchSince = null;
  }

  lagMeasured(engine: string, group: string, topic: string, partition: number, lag: number, now = Date.now()): void {
    const entry = this.entry(engine, group, topic, partition, now);
    entry.lag = lag;
    entry.lagAt = now;
  }

  /** A consumer that stopped: its partitions are no one's concern here any more. */
  forget(group: string): void {
    for (const [key, entry] of this.partitions) if (entry.group === group) this.partitions.delete(key);
  }

  stalled(limitMs: number, now = Date.now()): StalledPartition[] {
    return [...this.partitions.values()]
      .filter((entry) => isStalled(entry, limitMs, now))
      .map(({ group, topic, partition, batchSince, progressAt, lag }) => ({ group, topic, partition, stalledMs: now - (batchSince ?? progressAt), lag }));
  }

  /** Each partition measured, and whether it is stalled now (bus_consumer_stalled). */
  states(limitMs: number, now = Date.now()): Array<{ engine: string; group: string; topic: string; partition: number; stalled: boolean }> {
    return [...this.partitions.values()].map((entry) => ({
      engine: entry.engine,
      group: entry.group,
      topic: entry.topic,
      partition: entry.partition,
      stalled: isStalled(entry, limitMs, now),
    }));
  }

  private entry(engine: string, group: string, topic: string, partition: number, now: number): Progress {
    const key = `${group}\u0000${topic}\u0000${partition}`;
    let entry = this.partitions.get(key);
    if (!entry) {
      entry = { engine, group, topic, partition, progressAt: now, batchSince: null, lag: 0, lagAt: now };
      this.partitions.set(key, entry);
    }
    return entry;
  }
}

/** A batch in hand for longer than the limit, or records measured waiting while none was done for that long. */
function isStalled(entry: Progress, limitMs: number, now: number): boolean {
  const stuckBatch = entry.batchSince !== null && now - entry.batchSince > limitMs;
  const idleWhileBehind = entry.lag > 0 && entry.lagAt - entry.progressAt > limitMs;
  return stuckBatch || idleWhileBehind;
}

export const partitionProgress = new PartitionProgress();

/** How long a partition may stand still before it is called stalled (BUS_STALL_AFTER_S sets it per process). */
export const stallLimit = { ms: 120_000 };

// Read at each scrape, like the state it reports.
new Gauge({
  name: 'bus_consumer_stalled',
  help: 'Partitions consumed here, 1 when one has not advanced for longer than BUS_STALL_AFTER_S (a batch in hand, or records waiting), else 0',
  labelNames: ['engine', 'group', 'topic', 'partition'],
  collect() {
    this.reset();
    for (const { stalled, partition, ...labels } of partitionProgress.states(stallLimit.ms))
      this.set({ ...labels, partition: String(partition) }, stalled ? 1 : 0);
  },
});
