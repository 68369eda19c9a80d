/**
 * `npm run simulate`: simulated customers, terminals and events (simulation.ts), to a file or to ingest.
 *
 *   npm run simulate -- --out data/sim.ndjson [--days 70 --customers 5000 --terminals 10000 --seed 42]
 *   npm run simulate -- --url http://127.0.0.1:3001 --api-key KEY --rate 2000 [--days 2]
 *
 * Prints progress on stderr and a summary at the end (events sent, accepted, rejected, rate achieved).
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { GeoLookup } from '@app/enrichment';
import { secretWithScope } from '@app/platform/http/api-keys';
import { buildIpPools } from './ip-pools';
import { DEFAULT_CHARGEBACKS, simulate, type ChargebackField, type ChargebackStyle, type SimulatedEvent, type SimulationOptions } from './simulation';

export const DEFAULT_SIMULATION = { seed: 42, customers: 5_000, terminals: 10_000, days: 70, radius: 5 };

const DAY_MS = 86_400_000;

/**
 * Without --start, the simulated history ends at the last midnight (UTC): recent past, as live traffic
 * is, whatever today's date. A fixed start would age out of ingest's event-time bounds (400 days) and
 * turn the demo, the tests and the benches red one day with no change to the code.
 */
export function defaultStart(days: number, now = Date.now()): Date {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS - days * DAY_MS);
}

/** The simulation options from command-line values (shared with the training tool). */
export function simulationOptions(values: Record<string, string | undefined>, geo: GeoLookup): SimulationOptions {
  const number = (name: keyof typeof DEFAULT_SIMULATION) => Number(values[name] ?? DEFAULT_SIMULATION[name]);
  const seed = number('seed');
  const start = values.start === undefined ? defaultStart(number('days')) : new Date(`${values.start}T00:00:00Z`);
  if (Number.isNaN(start.getTime())) throw new Error('--start must be a date (YYYY-MM-DD)');
  return {
    seed,
    customers: number('customers'),
    terminals: number('terminals'),
    days: number('days'),
    start,
    radius: number('radius'),
    ipPools: buildIpPools(geo, seed),
    chargebacks: chargebackStyle(values['chargeback-delay'], values['chargeback-fields']),
  };
}

const CHARGEBACK_FIELDS: readonly string[] = ['id', 'time', 'merchant', 'amount'];

