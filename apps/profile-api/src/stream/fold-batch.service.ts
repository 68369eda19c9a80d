import { Injectable } from '@nestjs/common';
import { compareOffsets, positionOnThisBus, type BatchContext, type RecordBatch } from '@app/bus';
import { foldEvent, foldScore } from '../folding/fold-profile';
import { emptyProfile, type ProfileState } from '../folding/profile-state';
import { ProfileRepository } from '../profiles/profile.repository';
import { parseStreamRecord, type StreamItem } from './stream-record.parser';

export const PROFILE_GROUP = 'profile-api';

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
 */
@Injectable()
export class FoldBatchService {
  constructor(private readonly profiles: ProfileRepository) {}

  async fold(batch: RecordBatch, kind: StreamItem['kind'], context: BatchContext): Promise<FoldSummary> {
    // Bad records are dead-lettered every time they are read, applied or not: the dead letters are
    // published after this commits, and a crash in between must not lose them.
    const items: Array<{ offset: string; item: StreamItem }> = [];
    for (const record of batch.records) {
      const item = parseStreamRecord(record, kind);
      if (typeof item === 'string') context.deadLetter(record, item);
      else items.push({ offset: record.offset, item });
    }
    const lastOffset = batch.records[batch.records.length - 1].offset;

    return this.profiles.transaction(async (tx) => {
      // '' when none, or when another bus engine left it (BUS_URL changed): see positionOnThisBus.
      const position = positionOnThisBus((await tx.position(PROFILE_GROUP, batch.topic, batch.partition)) || null, lastOffset) ?? '';
      const fresh = position === '' ? items : items.filter(({ offset }) => compareOffsets(offset, position) > 0);
      const byUser = new Map<string, StreamItem[]>();
      for (const { item } of fresh) {
        const list = byUser.get(item.userId);
        if (list) list.push(item);
        else byUser.set(item.userId, [item]);
      }
      const now = new Date();
      // Users whose profile another member created meanwhile are folded again onto it (saveProfiles).
      for (let users = [...byUser.keys()]; users.length > 0; ) {
        const stored = await tx.lockProfiles(users);
        const states: ProfileState[] = [];
        for (const userId of users) {
          let state = stored.get(userId)?.state ?? emptyProfile(userId);
          for (const item of byUser.get(userId) as StreamItem[]) state = item.kind === 'event' ? foldEvent(state, item.event) : foldScore(state, item.score);
          states.push(state);
        }
        users = await tx.saveProfiles(states, stored, now);
      }
      if (position === '' || compareOffsets(lastOffset, position) > 0) await tx.savePosition(PROFILE_GROUP, batch.topic, batch.partition, lastOffset);
      return { applied: fresh.length, alreadyApplied: items.length - fresh.length, users: byUser.size };
    });
  }
}
