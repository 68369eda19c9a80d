/**
 * One tier's buckets of an entity, oldest first, as rows `[bucket, ...measures]` in one flat array.
 * A Map of bucket → measures array held ~110 bytes of heap a bucket; a row here takes 8 per number
 * (40 for a user's four measures), and the windows that read it end at the newest bucket, so a sum
 * walks back over the window's rows alone. Events come nearly in time order: a new bucket is found
 * from the end.
 */
export class BucketSeries implements Iterable<[number, number[]]> {
  private rows: number[] = [];
  private readonly stride: number;

  constructor(readonly width: number) {
    this.stride = width + 1;
  }

  /** Buckets held. */
  get size(): number {
    return this.rows.length / this.stride;
  }

  /** Where `bucket`'s measures start (for increment), the bucket added with every measure 0 if absent. */
  slot(bucket: number): number {
    const { rows, stride } = this;
    let at = rows.length;
    while (at > 0 && rows[at - stride] > bucket) at -= stride;
    if (at > 0 && rows[at - stride] === bucket) return at - stride + 1;
    if (at === rows.length) {
      rows.push(bucket);
      for (let m = 0; m < this.width; m++) rows.push(0);
    } else {
      const row = new Array<number>(stride).fill(0);
      row[0] = bucket;
      rows.splice(at, 0, ...row);
    }
    return at + 1;
  }

  increment(slot: number, measure: number, amount: number): void {
    this.rows[slot + measure] += amount;
  }

  /** Sum of `measure` over the buckets first..last. */
  sum(first: number, last: number, measure: number): number {
    const { rows, stride } = this;
    let total = 0;
    for (let at = rows.length - stride; at >= 0; at -= stride) {
      const bucket = rows[at];
      if (bucket < first) break;
      if (bucket <= last) total += rows[at + 1 + measure];
    }
    return total;
  }

  /** Drops the buckets up to and including `oldest`. */
  dropThrough(oldest: number): void {
    let end = 0;
    while (end < this.rows.length && this.rows[end] <= oldest) end += this.stride;
    if (end > 0) this.rows.splice(0, end);
  }

  has(bucket: number): boolean {
    return this.get(bucket) !== undefined;
  }

  /** A copy of `bucket`'s measures. */
  get(bucket: number): number[] | undefined {
    for (let at = this.rows.length - this.stride; at >= 0; at -= this.stride) {
      if (this.rows[at] === bucket) return this.rows.slice(at + 1, at + this.stride);
      if (this.rows[at] < bucket) return undefined;
    }
    return undefined;
  }

  /** The rows as stored, `bucket, ...measures` after one another (a snapshot's form): not to be changed. */
  flat(): readonly number[] {
    return this.rows;
  }

  *[Symbol.iterator](): Iterator<[number, number[]]> {
    for (let at = 0; at < this.rows.length; at += this.stride) yield [this.rows[at], this.rows.slice(at + 1, at + this.stride)];
  }
}
