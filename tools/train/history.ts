import type { EnrichedEvent } from '@app/contracts';
import type { GeoLookup } from '@app/enrichment';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { SIMULATION_ARGS, simulationOptions } from '../simulate/simulate';
import { lakeEvents, ndjsonEvents } from './event-sources';
import type { LabelledTransactions } from './labelled-transactions';

/** Where a history comes from on the command line: a lake, an export, or by default the simulator (its own options). */
export const HISTORY_ARGS = { ...SIMULATION_ARGS, lake: { type: 'string' }, events: { type: 'string' } } as const;

/** The days of the protocol on the command line (protocol.ts): numbers from day 0, or dates. */
export const PROTOCOL_ARGS = {
  'train-from': { type: 'string' },
  'train-days': { type: 'string' },
  'gap-days': { type: 'string' },
  'test-from': { type: 'string' },
  'test-days': { type: 'string' },
  'label-days': { type: 'string' },
} as const;

/** The history the options name, as enriched events in event-time order, and how to name it in reports. */
export function historyFrom(
  values: Record<string, string | boolean | undefined>,
  geo: GeoLookup,
): { events: AsyncIterable<EnrichedEvent> | Iterable<EnrichedEvent>; source: string } {
  const lake = values.lake as string | undefined;
  const file = values.events as string | undefined;
  if (lake && file) throw new Error('read one history: --lake DIR or --events FILE.ndjson');
  if (lake) return { events: lakeEvents(lake), source: `the lake in ${lake}` };
  if (file) return { events: ndjsonEvents(file, geo), source: `the events in ${file}` };
  const options = simulationOptions(values as Record<string, string | undefined>, geo);
  const simulated = {
    seed: options.seed,
    customers: options.customers,
    terminals: options.terminals,
    days: options.days,
    start: options.start.toISOString().slice(0, 10),
  };
  return { events: mapIterable(enrichedSimulation(options, geo), (e) => e.event), source: `the simulator ${JSON.stringify(simulated)}` };
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

/** The transactions of some days: their rows (the columns asked for, all by default), labels, and who and when. */
export interface Split {
  rows: Float32Array;
  labels: Float32Array;
  transactions: Array<{ customer: string; day: number; fraud: boolean }>;
}

export function split(
  data: LabelledTransactions,
  from: number,
  days: number,
  columns: readonly number[] = Array.from({ length: data.width }, (_, c) => c),
): Split {
  const picked: number[] = [];
  data.days.forEach((day, i) => {
    if (day >= from && day < from + days) picked.push(i);
  });
  const width = columns.length;
  const rows = new Float32Array(picked.length * width);
  picked.forEach((i, k) => {
    for (let c = 0; c < width; c++) rows[k * width + c] = data.rows[i * data.width + columns[c]];
  });
  return {
    rows,
    labels: Float32Array.from(picked, (i) => data.labels[i]),
    transactions: picked.map((i) => ({ customer: data.customers[i], day: data.days[i], fraud: data.labels[i] === 1 })),
  };
}

export const isoDay = (firstDayMs: number, day: number) => new Date(firstDayMs + day * 86_400_000).toISOString().slice(0, 10);
export const describeDays = (data: LabelledTransactions, from: number, days: number) =>
  `${from}-${from + days - 1} (${isoDay(data.firstDayMs, from)} to ${isoDay(data.firstDayMs, from + days - 1)})`;
