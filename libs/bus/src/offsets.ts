/**
 * Orders two offsets of one partition: Kafka offsets (digits) and Redis stream ids (ms-seq) compare
 * part by part as numbers. They can exceed 2^53 (Kafka offsets are int64), so digits are compared
 * as strings. Offsets of different engines must not meet: see positionOnThisBus.
 */
export function compareOffsets(a: string, b: string): number {
  const [aHigh, aLow = '0'] = a.split('-');
  const [bHigh, bLow = '0'] = b.split('-');
  return compareDigits(aHigh, bHigh) || compareDigits(aLow, bLow);
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
