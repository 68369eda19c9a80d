import { Inject, Injectable } from '@nestjs/common';
import { compareOffsets, positionOnThisBus, type BatchContext, type RecordBatch } from '@app/bus';
import { ConsumerGroups } from '@app/contracts';
import { foldEvent, foldScore } from '../folding/fold-profile';
import { emptyProfile, type ProfileState } from '../folding/profile-state';
import { APP_CONFIG } from '@app/platform';
import type { ProfileApiConfig } from '../profile-api.config';
import { ProfileRepository, type ProfileTransaction } from '../profiles/profile.repository';
import { ProfileCache, type CachedProfile } from './profile-cache';
import { streamItemOf, type StreamItem } from './stream-item';

export interface FoldSummary {
  applied: number;
  alreadyApplied: number;
  users: number;
}

/**
 * Folds one partition's batch into profiles, exactly once: in one transaction it reads the last
 * applied offset, skips what is at or below it (a redelivery), folds each user's records in memory,
 * upserts every touched profile in batched statements, and moves the offset. A crash before commit
 * changes nothing; one after it is recognised at the redelivery.
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

  async fold(batch: RecordBatch, kind: StreamItem['kind'], context: BatchContext): Promise<FoldSummary> {
    // Bad records are dead-lettered every time they are read, applied or not: the dead letters are
    // published after this commits, and a crash in between must not lose them.
    const items: Array<{ offset: string; item: StreamItem }> = [];
    for (const record of batch.records) {
      const item = streamItemOf(record, kind);
      if (typeof item === 'string') context.deadLetter(record, item);
      else items.push({ offset: record.offset, item });
    }
    const lastOffset = batch.records[batch.records.length - 1].offset;

    const committed = new Map<string, CachedProfile>();
    const summary = await this.profiles
      .transaction(async (tx) => {
        committed.clear(); // a retried transaction starts over
        // '' when none, or when another bus engine left it (BUS_URL changed): see positionOnThisBus.
        const position = positionOnThisBus((await tx.position(ConsumerGroups.profiles, batch.topic, batch.partition)) || null, lastOffset) ?? '';
        const fresh = position === '' ? items : items.filter(({ offset }) => compareOffsets(offset, position) > 0);
        const byUser = new Map<string, StreamItem[]>();
        for (const { item } of fresh) {
          const list = byUser.get(item.userId);
          if (list) list.push(item);
          else byUser.set(item.userId, [item]);
        }
        const now = new Date();
        for (let users = [...byUser.keys()], cached = true; users.length > 0; cached = false) {
          const stored = cached ? await this.cachedOrLocked(tx, users) : await tx.lockProfiles(users);
          const states: ProfileState[] = [];
          for (const userId of users) {
            let state = stored.get(userId)?.state ?? emptyProfile(userId);
            for (const item of byUser.get(userId) as StreamItem[]) state = item.kind === 'event' ? foldEvent(state, item.event) : foldScore(state, item.score);
            states.push(state);
            committed.set(userId, { state, version: (stored.get(userId)?.version ?? 0) + 1 });
          }
          users = await tx.saveProfiles(states, stored, now);
          for (const userId of users) committed.delete(userId);
        }
        if (position === '' || compareOffsets(lastOffset, position) > 0)
          await tx.savePosition(ConsumerGroups.profiles, batch.topic, batch.partition, lastOffset);
        return { applied: fresh.length, alreadyApplied: items.length - fresh.length, users: byUser.size };
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
