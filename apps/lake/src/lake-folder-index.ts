import { compareOffsets } from '@app/bus';
import { parseLakeFileName, type FileRange } from './lake-path';

/**
 * The offset ranges already written to one hour folder, per partition. Each record belongs to
 * exactly one folder (its event hour), and a file is all-or-nothing (renamed into place), so a
 * record is in the lake exactly when some file of its folder and partition covers its offset,
 * however differently a redelivered batch is cut.
 */
export class LakeFolderIndex {
  private readonly ranges = new Map<number, FileRange[]>();
  /** Highest offset written per partition: new records are above it, so most checks stop here. */
  private readonly highest = new Map<number, string>();

  static fromFileNames(names: string[]): LakeFolderIndex {
    const index = new LakeFolderIndex();
    for (const name of names) for (const range of parseLakeFileName(name) ?? []) index.add(range);
    return index;
  }

  add(range: FileRange): void {
    const list = this.ranges.get(range.partition);
    if (list) list.push(range);
    else this.ranges.set(range.partition, [range]);
    const highest = this.highest.get(range.partition);
    if (highest === undefined || compareOffsets(range.last, highest) > 0) this.highest.set(range.partition, range.last);
  }

  covers(partition: number, offset: string): boolean {
    const highest = this.highest.get(partition);
    if (highest === undefined || compareOffsets(offset, highest) > 0) return false;
    return this.ranges.get(partition)!.some((r) => compareOffsets(r.first, offset) <= 0 && compareOffsets(offset, r.last) <= 0);
  }
}
