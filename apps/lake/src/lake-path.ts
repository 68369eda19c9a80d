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

// Offsets are Kafka offsets (digits) or Redis Streams offsets (digits-digits, and -digits for a packed record).
const FILE_NAME = /^p(\d+)_(\d+(?:-\d+){0,2})_(\d+(?:-\d+){0,2})\.parquet$/;

/** The range a lake file name holds, or undefined for anything else in the folder. */
export function parseLakeFileName(name: string): FileRange | undefined {
  const match = FILE_NAME.exec(name);
  return match ? { partition: Number(match[1]), first: match[2], last: match[3] } : undefined;
}