/** `--chargeback-delay 7d` (or 36h, 90m) and `--chargeback-fields id[,time,merchant,amount]`. */
export function chargebackStyle(delay: string | undefined, fields: string | undefined): ChargebackStyle {
  let delayMs = DEFAULT_CHARGEBACKS.delayMs;
  if (delay !== undefined) {
    const match = /^(\d+(?:\.\d+)?)([dhm])$/.exec(delay);
    if (!match) throw new Error('--chargeback-delay must be a duration such as 7d, 36h or 90m');
    delayMs = Number(match[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
  }
  if (fields === undefined) return { delayMs, fields: DEFAULT_CHARGEBACKS.fields };
  const named = fields.split(',').map((f) => f.trim());
  const unknown = named.filter((f) => !CHARGEBACK_FIELDS.includes(f));
  if (unknown.length > 0 || !named.includes('id'))
    throw new Error(`--chargeback-fields lists some of ${CHARGEBACK_FIELDS.join(', ')}, id always (got ${fields})`);
  return { delayMs, fields: named.filter((f): f is ChargebackField => f !== 'id') };
}

export const SIMULATION_ARGS = {
  seed: { type: 'string' },
  customers: { type: 'string' },
  terminals: { type: 'string' },
  days: { type: 'string' },
  start: { type: 'string' },
  radius: { type: 'string' },
  'chargeback-delay': { type: 'string' },
  'chargeback-fields': { type: 'string' },
} as const;

class Progress {
  private lastPrint = 0;
  readonly started = Date.now();
  constructor(private readonly total: number | null) {}

  update(done: number, extra = ''): void {
    const now = Date.now();
    if (now - this.lastPrint < 250 && done !== this.total) return;
    this.lastPrint = now;
    const rate = Math.round(done / Math.max((now - this.started) / 1000, 0.001));
    const bar = this.total ? `[${'='.repeat(Math.round((done / this.total) * 30)).padEnd(30)}] ${Math.round((done / this.total) * 100)}% ` : '';
    process.stderr.write(`\r${bar}${done.toLocaleString('en')} events, ${rate.toLocaleString('en')}/s ${extra}   `);
  }
}

async function toFile(events: Iterable<SimulatedEvent>, path: string): Promise<{ sent: number; frauds: number }> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const progress = new Progress(null);
  let sent = 0;
  let frauds = 0;
  let chunk: string[] = [];
  for (const { event, fraud } of events) {
    chunk.push(JSON.stringify(event));
    sent++;
    if (fraud) frauds++;
    if (chunk.length === 5_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
      progress.update(sent);
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await new Promise<void>((r) => out.once('finish', () => r()));
  progress.update(sent);
  return { sent, frauds };
}

/**
 * Posts NDJSON batches at `rate` events/s, a few requests in flight, honouring 429/503 Retry-After. Ingest
 * out of reach (restarting, say) is waited for, each batch sent again every second, for up to
 * UNREACHABLE_GIVE_UP_MS: the events carry their ids, so one that had arrived before the connection
 * dropped counts once.
 */
export async function toIngest(events: Iterable<SimulatedEvent>, url: string, apiKey: string, rate: number, batchSize: number) {
  const progress = new Progress(null);
  const totals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, frauds: 0, retries: 0 };
  const inFlight = new Set<Promise<void>>();
  let unreachableSince: number | null = null;
  const post = async (body: string, count: number): Promise<void> => {
    for (;;) {
      const response = await fetch(`${url.replace(/\/$/, '')}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${apiKey}` },
        body,
      }).catch((error: Error) => {
        if (!isConnectionFailure(error) || (unreachableSince !== null && Date.now() - unreachableSince > UNREACHABLE_GIVE_UP_MS)) throw error;
        if (unreachableSince === null) process.stderr.write(`\n[simulate] ingest is out of reach (${describeCause(error)}); sending again every second\n`);
        unreachableSince ??= Date.now();
        return null;
      });
      if (response === null) {
        totals.retries++;
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (unreachableSince !== null) {
        process.stderr.write(`\n[simulate] ingest is back after ${((Date.now() - unreachableSince) / 1000).toFixed(1)} s\n`);
        unreachableSince = null;
      }
      if (response.status === 429 || response.status === 503) {
        totals.retries++;
        await new Promise((r) => setTimeout(r, Number(response.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      const outcome = (await response.json()) as { accepted?: number; duplicates?: number; rejected?: number; error?: { details?: { rejected?: number } } };
      if (response.status !== 202 && response.status !== 422) throw new Error(`ingest answered ${response.status}: ${JSON.stringify(outcome)}`);
      totals.accepted += outcome.accepted ?? 0;
      totals.duplicates += outcome.duplicates ?? 0;
      totals.rejected += outcome.rejected ?? outcome.error?.details?.rejected ?? count;
      return;
    }
  };
  let batch: string[] = [];
  const started = Date.now();
  const flush = async () => {
    const body = `${batch.join('\n')}\n`;
    const count = batch.length;
    batch = [];
    // Pace by events sent: the next batch leaves when the schedule says it is due.
    const due = started + (totals.sent / rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    totals.sent += count;
    const request = post(body, count).finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= 8) await Promise.race(inFlight);
    progress.update(totals.sent, `(accepted ${totals.accepted.toLocaleString('en')}, rejected ${totals.rejected})`);
  };
  for (const { event, fraud } of events) {
    batch.push(JSON.stringify(event));
    if (fraud) totals.frauds++;
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  progress.update(totals.sent, `(accepted ${totals.accepted.toLocaleString('en')}, rejected ${totals.rejected})`);
  return totals;
}

/** How long ingest may stay out of reach before the sending fails: longer than a restart, shorter than forever. */
const UNREACHABLE_GIVE_UP_MS = 5 * 60_000;

/** fetch's failure to connect, or a connection that dropped before the answer: undici's TypeError with its cause (by name: a test runner's realm has a TypeError of its own). */
function isConnectionFailure(error: Error): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return error.name === 'TypeError' && typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code);
}

const describeCause = (error: Error) => String((error.cause as { code?: unknown }).code);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...SIMULATION_ARGS,
      out: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      rate: { type: 'string', default: '2000' },
      batch: { type: 'string', default: '200' },
    },
  });
  if (!values.out && !values.url) throw new Error('say where the events go: --out FILE.ndjson or --url http://ingest:3001 --api-key KEY');
  const options = simulationOptions(values, await GeoLookup.open());
  process.stderr.write(
    `[simulate] seed ${options.seed}: ${options.customers} customers, ${options.terminals} terminals, ${options.days} days from ${options.start.toISOString().slice(0, 10)}; IPs of ${[...options.ipPools.keys()].join(', ')}\n`,
  );
  const started = Date.now();
  const events = simulate(options);
  const summary = values.out
    ? await toFile(events, values.out)
    : await toIngest(
        events,
        values.url as string,
        values['api-key'] ?? secretWithScope(process.env.API_KEYS, 'ingest') ?? '',
        Number(values.rate),
        Number(values.batch),
      );
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write('\n');
  console.log(
    JSON.stringify({ ...summary, seconds: Math.round(seconds * 10) / 10, eventsPerSecond: Math.round(summary.sent / seconds), to: values.out ?? values.url }),
  );
}

if (require.main === module) {
  void main().catch((error: Error) => {
    console.error(`[simulate] ${error.message}`);
    process.exit(1);
  });
}
