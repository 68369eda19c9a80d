/**
 * Orders two offsets of one partition: Kafka offsets (digits) and Redis Streams offsets (`ms-seq` of an
 * entry, `ms-seq-i` of a record packed in one) compare part by part as numbers, a missing part as 0 (a
 * one-record entry's id is its record's place). They can exceed 2^53 (Kafka offsets are int64), so
 * digits are compared as text, in place: consumers compare every record they are handed, and splitting
 * the offsets into strings was a few % of what scoring and profile-api allocated.
 * Offsets of different engines must not meet: see positionOnThisBus.
 */
export function compareOffsets(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i <= a.length || j <= b.length) {
    const partOfA = partEnd(a, i);
    const partOfB = partEnd(b, j);
    const order = compareDigits(a, i, partOfA, b, j, partOfB);
    if (order !== 0) return order;
    i = partOfA + 1;
    j = partOfB + 1;
  }
  return 0;
}

/** Where the part of `offset` that starts at `from` ends: its next '-' or its end (`from` itself past the end: a missing part). */
function partEnd(offset: string, from: number): number {
  if (from >= offset.length) return Math.max(from, offset.length);
  const dash = offset.indexOf('-', from);
  return dash < 0 ? offset.length : dash;
}

/** Orders the digits a[i..ie) and b[j..je) as numbers; none, or only zeros, is 0. */
function compareDigits(a: string, i: number, ie: number, b: string, j: number, je: number): number {
  while (i < ie && a.charCodeAt(i) === 48) i++;
  while (j < je && b.charCodeAt(j) === 48) j++;
  if (ie - i !== je - j) return ie - i - (je - j);
  for (; i < ie; i++, j++) {
    const order = a.charCodeAt(i) - b.charCodeAt(j);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * A stored position (the last offset whose effects were stored), if it is an offset of the bus the
 * records now come from; null if not. When BUS_URL moves to the other engine and the stores stay
 * (`npm run suite`, then the same on Kafka), a position left by the old bus says nothing about the new
 * topics, and as a number it is far above their offsets (a Redis stream id starts with a time in ms):
 * every record would look applied and be skipped for good. Kafka offsets are digits, Redis stream ids
 * `ms-seq`.
 */
export function positionOnThisBus(position: string | null, recordOffset: string): string | null {
  return position !== null && position.includes('-') === recordOffset.includes('-') ? position : null;
}
