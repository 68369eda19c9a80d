import { Bool, Field, Float64, Int32, Int64, List, TimestampMillisecond, Utf8, makeData, makeVector, type Vector } from 'apache-arrow';

/**
 * Arrow vectors straight from JS arrays into typed buffers. apache-arrow's vectorFromArray goes
 * through generic builders at ~15 µs per row for our 30 columns; this is ~3 µs (measured on 20k rows).
 * `null` and `undefined` are nulls.
 */

type Nullable<T> = T | null | undefined;

function validity(values: ArrayLike<unknown>): { nullBitmap?: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] == null) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount === 0 ? { nullCount } : { nullBitmap: bitmap, nullCount };
}

function utf8Data(values: ArrayLike<Nullable<string>>) {
  const valueOffsets = new Int32Array(values.length + 1);
  const parts: string[] = [];
  let bytes = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value != null) {
      parts.push(value);
      bytes += Buffer.byteLength(value);
    }
    valueOffsets[i + 1] = bytes;
  }
  // One encode of the joined text: the offsets above are in UTF-8 bytes, so they line up.
  const data = Buffer.from(parts.join(''), 'utf8');
  return makeData({ type: new Utf8(), length: values.length, ...validity(values), valueOffsets, data });
}

export function utf8Column(values: Nullable<string>[]): Vector {
  return makeVector(utf8Data(values));
}

export function float64Column(values: Nullable<number>[]): Vector {
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i] ?? 0;
  return makeVector(makeData({ type: new Float64(), length: values.length, ...validity(values), data }));
}

export function int32Column(values: number[]): Vector {
  return makeVector(makeData({ type: new Int32(), length: values.length, nullCount: 0, data: Int32Array.from(values) }));
}

/** Whole numbers beyond int32 (an autonomous system number is unsigned 32-bit). */
export function int64Column(values: Nullable<number>[]): Vector {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i] ?? 0);
  return makeVector(makeData({ type: new Int64(), length: values.length, ...validity(values), data }));
}

/** Instants in ms since the epoch, marked UTC so readers show them as instants (TIMESTAMP WITH TIME ZONE). */
export function timestampColumn(values: Nullable<number>[]): Vector {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i] ?? 0);
  return makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: values.length, ...validity(values), data }));
}

export function boolColumn(values: Nullable<boolean>[]): Vector {
  const data = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i]) data[i >> 3] |= 1 << (i & 7);
  return makeVector(makeData({ type: new Bool(), length: values.length, ...validity(values), data }));
}

/** A list of strings per row (never null; an empty list is an empty list). */
export function utf8ListColumn(values: string[][]): Vector {
  const valueOffsets = new Int32Array(values.length + 1);
  const items: string[] = [];
  for (let i = 0; i < values.length; i++) {
    items.push(...values[i]);
    valueOffsets[i + 1] = items.length;
  }
  const type = new List(new Field('item', new Utf8(), false));
  return makeVector(makeData({ type, length: values.length, nullCount: 0, valueOffsets, child: utf8Data(items) }));
}
