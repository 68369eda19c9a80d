import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransientError, createBus, silentBusLogger, type BatchContext, type BusRecord, type RecordBatch } from '@app/bus';
import { topicNames, type EnrichedEvent } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { bootApp, busUrlsUnderTest, eventually, readLake, testEnv, uniqueName, type BootedApp } from '@app/testing';
import { ingestEnv } from '../../ingest/src/ingest.config';
import { IngestModule } from '../../ingest/src/ingest.module';
import { LakeFilesRepository } from '../src/lake-files.repository';
import { LAKE_TABLE, hourFolder, lakeFileName } from '../src/lake-path';
import { lakeEnv } from '../src/lake.config';
import { LakeModule } from '../src/lake.module';
import { LakeSinkService } from '../src/lake-sink.service';

const HOUR = 3_600_000;
const baseHour = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;

function enrichedEvent(i: number): EnrichedEvent {
  return {
    eventId: `e-${i}`,
    type: 'transaction',
    userId: `u-${i % 7}`,
    occurredAt: new Date(baseHour + (i % 3) * HOUR + i * 1000).toISOString(),
    amount: i + 0.25,
    currency: 'EUR',
    merchantId: 'm-1',
    receivedAt: new Date(baseHour + 6 * HOUR).toISOString(),
    source: 'http',
    geo: null,
    ua: null,
    merchant: null,
    flags: [],
  };
}

const record = (partition: number, offset: string, event: unknown): BusRecord => ({
  topic: 'events.enriched',
  partition,
  offset,
  key: null,
  value: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)),
  headers: {},
  timestamp: 0,
});

/** Kafka-style offsets on partition 0, Redis-style stream ids on partition 1. */
const kafkaRecords = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => record(0, String(from + k), enrichedEvent(from + k)));
const redisRecords = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => record(1, `1700000000000-${from + k}`, enrichedEvent(10_000 + from + k)));

/** A batch of a partition this sink has held since its last batch (RecordBatch.newlyAssigned: false) unless told otherwise. */
const batchOf = (partition: number, records: BusRecord[], newlyAssigned = false): RecordBatch => ({
  topic: 'events.enriched',
  partition,
  records,
  newlyAssigned,
});

function collectingContext() {
  const deadLetters: Array<{ offset: string; reason: string }> = [];
  const context: BatchContext = { deadLetter: (r, reason) => deadLetters.push({ offset: r.offset, reason }) };
  return { context, deadLetters };
}

const pathsUnder = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).map(String);

