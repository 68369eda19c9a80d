import type { BusRecord, RecordBatch } from '@app/bus';
import { enrichedEvent, scoreOf, uniqueName } from '@app/testing';
import { ProfileRepository } from '../src/profiles/profile.repository';
import { FoldBatchService } from '../src/stream/fold-batch.service';
import { foldingApp } from './support/folding-app';

/**
 * Several partitions folded in one transaction (what a gathering Redis Streams read hands over,
 * ConsumeOptions.handleTogether): each partition's position moves on its own, and a redelivery of any
 * of them changes nothing.
 */
describe('profile folding of several partitions at once', () => {
  const { booted: app } = foldingApp('fold-together');

  const record = (topic: string, partition: number, offset: string, userId: string, value: unknown): BusRecord => ({
    topic,
    partition,
    offset,
    key: userId,
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    timestamp: 0,
  });
  const batchOf = (records: BusRecord[]): RecordBatch => ({ topic: records[0].topic, partition: records[0].partition, records, newlyAssigned: false });

  it('applies each record once and moves every partition', async () => {
    const [ann, bob, cem] = [uniqueName('ann'), uniqueName('bob'), uniqueName('cem')];
    const topic = uniqueName('scores');
    const at = '2026-11-23T10:00:00Z';
    const scored = (userId: string, n: number, score: number) =>
      scoreOf(enrichedEvent({ eventId: `${userId}-${n}`, userId, occurredAt: at, type: 'transaction', amount: 10 }), { score });
    const batches = [
      batchOf([record(topic, 0, '1-0', ann, scored(ann, 1, 0.2)), record(topic, 0, '2-0', ann, 'not json')]),
      batchOf([record(topic, 1, '1-0', bob, scored(bob, 1, 0.8))]),
      batchOf([record(topic, 2, '1-0', cem, scored(cem, 1, 0.5))]),
    ];
    const folding = app().app.get(FoldBatchService);
    const deadLetters: string[] = [];
    const context = { deadLetter: (r: BusRecord) => void deadLetters.push(`${r.topic}/${r.partition}/${r.offset}`) };

    expect(await folding.fold(batches, context)).toEqual({ applied: 3, alreadyApplied: 0, users: 3 });
    expect(deadLetters).toEqual([`${topic}/0/2-0`]);
    // Delivered again, with one new record behind one partition's: only that one is applied.
    const again = batches.map((batch, i) => (i === 1 ? batchOf([...batch.records, record(topic, 1, '3-0', bob, scored(bob, 2, 0.7))]) : batch));
    expect(await folding.fold(again, context)).toEqual({ applied: 1, alreadyApplied: 3, users: 1 });

    const profiles = app().app.get(ProfileRepository);
    const [annProfile, bobProfile] = [await profiles.findOne(ann), await profiles.findOne(bob)];
    expect([annProfile?.state.eventCount, annProfile?.state.lastRiskScore, annProfile?.version]).toEqual([1, 0.2, 1]);
    expect([bobProfile?.state.eventCount, bobProfile?.state.totalAmount, bobProfile?.state.lastRiskScore, bobProfile?.version]).toEqual([2, 20, 0.7, 2]);
  });
});
