import type { FeatureEvent } from './feature-event';
import { asEventIdHashes } from '@app/contracts';
import type { UserState } from './user-state';

/** Measures per bucket: events, transactions, transaction cents, logins (UserMeasure). */
export const MEASURES = 4;
export type ValueKind = 'c' | 'v' | 'i';
export const KINDS: readonly ValueKind[] = ['c', 'v', 'i'];
export type Located = [time: number, latitude: number, longitude: number];

/** What applying an event to a user's state reads of it: all a log line keeps. */
export type LoggedEvent = Pick<FeatureEvent, 'eventId' | 'type' | 'time' | 'amount' | 'latitude' | 'longitude' | 'country' | 'deviceId' | 'ip'>;

/** `x`: an event only remembered by id (a chargeback: a label, not the user's activity). */
const TYPE_CODES: Record<string, string> = { transaction: 't', login: 'l', chargeback: 'x' };
const TYPES_BY_CODE: Record<string, string> = { t: 'transaction', l: 'login', x: 'chargeback', o: 'other' };

/** One event as a JSON line: [time, type code, amount, latitude, longitude, country, device, ip, event id]. */
export function eventLine(e: LoggedEvent): string {
  return JSON.stringify([e.time, TYPE_CODES[e.type] ?? 'o', e.amount, e.latitude, e.longitude, e.country, e.deviceId, e.ip, e.eventId]);
}

export function parseEventLine(line: string): LoggedEvent {
  const [time, code, amount, latitude, longitude, country, deviceId, ip, eventId] = JSON.parse(line) as [
    number,
    string,
    number,
    number | null,
    number | null,
    string | null,
    string | null,
    string | null,
    string,
  ];
  return { eventId, time, type: TYPES_BY_CODE[code], amount, latitude, longitude, country, deviceId, ip };
}

/**
 * The snapshot layout this code writes: ["v2", measures per bucket, watermark, per tier [bucket,
 * ...measures, bucket, ...], prev, located, per kind {value: times}, recent event id hashes].
 * Version 1 is the same without its first two items, with 4 measures, and may hold the recent ids
 * themselves (hashed on reading). Stored state outlives deployments: every older version stays readable.
 */
export const SNAPSHOT_VERSION = 'v2';
type Body = [number | null, number[][], number[], Located[], Array<Record<string, number[]>>, Array<number | string>?];
type Snapshot = [typeof SNAPSHOT_VERSION, number, ...Body] | Body;
const VERSION_1_MEASURES = 4;

/** Thrown for a snapshot a newer release wrote: reading it as this one would misread the state. */
export class UnknownSnapshotVersionError extends Error {}

/** The whole state as one JSON line (never holds a newline: the log's separator). */
export function encodeSnapshot(state: UserState): string {
  // Written by hand: JSON.stringify of the same shape built as arrays and objects costs twice as much.
  let text = `["${SNAPSHOT_VERSION}",${MEASURES},${Number.isFinite(state.watermark) ? state.watermark : 'null'},[`;
  state.buckets.forEach((series, tier) => {
    text += `${tier === 0 ? '[' : '],['}${series.flat().join(',')}`;
  });
  text += `]],[${state.prev.join(',')}],[${state.located.map((l) => `[${l.join(',')}]`).join(',')}],[`;
  KINDS.forEach((kind, k) => {
    let first = true;
    text += k === 0 ? '{' : '},{';
    for (const [value, times] of state.values[kind]) {
      text += `${first ? '' : ','}${JSON.stringify(value)}:[${times.join(',')}]`;
      first = false;
    }
  });
  return `${text}}],[${state.recentEventHashes.join(',')}]]`;
}

export function readSnapshot(text: string, state: UserState): void {
  const snapshot = JSON.parse(text) as Snapshot;
  let measures = VERSION_1_MEASURES;
  let body = snapshot as Body;
  if (typeof snapshot[0] === 'string') {
    if (snapshot[0] !== SNAPSHOT_VERSION)
      throw new UnknownSnapshotVersionError(`user state snapshot version ${snapshot[0]} is newer than this release reads (${SNAPSHOT_VERSION})`);
    measures = snapshot[1] as number;
    body = snapshot.slice(2) as Body;
  }
  const [watermark, buckets, prev, located, values, recent = []] = body;
  state.recentEventHashes = asEventIdHashes(recent);
  state.watermark = watermark ?? Number.NEGATIVE_INFINITY; // JSON has no -Infinity
  buckets.forEach((flat, tier) => {
    const series = state.buckets[tier];
    // A bucket comes in with every measure 0, so one added since the snapshot was written stays 0. Snapshots
    // written from maps of buckets may hold them out of order: slot() puts each in its place.
    for (let i = 0; i < flat.length; i += 1 + measures) {
      const slot = series.slot(flat[i]);
      for (let m = 0; m < Math.min(measures, MEASURES); m++) series.increment(slot, m, flat[i + 1 + m]);
    }
  });
  state.prev = prev;
  state.located = located;
  KINDS.forEach((kind, k) => {
    for (const value in values[k]) state.values[kind].set(value, values[k][value]);
  });
}
