/**
 * Orders two offsets of one partition: Kafka offsets (digits) and Redis stream ids (ms-seq) compare
 * part by part as numbers. They can exceed 2^53 (Kafka offsets are int64), so digits are compared
 * as strings. Offsets of different engines never meet: a consumer reads one bus.
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
