import { Gauge } from 'prom-client';
import type { RecordBatch } from '@app/bus';

const foldLag = new Gauge({
  name: 'profile_fold_lag_seconds',
  help: "How old the newest record of a partition was when its batch's profiles were committed: how far profiles trail the stream",
  labelNames: ['topic', 'partition'],
});

/** Called once a batch's profiles are committed. */
export function foldCommitted(batch: RecordBatch, now = Date.now()): void {
  const newest = batch.records[batch.records.length - 1];
  if (newest) foldLag.set({ topic: batch.topic, partition: String(batch.partition) }, Math.max(0, now - newest.timestamp) / 1000);
}
