import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import type { EnrichedEvent, EventIn } from '@app/contracts';
import { offlineEnrichment, type GeoLookup } from '@app/enrichment';

/**
 * Where training reads a business's history from, as enriched events in event-time order (what the
 * scoring service's partitions deliver per user). The lake is read an hour folder at a time: its
 * partitions are by event time, so sorting within a folder orders the whole.
 */
export async function* lakeEvents(lakeDir: string): AsyncGenerator<EnrichedEvent> {
  const root = join(lakeDir, 'events');
  const days = (await readdir(root).catch(() => [] as string[])).filter((d) => d.startsWith('dt=')).sort();
  if (days.length === 0) throw new Error(`no lake under ${root} (expected events/dt=YYYY-MM-DD/hour=HH/*.parquet)`);
  for (const day of days) {
    for (const hour of (await readdir(join(root, day))).filter((h) => h.startsWith('hour=')).sort()) {
      const folder = join(root, day, hour);
      const rows: EnrichedEvent[] = [];
      for (const file of (await readdir(folder)).filter((f) => f.endsWith('.parquet')).sort()) {
        rows.push(...lakeRows(await readFile(join(folder, file))));
      }
      yield* byEventTime(rows);
    }
  }
}

/** An export of events, one JSON object a line: enriched events, or events as sent (enriched here as ingest would). */
export async function* ndjsonEvents(file: string, geo: GeoLookup): AsyncGenerator<EnrichedEvent> {
  const enrichment = offlineEnrichment(geo);
  const events: EnrichedEvent[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let value: EnrichedEvent | EventIn;
    try {
      value = JSON.parse(text) as EnrichedEvent | EventIn;
    } catch {
      throw new Error(`${file}:${line}: not JSON`);
    }
    if (typeof value.eventId !== 'string' || typeof value.userId !== 'string' || typeof value.type !== 'string' || Number.isNaN(Date.parse(value.occurredAt))) {
      throw new Error(`${file}:${line}: an event needs eventId, userId, type and occurredAt`);
    }
    events.push(
      'receivedAt' in value ? value : { ...value, eventId: value.eventId, receivedAt: value.occurredAt, source: 'http', ...enrichment.enrich(value) },
    );
  }
  yield* byEventTime(events);
}

function byEventTime(events: EnrichedEvent[]): EnrichedEvent[] {
  const times = new Map(events.map((e) => [e, Date.parse(e.occurredAt)]));
  return events.sort((a, b) => (times.get(a) as number) - (times.get(b) as number));
}

/** A lake file's rows as the enriched events they were (docs/lake.md names the columns). */
function lakeRows(bytes: Buffer): EnrichedEvent[] {
  const table = tableFromIPC(readParquet(new Uint8Array(bytes)).intoIPCStream());
  const events: EnrichedEvent[] = [];
  for (const row of table) {
    const r = row.toJSON() as Record<string, unknown>;
    const text = (name: string) => (r[name] === null || r[name] === undefined ? undefined : String(r[name]));
    const number = (name: string) => (r[name] === null || r[name] === undefined ? null : Number(r[name]));
    events.push({
      eventId: r.event_id as string,
      type: r.type as EnrichedEvent['type'],
      userId: r.user_id as string,
      occurredAt: new Date(Number(r.occurred_at)).toISOString(),
      receivedAt: new Date(Number(r.received_at)).toISOString(),
      source: r.source as EnrichedEvent['source'],
      ...(r.amount !== null ? { amount: Number(r.amount), currency: text('currency') } : {}),
      ...(r.merchant_id !== null ? { merchantId: text('merchant_id') } : {}),
      ...(r.ip !== null ? { ip: text('ip') } : {}),
      ...(r.device_id !== null ? { deviceId: text('device_id') } : {}),
      ...(r.properties !== null ? { properties: JSON.parse(r.properties as string) as EnrichedEvent['properties'] } : {}),
      geo:
        r.geo_country === null && r.geo_latitude === null
          ? null
          : {
              country: text('geo_country') ?? null,
              region: text('geo_region') ?? null,
              city: text('geo_city') ?? null,
              latitude: number('geo_latitude'),
              longitude: number('geo_longitude'),
            },
      ua:
        r.ua_device_type === null
          ? null
          : {
              browser: text('ua_browser') ?? null,
              browserVersion: text('ua_browser_version') ?? null,
              os: text('ua_os') ?? null,
              osVersion: text('ua_os_version') ?? null,
              deviceType: text('ua_device_type') as string,
              isBot: Boolean(r.ua_is_bot),
            },
      merchant: null,
      ...(r.asn_number != null ? { asn: { number: Number(r.asn_number), organization: text('asn_organization') ?? null } } : {}),
      flags: Array.from((r.flags as Iterable<string> | null) ?? []) as EnrichedEvent['flags'],
    } as EnrichedEvent);
  }
  return events;
}
