/**
 * Where a row lives in the lake and what a file's name says. A file holds rows of one event-time
 * hour from one bus partition, or a few, with offsets in [first, last] of each:
 *   events/dt=2026-11-23/hour=08/p3_1200_1899.parquet
 *   events/dt=2026-11-23/hour=08/p0_1700000000000-0_1700000000500-12__p1_1700000000002-0_1700000000498-3.parquet
 * The offsets in the name are how the sink knows, after a crash, which records are already in.
 */

export const LAKE_TABLE = 'events';

/** `dt=YYYY-MM-DD/hour=HH` of an event time in ms, in UTC (Hive-style partition folders). */
export function hourFolder(eventTimeMs: number): string {
  const iso = new Date(eventTimeMs).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

export interface FileRange {
  partition: number;
  first: string;
  last: string;
}

/**
 * Partitions one file may hold (partitions 0-1, 2-3, ...). Two: a file of four held a whole roll's rows
 * of one hour at once, and the lake's memory at 2,000 events/s went past its 300 MB budget in two runs
 * of seven (bench/results/suite-history.md). Each adds up to ~50 characters to a name, which must stay
 * under 255 bytes.
 */
export const MAX_PARTITIONS_PER_FILE = 2;

export function lakeFileName(ranges: FileRange[]): string {
  return `${ranges.map(({ partition, first, last }) => `p${partition}_${first}_${last}`).join(RANGE_SEPARATOR)}.parquet`;
}

const RANGE_SEPARATOR = '__';
// Offsets are Kafka offsets (digits) or Redis Streams offsets (digits-digits, and -digits for a packed record).
const RANGE = /^p(\d+)_(\d+(?:-\d+){0,2})_(\d+(?:-\d+){0,2})$/;

/** The ranges a lake file name holds, or undefined for anything else in the folder. */
export function parseLakeFileName(name: string): FileRange[] | undefined {
  if (!name.endsWith('.parquet')) return undefined;
  const ranges: FileRange[] = [];
  for (const part of name.slice(0, -'.parquet'.length).split(RANGE_SEPARATOR)) {
    const match = RANGE.exec(part);
    if (!match) return undefined;
    ranges.push({ partition: Number(match[1]), first: match[2], last: match[3] });
  }
  return ranges;
}
