import type { Sample } from './prometheus-text';

/** What one service said of itself: its readiness, and its bus metrics (null when it did not answer). */
export interface ServiceReport {
  service: string;
  ready: boolean;
  /** Why it is not ready, one line per failing check. */
  problems: string[];
  samples: Sample[] | null;
}

export interface PartitionView {
  group: string;
  topic: string;
  partition: number;
  engine: string;
  /** Records on the partition not yet processed by the group, when last measured. */
  lag: number | null;
  stalled: boolean;
  /** Records processed per second since the previous look; null on the first. */
  perSecond: number | null;
}

export interface PipelineView {
  at: string;
  services: Array<{ service: string; ready: boolean; problems: string[]; answered: boolean }>;
  partitions: PartitionView[];
  deadLetters: Array<{ group: string; topic: string; records: number }>;
}

/** Records processed so far, by group, topic and partition: what the next look computes throughput from. */
export interface ConsumedSnapshot {
  at: number;
  consumed: Map<string, number>;
}

export const PIPELINE_METRICS = new Set(['bus_consumer_lag', 'bus_consumer_stalled', 'bus_records_consumed_total', 'bus_records_dead_lettered_total']);

const keyOf = (l: Record<string, string>) => `${l.group}\u0000${l.topic}\u0000${l.partition}`;

/** The pipeline as the services report it now, with throughput against the previous look. */
export function pipelineView(reports: ServiceReport[], previous: ConsumedSnapshot | null, at: number): { view: PipelineView; snapshot: ConsumedSnapshot } {
  const partitions = new Map<string, PartitionView>();
  const partitionOf = (labels: Record<string, string>) => {
    const key = keyOf(labels);
    let view = partitions.get(key);
    if (!view) {
      view = {
        group: labels.group,
        topic: labels.topic,
        partition: Number(labels.partition),
        engine: labels.engine,
        lag: null,
        stalled: false,
        perSecond: null,
      };
      partitions.set(key, view);
    }
    return view;
  };
  const consumed = new Map<string, number>();
  const deadLetters = new Map<string, { group: string; topic: string; records: number }>();
  for (const sample of reports.flatMap((r) => r.samples ?? [])) {
    const { labels } = sample;
    if (sample.name === 'bus_consumer_lag') partitionOf(labels).lag = sample.value;
    else if (sample.name === 'bus_consumer_stalled') partitionOf(labels).stalled = sample.value > 0;
    else if (sample.name === 'bus_records_consumed_total' && labels.partition !== undefined) {
      partitionOf(labels);
      consumed.set(keyOf(labels), (consumed.get(keyOf(labels)) ?? 0) + sample.value);
    } else if (sample.name === 'bus_records_dead_lettered_total' && sample.value > 0) {
      const key = `${labels.group}\u0000${labels.topic}`;
      const entry = deadLetters.get(key) ?? { group: labels.group, topic: labels.topic, records: 0 };
      entry.records += sample.value;
      deadLetters.set(key, entry);
    }
  }
  if (previous && at > previous.at)
    for (const [key, count] of consumed) {
      const before = previous.consumed.get(key);
      // A counter that went down is a restarted process: no rate until the next look.
      if (before !== undefined && count >= before) (partitions.get(key) as PartitionView).perSecond = ((count - before) * 1000) / (at - previous.at);
    }
  const order = (a: PartitionView, b: PartitionView) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition;
  return {
    view: {
      at: new Date(at).toISOString(),
      services: reports.map(({ service, ready, problems, samples }) => ({ service, ready, problems, answered: samples !== null })),
      partitions: [...partitions.values()].sort(order),
      deadLetters: [...deadLetters.values()],
    },
    snapshot: { at, consumed },
  };
}