describe('lake sink: files', () => {
  let lakeDir: string;
  const sink = () => new LakeSinkService(new LakeFilesRepository({ LAKE_DIR: lakeDir }));

  beforeEach(async () => (lakeDir = await mkdtemp(join(tmpdir(), 'lake-'))));
  afterEach(() => rm(lakeDir, { recursive: true, force: true }));

  it('skips a copy of a recent event published again at a new offset (ingest crashed before answering)', async () => {
    const { context } = collectingContext();
    const lake = sink();
    await lake.write([batchOf(0, kafkaRecords(0, 10))], context);
    const copies = [5, 6, 7].map((i, k) => record(0, String(10 + k), enrichedEvent(i)));
    const summary = await lake.write([batchOf(0, [...copies, record(0, '13', enrichedEvent(13)), record(0, '14', enrichedEvent(13))])], context);
    expect(summary).toMatchObject({ rows: 1, skipped: 4 });
    expect((await readLake(lakeDir, 'event_id')).map((r) => r.event_id).sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `e-${i}`), 'e-13'].sort());
  });

  it('writes every event once when batches are redelivered cut differently, also after a restart', async () => {
    const { context } = collectingContext();
    const first = sink();
    await first.write([batchOf(0, kafkaRecords(0, 60))], context);
    await first.write([batchOf(1, redisRecords(0, 60))], context);
    // The commit was lost: the same records come again, in a longer batch.
    expect(await first.write([batchOf(0, kafkaRecords(0, 100))], context)).toEqual({ rows: 40, files: 3, bytes: expect.any(Number), skipped: 60 });

    // A restarted sink knows only what is on disk.
    const restarted = sink();
    expect(await restarted.write([batchOf(0, kafkaRecords(40, 120))], context)).toEqual({ rows: 20, files: 3, bytes: expect.any(Number), skipped: 60 });
    expect(await restarted.write([batchOf(1, redisRecords(30, 90))], context)).toEqual({ rows: 30, files: 3, bytes: expect.any(Number), skipped: 30 });

    const rows = await readLake(lakeDir, "event_id, strftime(dt, '%Y-%m-%d') as dt, hour, bus_partition, bus_offset");
    const ids = rows.map((r) => r.event_id as string);
    expect(ids).toHaveLength(120 + 90);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = [...Array.from({ length: 120 }, (_, i) => `e-${i}`), ...Array.from({ length: 90 }, (_, i) => `e-${10_000 + i}`)];
    expect(ids.sort()).toEqual(expected.sort());
    // Every row sits in the folder of its event hour.
    for (const row of rows) {
      const i = Number((row.event_id as string).slice(2));
      const occurred = new Date(enrichedEvent(i).occurredAt).toISOString();
      expect([row.dt, row.hour]).toEqual([occurred.slice(0, 10), Number(occurred.slice(11, 13))]);
    }
    const paths = await pathsUnder(lakeDir);
    expect(paths.filter((p) => p.endsWith('.parquet'))).toHaveLength(3 + 3 + 3 + 3 + 3); // five writes, each over three hours
    expect(paths.filter((p) => p.endsWith('.tmp'))).toEqual([]);
  });

  it("writes a roll of several partitions as one file per hour, and knows each partition's part of it after a restart", async () => {
    const { context } = collectingContext();
    const first = sink();
    // Partitions 0 and 1 together: a file per hour either has rows in, where apart each would write its own.
    const hours = (ids: number[]) => new Set(ids.map((i) => Math.floor(Date.parse(enrichedEvent(i).occurredAt) / HOUR)));
    const [hours0, hours1] = [hours(Array.from({ length: 30 }, (_, i) => i)), hours(Array.from({ length: 30 }, (_, i) => 10_000 + i))];
    const both = [...hours0].filter((hour) => hours1.has(hour)).length;
    expect(both).toBeGreaterThan(0);
    const files = hours0.size + hours1.size - both;
    expect(await first.write([batchOf(0, kafkaRecords(0, 30)), batchOf(1, redisRecords(0, 30))], context)).toMatchObject({ rows: 60, files });
    const names = (await pathsUnder(lakeDir)).filter((p) => p.endsWith('.parquet')).map((p) => p.split('/').pop() as string);
    expect(names).toHaveLength(files);
    expect(names.filter((name) => /^p0_\d+_\d+__p1_1700000000000-\d+_1700000000000-\d+\.parquet$/.test(name))).toHaveLength(both);
    // The commit was lost; a restarted sink gets the partitions again one at a time, with more behind them.
    const restarted = sink();
    expect(await restarted.write([batchOf(0, kafkaRecords(0, 40), true)], context)).toMatchObject({ rows: 10, skipped: 30 });
    expect(await restarted.write([batchOf(1, redisRecords(0, 45), true)], context)).toMatchObject({ rows: 15, skipped: 30 });
    const ids = (await readLake(lakeDir, 'event_id')).map((r) => r.event_id as string);
    expect(ids).toHaveLength(40 + 45);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes a partition once when it moves to another sink whose view of the folders is older than the files', async () => {
    const { context } = collectingContext();
    const [a, b] = [sink(), sink()];
    await b.write([batchOf(1, redisRecords(0, 30))], context); // b lists the hour folders now
    await a.write([batchOf(0, kafkaRecords(0, 60))], context); // a writes partition 0, then dies before committing
    // Partition 0 moves to b, which gets it from the last commit: records a already wrote come again.
    expect(await b.write([batchOf(0, kafkaRecords(0, 100), true)], context)).toEqual({ rows: 40, files: 3, bytes: expect.any(Number), skipped: 60 });

    const ids = (await readLake(lakeDir, 'event_id')).map((r) => r.event_id as string);
    expect(ids).toHaveLength(100 + 30);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('dead-letters records that are not enriched events and writes the rest', async () => {
    const { context, deadLetters } = collectingContext();
    const records = [
      record(0, '0', enrichedEvent(0)),
      record(0, '1', '{"eventId":'),
      record(0, '2', { eventId: 'x' }),
      record(0, '3', { ...enrichedEvent(3), occurredAt: 'yesterday' }),
      record(0, '4', enrichedEvent(4)),
    ];
    expect(await sink().write([batchOf(0, records)], context)).toEqual({ rows: 2, files: 2, bytes: expect.any(Number), skipped: 0 });
    expect(deadLetters).toEqual([
      { offset: '1', reason: expect.stringMatching(/^not an enriched event: invalid JSON/) },
      { offset: '2', reason: 'not an enriched event: type is required' },
      { offset: '3', reason: 'not an enriched event: occurredAt "yesterday" is not a time' },
    ]);
  });

  it('treats a lake it cannot write as a transient failure, never as bad records', async () => {
    const notADirectory = join(lakeDir, 'file');
    await writeFile(notADirectory, 'x');
    const blocked = new LakeSinkService(new LakeFilesRepository({ LAKE_DIR: notADirectory }));
    const { context, deadLetters } = collectingContext();
    await expect(blocked.write([batchOf(0, kafkaRecords(0, 5))], context)).rejects.toBeInstanceOf(TransientError);
    expect(deadLetters).toEqual([]);
  });

  it("writes a roll's other hours when one cannot be written, and that hour alone when the roll comes again", async () => {
    const { context } = collectingContext();
    const lake = sink();
    // A folder where one hour's temporary file goes (its rows: e-1, e-4, ... e-28): that file's write fails, the
    // other two hours' go ahead.
    const hour = join(lakeDir, LAKE_TABLE, hourFolder(Date.parse(enrichedEvent(1).occurredAt)));
    const blocked = join(hour, `.${lakeFileName([{ partition: 0, first: '1', last: '28' }])}.${process.pid}.tmp`);
    await mkdir(blocked, { recursive: true });
    await expect(lake.write([batchOf(0, kafkaRecords(0, 30))], context)).rejects.toBeInstanceOf(TransientError);
    expect((await pathsUnder(lakeDir)).filter((p) => p.endsWith('.parquet'))).toHaveLength(2);

    await rm(blocked, { recursive: true });
    // The bus hands the roll over again (nothing was committed): only the failed hour's rows are left to write.
    expect(await lake.write([batchOf(0, kafkaRecords(0, 30))], context)).toEqual({ rows: 10, files: 1, bytes: expect.any(Number), skipped: 20 });
    const ids = (await readLake(lakeDir, 'event_id')).map((r) => r.event_id as string);
    expect(ids.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `e-${i}`).sort());
  });

  it('keeps every field of the enriched event, typed', async () => {
    const event: EnrichedEvent = {
      eventId: 'full-1',
      type: 'transaction',
      userId: 'u-é',
      occurredAt: '2026-11-23T09:15:30.123+01:00',
      receivedAt: '2026-11-23T08:15:31.000Z',
      source: 'events.raw',
      ip: '81.2.69.142',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      deviceId: 'dev-1',
      sessionId: 's-1',
      amount: 1234.5,
      currency: 'GBP',
      merchantId: 'm-9',
      properties: { page: '/checkout', items: 3, gift: false },
      geo: { country: 'GB', region: 'England', city: 'London', latitude: 51.5142, longitude: -0.0931 },
      ua: { browser: 'Firefox', browserVersion: '120.0', os: 'Linux', osVersion: null, deviceType: 'desktop', isBot: false },
      merchant: { category: 'electronics', riskTier: 'high' },
      asn: { number: 4_200_000_001, organization: 'Example Net' },
      flags: ['ip_denylisted', 'device_denylisted'],
    };
    await sink().write([batchOf(2, [record(2, '77', event)])], collectingContext().context);
    const [row] = await readLake(
      lakeDir,
      "* exclude (occurred_at, received_at, dt), epoch_ms(occurred_at)::double as occurred_ms, epoch_ms(received_at)::double as received_ms, strftime(dt, '%Y-%m-%d') as dt",
    );
    expect(row).toEqual({
      event_id: 'full-1',
      type: 'transaction',
      user_id: 'u-é',
      occurred_ms: Date.parse(event.occurredAt),
      received_ms: Date.parse(event.receivedAt),
      source: 'events.raw',
      amount: 1234.5,
      currency: 'GBP',
      merchant_id: 'm-9',
      ip: '81.2.69.142',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      device_id: 'dev-1',
      session_id: 's-1',
      properties: JSON.stringify(event.properties),
      geo_country: 'GB',
      geo_region: 'England',
      geo_city: 'London',
      geo_latitude: 51.5142,
      geo_longitude: -0.0931,
      ua_browser: 'Firefox',
      ua_browser_version: '120.0',
      ua_os: 'Linux',
      ua_os_version: null,
      ua_device_type: 'desktop',
      ua_is_bot: false,
      merchant_category: 'electronics',
      merchant_risk_tier: 'high',
      flags: ['ip_denylisted', 'device_denylisted'],
      bus_partition: 2,
      bus_offset: '77',
      asn_number: 4_200_000_001n, // beyond int32: autonomous system numbers are unsigned 32-bit
      asn_organization: 'Example Net',
      dt: '2026-11-23',
      hour: 8,
    });
  });
});

