import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DISTINCT_VALUE_COLUMNS, LAKE_COLUMNS, LakeTableBuilder } from './lake-table';
import { encodeParquet } from './parquet.encoder';

/** Each column's encodings in a Parquet file, as DuckDB (a reader independent of the writer) reads them. */
async function encodingsOf(file: string): Promise<Map<string, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`select path_in_schema, encodings from parquet_metadata('${file}')`);
    return new Map(reader.getRowObjectsJS().map((row) => [String(row.path_in_schema), String(row.encodings)]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('the Parquet encoding of lake files', () => {
  it('keeps the columns of all but distinct values plain, and the rest dictionary-encoded', async () => {
    const builder = new LakeTableBuilder();
    for (let n = 0; n < 200; n++) {
      const occurredAt = new Date(Date.UTC(2026, 11, 7, 8) + n * 1_000).toISOString();
      builder.append({
        event: {
          eventId: `e-${n}`,
          type: 'page_view',
          userId: `u-${n % 7}`,
          occurredAt,
          receivedAt: occurredAt,
          source: 'http',
          geo: null,
          ua: null,
          merchant: null,
          flags: [],
        },
        occurredAtMs: Date.parse(occurredAt),
        partition: 0,
        offset: `1765000000000-${n}-0`,
      });
    }
    const dir = await mkdtemp(join(tmpdir(), 'parquet-encoding-'));
    try {
      const file = join(dir, 'p0.parquet');
      await writeFile(file, encodeParquet(builder.build(), DISTINCT_VALUE_COLUMNS));
      const encodings = await encodingsOf(file);
      for (const column of DISTINCT_VALUE_COLUMNS) expect(encodings.get(column)).not.toMatch(/DICTIONARY/);
      expect(encodings.get('user_id')).toMatch(/DICTIONARY/);
      expect(encodings.get('type')).toMatch(/DICTIONARY/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names only columns the lake has', () => {
    const names = new Set(LAKE_COLUMNS.map((c) => c.name));
    expect(DISTINCT_VALUE_COLUMNS.filter((name) => !names.has(name))).toEqual([]);
  });
});
