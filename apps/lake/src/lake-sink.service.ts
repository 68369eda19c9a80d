import { Injectable } from '@nestjs/common';
import { lru, type LRU } from 'tiny-lru';
import { Counter } from 'prom-client';
import { TransientError, describeError, type BatchContext, type BusRecord, type RecordBatch } from '@app/bus';
import { enrichedEventCodec, RecentWindow } from '@app/contracts';
import { LakeFilesRepository } from './lake-files.repository';
import { LakeFolderIndex } from './lake-folder-index';
import { LAKE_TABLE, MAX_PARTITIONS_PER_FILE, hourFolder, lakeFileName } from './lake-path';
import { DISTINCT_VALUE_COLUMNS, LakeTableBuilder, type LakeRow } from './lake-table';
import { encodeParquet } from './parquet.encoder';

const lakeMetrics = {
  rows: new Counter({ name: 'lake_rows_written_total', help: 'Enriched events written to the lake' }),
  files: new Counter({ name: 'lake_files_written_total', help: 'Parquet files written to the lake' }),
  bytes: new Counter({ name: 'lake_bytes_written_total', help: 'Bytes of Parquet written to the lake' }),
  skipped: new Counter({ name: 'lake_rows_already_written_total', help: 'Redelivered events found already in the lake and skipped' }),
};

/** Hour folders whose file index stays in memory; an evicted one is re-read from disk when needed. */
const CACHED_FOLDERS = 512;
const HOUR_MS = 3_600_000;
const RECENT_IDS_PER_PARTITION = 50_000;

export interface LakeWriteSummary {
  rows: number;
  files: number;
  /** Parquet bytes written. */
  bytes: number;
  skipped: number;
}

/**
 * Lands batches of enriched events in the lake: one partition's, or a roll's several partitions at once
 * (the bus's handleTogether), as a Parquet file per event-time hour (per MAX_PARTITIONS_PER_FILE
 * partitions), each written atomically. Records already in the lake (a batch redelivered after a crash
 * between the rename and the offset commit, or after a call of several partitions that failed half-way)
 * are skipped, so every event is written exactly once.
 */
@Injectable()
export class LakeSinkService {
  private readonly indexes: LRU<LakeFolderIndex> = lru(CACHED_FOLDERS);
  private readonly recentIds = new Map<number, RecentWindow<string>>();

  constructor(private readonly files: LakeFilesRepository) {}

  /** `filesAtOnce`: how many of the call's files may be written at the same time (their fsyncs overlap). */
  async write(batches: RecordBatch[], context: BatchContext, filesAtOnce = 1): Promise<LakeWriteSummary> {
    // Another sink may have written files of these partitions since the folders were listed here (it
    // held a partition, wrote, and died before committing): list them again.
    if (batches.some((batch) => batch.newlyAssigned)) this.indexes.clear();
    // A group's files are written before the next group is read: what one call holds is a group's rows.
    const groups = new Map<number, RecordBatch[]>();
    for (const batch of batches) {
      const group = Math.floor(batch.partition / MAX_PARTITIONS_PER_FILE);
      const members = groups.get(group);
      if (members) members.push(batch);
      else groups.set(group, [batch]);
    }
    const summary: LakeWriteSummary = { rows: 0, files: 0, bytes: 0, skipped: 0 };
    for (const members of groups.values()) {
      const written = await this.writeFiles(members, context, filesAtOnce);
      for (const key of Object.keys(summary) as Array<keyof LakeWriteSummary>) summary[key] += written[key];
    }
    lakeMetrics.bytes.inc(summary.bytes);
    lakeMetrics.rows.inc(summary.rows);
    lakeMetrics.files.inc(summary.files);
    lakeMetrics.skipped.inc(summary.skipped);
    return summary;
  }

