/**
 * Orders two offsets of one partition: Kafka offsets (digits) and Redis Streams offsets (`ms-seq` of an
 * entry, `ms-seq-i` of a record packed in one) compare part by part as numbers, a missing part as 0 (a
 * one-record entry's id is its record's place). They can exceed 2^53 (Kafka offsets are int64), so
 * digits are compared as strings. Offsets of different engines must not meet: see positionOnThisBus.
 */
export function compareOffsets(a: string, b: string): number {
  const x = a.split('-');
  const y = b.split('-');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const order = compareDigits(x[i] ?? '0', y[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
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
