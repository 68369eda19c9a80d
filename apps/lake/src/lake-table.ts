import { Table, type Vector } from 'apache-arrow';
import type { EnrichedEvent } from '@app/contracts';
import { boolColumn, float64Column, int32Column, int64Column, timestampColumn, utf8Column, utf8ListColumn } from './arrow-columns';
import type { FileRange } from './lake-path';

/** One lake row: an enriched event and where it was on the bus (its lineage, and the sink's progress marker). */
export interface LakeRow {
  event: EnrichedEvent;
  occurredAtMs: number;
  partition: number;
  offset: string;
}

type ColumnKind = 'utf8' | 'float64' | 'timestamp' | 'bool' | 'int32' | 'int64' | 'utf8_list';

interface LakeColumn {
  name: string;
  kind: ColumnKind;
  value(row: LakeRow): unknown;
}

const column = (name: string, kind: ColumnKind, value: (row: LakeRow) => unknown): LakeColumn => ({ name, kind, value });

/** The lake schema, in file order (documented in docs/lake.md; a test keeps the two in step). */
export const LAKE_COLUMNS: readonly LakeColumn[] = [
  column('event_id', 'utf8', (r) => r.event.eventId),
  column('type', 'utf8', (r) => r.event.type),
  column('user_id', 'utf8', (r) => r.event.userId),
  column('occurred_at', 'timestamp', (r) => r.occurredAtMs),
  column('received_at', 'timestamp', (r) => Date.parse(r.event.receivedAt)),
  column('source', 'utf8', (r) => r.event.source),
  column('amount', 'float64', (r) => r.event.amount),
  column('currency', 'utf8', (r) => r.event.currency),
  column('merchant_id', 'utf8', (r) => r.event.merchantId),
  column('ip', 'utf8', (r) => r.event.ip),
  column('user_agent', 'utf8', (r) => r.event.userAgent),
  column('device_id', 'utf8', (r) => r.event.deviceId),
  column('session_id', 'utf8', (r) => r.event.sessionId),
  column('properties', 'utf8', (r) => (r.event.properties ? JSON.stringify(r.event.properties) : null)),
  column('geo_country', 'utf8', (r) => r.event.geo?.country),
  column('geo_region', 'utf8', (r) => r.event.geo?.region),
  column('geo_city', 'utf8', (r) => r.event.geo?.city),
  column('geo_latitude', 'float64', (r) => r.event.geo?.latitude),
  column('geo_longitude', 'float64', (r) => r.event.geo?.longitude),
  column('ua_browser', 'utf8', (r) => r.event.ua?.browser),
  column('ua_browser_version', 'utf8', (r) => r.event.ua?.browserVersion),
  column('ua_os', 'utf8', (r) => r.event.ua?.os),
  column('ua_os_version', 'utf8', (r) => r.event.ua?.osVersion),
  column('ua_device_type', 'utf8', (r) => r.event.ua?.deviceType),
  column('ua_is_bot', 'bool', (r) => r.event.ua?.isBot),
  column('merchant_category', 'utf8', (r) => r.event.merchant?.category),
  column('merchant_risk_tier', 'utf8', (r) => r.event.merchant?.riskTier),
  column('flags', 'utf8_list', (r) => r.event.flags ?? []),
  column('bus_partition', 'int32', (r) => r.partition),
  column('bus_offset', 'utf8', (r) => r.offset),
  // Columns are only ever added, and at the end: files written before lack them (docs/lake.md, "Reading").
  column('asn_number', 'int64', (r) => r.event.asn?.number),
  column('asn_organization', 'utf8', (r) => r.event.asn?.organization),
];

const BUILD: Record<ColumnKind, (values: never[]) => Vector> = {
  utf8: utf8Column,
  float64: float64Column,
  timestamp: timestampColumn,
  bool: boolColumn,
  int32: int32Column,
  int64: int64Column,
  utf8_list: utf8ListColumn,
};

/**
 * Columns whose values are all but distinct within a file: ids, bus positions, instants to the
 * millisecond. A dictionary there holds each value once more beside its index, so the writer keeps
 * them plain (docs/lake.md, "How a file is made").
 */
export const DISTINCT_VALUE_COLUMNS: readonly string[] = ['event_id', 'bus_offset', 'occurred_at', 'received_at'];

const EVENT_ID_COLUMN = LAKE_COLUMNS.findIndex((c) => c.name === 'event_id');

/** Gathers rows column by column (the events themselves need not stay in memory) and makes an Arrow table. */
export class LakeTableBuilder {
  private readonly values: unknown[][] = LAKE_COLUMNS.map(() => []);
  private readonly rowPartitions: number[] = [];
  private readonly byPartition = new Map<number, FileRange>();

  get rowCount(): number {
    return this.values[0].length;
  }

  get eventIds(): string[] {
    return this.values[EVENT_ID_COLUMN] as string[];
  }

  /** The partition each row came from, in row order. */
  get partitions(): number[] {
    return this.rowPartitions;
  }

  /** The offsets of each partition the rows span: what the file's name says it holds. */
  get ranges(): FileRange[] {
    return [...this.byPartition.values()];
  }

  /** Each partition's rows must come in offset order (they do: a partition's batch, in order). */
  append(row: LakeRow): void {
    for (let i = 0; i < LAKE_COLUMNS.length; i++) this.values[i].push(LAKE_COLUMNS[i].value(row) ?? null);
    this.rowPartitions.push(row.partition);
    const range = this.byPartition.get(row.partition);
    if (range) range.last = row.offset;
    else this.byPartition.set(row.partition, { partition: row.partition, first: row.offset, last: row.offset });
  }

  build(): Table {
    const columns: Record<string, Vector> = {};
    LAKE_COLUMNS.forEach((col, i) => (columns[col.name] = BUILD[col.kind](this.values[i] as never[])));
    return new Table(columns);
  }
}
