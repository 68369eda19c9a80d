import { Inject, Injectable } from '@nestjs/common';
import { compareOffsets, positionOnThisBus, type BatchContext, type RecordBatch } from '@app/bus';
import { ConsumerGroups } from '@app/contracts';
import { foldEvent, foldScore } from '../folding/fold-profile';
import { emptyProfile, type ProfileState } from '../folding/profile-state';
import { APP_CONFIG } from '@app/platform';
import type { ProfileApiConfig } from '../profile-api.config';
import { ProfileRepository, positionKey, type ProfileTransaction } from '../profiles/profile.repository';
import { ProfileCache, type CachedProfile } from './profile-cache';
import { streamItemOf, type StreamItem } from './stream-item';

export interface FoldSummary {
  applied: number;
  alreadyApplied: number;
  users: number;
}

/**
 * Folds batches of `scores` (one partition's, or several partitions' at once) into profiles, exactly
 * once: in one transaction it reads the last applied offset of each partition, skips what is at or
 * below it (a redelivery), folds each user's records in memory (a Score is its event and its score: one
 * row write for both), upserts every touched profile in batched statements, and moves the offsets. A
 * crash before commit changes nothing; one after it is recognised at the redelivery.
 * Users folded lately come from the cache rather than Postgres: the upsert writes a row only at the
 * version it was read at, so a cached profile another member changed since is refused, read again
 * and folded again (as a profile another member created meanwhile always was).
 */
@Injectable()
export class FoldBatchService {
  private readonly cache: ProfileCache;

  constructor(
    private readonly profiles: ProfileRepository,
    @Inject(APP_CONFIG) config: ProfileApiConfig,
  ) {
    this.cache = new ProfileCache(config.PROFILE_CACHE_USERS);
  }

  async fold(batches: RecordBatch[], context: BatchContext): Promise<FoldSummary> {
    // Bad records are dead-lettered every time they are read, applied or not: the dead letters are
    // published after this commits, and a crash in between must not lose them.
    const parts = batches.map((batch) => {
      const items: Array<{ offset: string; item: StreamItem }> = [];
      for (const record of batch.records) {
        const item = streamItemOf(record);
        if (typeof item === 'string') context.deadLetter(record, item);
        else items.push({ offset: record.offset, item });
      }
      return { topic: batch.topic, partition: batch.partition, items, lastOffset: batch.records[batch.records.length - 1].offset };
    });

    const committed = new Map<string, CachedProfile>();
    const summary = await this.profiles
      .transaction(async (tx) => {
        committed.clear(); // a retried transaction starts over
        const stored = await tx.positions(ConsumerGroups.profiles, parts);
        const byUser = new Map<string, StreamItem[]>();
        const moved: Array<(typeof parts)[number]> = [];
        let applied = 0;
        for (const part of parts) {
          // '' when none, or when another bus engine left it (BUS_URL changed): see positionOnThisBus.
          const position = positionOnThisBus(stored.get(positionKey(part)) || null, part.lastOffset) ?? '';
          const fresh = position === '' ? part.items : part.items.filter(({ offset }) => compareOffsets(offset, position) > 0);
          for (const { item } of fresh) {
            const list = byUser.get(item.userId);
            if (list) list.push(item);
            else byUser.set(item.userId, [item]);
          }
          applied += fresh.length;
          if (position === '' || compareOffsets(part.lastOffset, position) > 0) moved.push(part);
        }
        const now = new Date();
        for (let users = [...byUser.keys()], cached = true; users.length > 0; cached = false) {
          const read = cached ? await this.cachedOrLocked(tx, users) : await tx.lockProfiles(users);
          const states: ProfileState[] = [];
          for (const userId of users) {
            let state = read.get(userId)?.state ?? emptyProfile(userId);
            for (const item of byUser.get(userId) as StreamItem[]) state = foldScore(item.event ? foldEvent(state, item.event) : state, item.score);
            states.push(state);
            committed.set(userId, { state, version: (read.get(userId)?.version ?? 0) + 1 });
          }
          users = await tx.saveProfiles(states, read, now);
          for (const userId of users) committed.delete(userId);
        }
        await tx.savePositions(ConsumerGroups.profiles, moved, now);
        const records = parts.reduce((sum, part) => sum + part.items.length, 0);
        return { applied, alreadyApplied: records - applied, users: byUser.size };
      })
      .catch((error: unknown) => {
        // Whatever this batch read may be stale now (a conflict, a lost commit): read it from Postgres next time.
        for (const userId of committed.keys()) this.cache.forget(userId);
        throw error;
      });
    for (const [userId, profile] of committed) this.cache.put(userId, profile);
    return summary;
  }

  /** The users' profiles from the cache, and those it lacks from Postgres (locked). */
  private async cachedOrLocked(tx: ProfileTransaction, users: string[]): Promise<Map<string, CachedProfile>> {
    const found = new Map<string, CachedProfile>();
    const missing: string[] = [];
    for (const userId of users) {
      const cached = this.cache.get(userId);
      if (cached) found.set(userId, cached);
      else missing.push(userId);
    }
    for (const [userId, profile] of await tx.lockProfiles(missing)) found.set(userId, profile);
    return found;
  }
}
