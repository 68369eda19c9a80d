import type { EnrichedEvent } from '@app/contracts';
import { DAY, featureEventOf, FeatureReplay, type FeatureConfig } from '@app/features';

/**
 * Every transaction of a history with its features, as the scoring service computed them at the
 * time, and its label: fraud when a chargeback in the same history names it (resolved by id within
 * the dispute horizon, as scoring resolves them). Rows are float32, as the model reads them.
 */
export interface LabelledTransactions {
  width: number;
  rows: Float32Array;
  eventIds: string[];
  customers: string[];
  /** Day of each transaction, counted from the UTC midnight before the history's first event. */
  days: Int32Array;
  labels: Uint8Array;
  /** Midnight UTC of day 0 (ms). */
  firstDayMs: number;
  /** Day of the last event of any type. */
  lastDay: number;
  chargebacks: { matched: number; unmatched: number };
}

export async function labelledTransactions(
  events: AsyncIterable<EnrichedEvent> | Iterable<EnrichedEvent>,
  features: readonly string[],
  config: FeatureConfig,
  progress: (events: number) => void,
): Promise<LabelledTransactions> {
  const replay = new FeatureReplay(features, config);
  const width = features.length;
  let rows = new Float32Array(width * 65_536);
  const eventIds: string[] = [];
  const customers: string[] = [];
  const times: number[] = [];
  const frauds = new Set<string>();
  const chargebacks = { matched: 0, unmatched: 0 };
  let firstTime = Number.POSITIVE_INFINITY;
  let lastTime = Number.NEGATIVE_INFINITY;
  let processed = 0;
  for await (const enriched of events) {
    const event = featureEventOf(enriched);
    firstTime = Math.min(firstTime, event.time);
    lastTime = Math.max(lastTime, event.time);
    const { values, fate } = replay.process(event);
    if (++processed % 100_000 === 0) progress(processed);
    if (event.dispute && fate !== 'duplicate') {
      if (event.dispute.flags.includes('chargeback_unmatched')) chargebacks.unmatched++;
      else {
        chargebacks.matched++;
        frauds.add(event.dispute.eventId);
      }
    }
    if (event.type !== 'transaction' || fate === 'duplicate') continue;
    if ((eventIds.length + 1) * width > rows.length) {
      const grown = new Float32Array(rows.length * 2);
      grown.set(rows);
      rows = grown;
    }
    rows.set(values, eventIds.length * width);
    eventIds.push(event.eventId);
    customers.push(event.userId);
    times.push(event.time);
  }
  progress(processed);
  if (eventIds.length === 0) throw new Error('the history holds no transactions');
  const firstDayMs = Math.floor(firstTime / DAY) * DAY;
  return {
    width,
    rows: rows.subarray(0, eventIds.length * width),
    eventIds,
    customers,
    days: Int32Array.from(times, (t) => Math.floor((t - firstDayMs) / DAY)),
    labels: Uint8Array.from(eventIds, (id) => (frauds.has(id) ? 1 : 0)),
    firstDayMs,
    lastDay: Math.floor((lastTime - firstDayMs) / DAY),
    chargebacks,
  };
}