  /** Batches of partitions that share files (one group of MAX_PARTITIONS_PER_FILE): a file per event-time hour. */
  private async writeFiles(batches: RecordBatch[], context: BatchContext, filesAtOnce: number): Promise<LakeWriteSummary> {
    const byFolder = new Map<string, LakeTableBuilder>();
    const folderOfHour = new Map<number, string>(); // formatting a date per row costs more than the rest of the routing
    let skipped = 0;
    const inBatch = new Set<string>();
    for (const record of batches.length === 1 ? batches[0].records : batches.flatMap((batch) => batch.records)) {
      const row = toLakeRow(record);
      if (typeof row === 'string') {
        context.deadLetter(record, row);
        continue;
      }
      const hour = Math.floor(row.occurredAtMs / HOUR_MS);
      let folder = folderOfHour.get(hour);
      if (folder === undefined) folderOfHour.set(hour, (folder = `${LAKE_TABLE}/${hourFolder(row.occurredAtMs)}`));
      const index = this.indexes.get(folder) ?? (await this.loadIndex(folder));
      if (index.covers(record.partition, record.offset) || this.recentlyWritten(record.partition, row.event.eventId) || inBatch.has(row.event.eventId)) {
        skipped++;
        continue;
      }
      inBatch.add(row.event.eventId);
      let builder = byFolder.get(folder);
      if (!builder) byFolder.set(folder, (builder = new LakeTableBuilder()));
      builder.append(row);
    }

    let rows = 0;
    let bytesWritten = 0;
    // Encoded first, so that the writes' steps find this thread free between their fsyncs. Each file is
    // indexed once it is in place, and one that fails does not stop the others: the roll, handed over
    // again, writes only what is missing.
    const writes = [...byFolder].map(([folder, builder]) => {
      const bytes = encodeParquet(builder.build(), DISTINCT_VALUE_COLUMNS);
      rows += builder.rowCount;
      bytesWritten += bytes.length;
      return () => this.writeFile(folder, builder, bytes);
    });
    await inTurns(writes, filesAtOnce);
    return { rows, files: byFolder.size, bytes: bytesWritten, skipped };
  }

  private async writeFile(folder: string, builder: LakeTableBuilder, bytes: Uint8Array): Promise<void> {
    const ranges = builder.ranges;
    await this.files.writeAtomically(folder, lakeFileName(ranges), bytes).catch(storageTrouble);
    const index = this.indexes.get(folder) ?? (await this.loadIndex(folder));
    for (const range of ranges) index.add(range);
    const partitions = builder.partitions;
    builder.eventIds.forEach((id, i) => this.remember(partitions[i], id));
  }

  /**
   * A copy of an event ingest published twice (it crashed between publishing and answering, and the
   * client sent again) has a new offset but the same id, and comes soon after: the latest ids written
   * per partition are remembered to skip it. Only in memory: a copy arriving across a restart of this
   * sink is written again (docs/lake.md). A RecentWindow, where the small windows kept in stored state use
   * rememberRecent's arrays: 50,000 ids per partition are too many to search one by one.
   */
  private recentlyWritten(partition: number, eventId: string): boolean {
    return this.recentIds.get(partition)?.has(eventId) ?? false;
  }

  private remember(partition: number, eventId: string): void {
    let ids = this.recentIds.get(partition);
    if (!ids) this.recentIds.set(partition, (ids = new RecentWindow(RECENT_IDS_PER_PARTITION)));
    ids.add(eventId);
  }

  private async loadIndex(folder: string): Promise<LakeFolderIndex> {
    const index = LakeFolderIndex.fromFileNames(await this.files.list(folder).catch(storageTrouble));
    this.indexes.set(folder, index);
    return index;
  }
}

/**
 * A full disk or a missing permission is the lake's trouble, not the events': retried until it is
 * fixed (the partition waits, nothing is committed), never dead-lettered as if the records were bad.
 */
function storageTrouble(error: unknown): never {
  throw new TransientError(`lake storage failed: ${describeError(error)}`, { cause: error });
}

/** Runs every task, `width` at a time; rethrows the first failure once all have run. */
async function inTurns(tasks: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const turn = async () => {
    while (next < tasks.length) await tasks[next++]().catch((error: unknown) => void (failure ??= { error }));
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, turn));
  if (failure) throw (failure as { error: unknown }).error;
}

/** The lake row of a bus record, or why it cannot be one. */
function toLakeRow(record: BusRecord): LakeRow | string {
  const event = enrichedEventCodec.decode(record.value);
  if (typeof event === 'string') return event;
  return { event, occurredAtMs: Date.parse(event.occurredAt), partition: record.partition, offset: record.offset };
}