describe.each(busUrlsUnderTest)('the lake app beside ingest on %s', (engine, busUrl) => {
  const API_KEY = 'lake-test-key-1';
  let lakeDir: string;
  let prefix: string;

  beforeEach(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'lake-'));
    prefix = `${uniqueName(`lake-${engine}`)}.`;
  });

  afterEach(async () => {
    const bus = createBus({ url: busUrl, clientId: 'lake-test', logger: silentBusLogger });
    await bus.deleteTopics(Object.values(topicNames(prefix)));
    await bus.close();
    await rm(lakeDir, { recursive: true, force: true });
  });

  const env = () => ({ API_KEYS: API_KEY, LOG_LEVEL: 'silent', BUS_URL: busUrl, REDIS_URL: testEnv.redisUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: '3' });
  const bootIngest = (): Promise<BootedApp> => bootApp(IngestModule.forRoot(loadConfig(ingestEnv, env())), 'ingest');
  const bootLake = (): Promise<BootedApp> =>
    bootApp(LakeModule.forRoot(loadConfig(lakeEnv, { ...env(), LAKE_DIR: lakeDir, LAKE_ROLL_INTERVAL_MS: '300', LAKE_ROLL_BYTES: '20000' })), 'lake');

  async function send(app: BootedApp, from: number, count: number): Promise<string[]> {
    const events = Array.from({ length: count }, (_, k) => ({
      eventId: `${prefix}${from + k}`,
      type: 'page_view',
      userId: `u-${(from + k) % 13}`,
      occurredAt: new Date(baseHour + ((from + k) % 4) * HOUR).toISOString(),
      ip: '81.2.69.142',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    }));
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { results: Array<{ eventId: string; status: string }> }).results.filter((r) => r.status === 'accepted').map((r) => r.eventId);
  }

  it('lands every accepted event in the lake exactly once across a restart of the lake, enriched and in its hour', async () => {
    const accepted: string[] = [];
    const intake = await bootIngest();
    try {
      const first = await bootLake();
      for (let from = 0; from < 600; from += 200) accepted.push(...(await send(intake, from, 200)));
      await eventually(async () => expect((await readLake(lakeDir, 'count(*) as n'))[0].n).toBeGreaterThan(0), { timeoutMs: 30_000 });
      await first.close();

      const lake = await bootLake();
      try {
        // The lake app takes no events: it has no geo database and no /v1/events.
        expect(
          (
            await fetch(`${lake.url}/v1/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
              body: '[]',
            })
          ).status,
        ).toBe(404);
        for (let from = 600; from < 1000; from += 200) accepted.push(...(await send(intake, from, 200)));
        expect(accepted).toHaveLength(1000);
        await eventually(async () => expect((await readLake(lakeDir, 'count(*) as n'))[0].n).toBe(1000n), { timeoutMs: 30_000 });
        // A customer's timeline, read back from the lake: every event of theirs, newest first.
        const timeline = async (path: string) =>
          (await (await fetch(`${lake.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
            items: Array<{ eventId: string; occurredAt: string; type: string; country: string }>;
          };
        const { items } = await timeline('/v1/users/u-3/events?days=2&limit=1000');
        expect(items.map((e) => e.eventId).sort()).toEqual(accepted.filter((id) => Number(id.slice(prefix.length)) % 13 === 3).sort());
        expect(items.map((e) => e.occurredAt)).toEqual(
          items
            .map((e) => e.occurredAt)
            .sort()
            .reverse(),
        );
        expect(items[0]).toMatchObject({ type: 'page_view', country: 'GB' });
        expect(Date.parse(items[0].occurredAt)).toBe(baseHour + 3 * HOUR);
        expect((await timeline('/v1/users/nobody/events')).items).toEqual([]);
      } finally {
        await lake.close();
      }
    } finally {
      await intake.close();
    }
    const rows = await readLake(lakeDir, 'event_id, geo_country, ua_browser, hour, epoch_ms(occurred_at)::double as occurred_ms');
    expect(rows.map((r) => r.event_id).sort()).toEqual([...accepted].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ geo_country: 'GB', ua_browser: 'Chrome' });
      expect(Number(row.hour)).toBe(new Date(row.occurred_ms as number).getUTCHours());
    }
  });
});
