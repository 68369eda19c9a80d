/**
 * Where a row lives in the lake and what a file's name says. A file holds rows of one bus
 * partition with offsets in [first, last], all of one event-time hour:
 *   events/dt=2026-11-23/hour=08/p3_1200_1899.parquet
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

export function lakeFileName({ partition, first, last }: FileRange): string {
  return `p${partition}_${first}_${last}.parquet`;
}

// Offsets are Kafka offsets (digits) or Redis stream ids (digits-digits).
const FILE_NAME = /^p(\d+)_(\d+(?:-\d+)?)_(\d+(?:-\d+)?)\.parquet$/;

/** The range a lake file name holds, or undefined for anything else in the folder. */
export function parseLakeFileName(name: string): FileRange | undefined {
  const match = FILE_NAME.exec(name);
  return match ? { partition: Number(match[1]), first: match[2], last: match[3] } : undefined;
}

/** Orders bus offsets of one partition: Kafka offsets and Redis ids compare part by part, as numbers. */
export function compareOffsets(a: string, b: string): number {
  const [aHigh, aLow = '0'] = a.split('-');
  const [bHigh, bLow = '0'] = b.split('-');
  return compareDigits(aHigh, bHigh) || compareDigits(aLow, bLow);
}

// Offsets can exceed 2^53 (Redis ids are ms-seq, Kafka offsets are int64): compare as digit strings.
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}
