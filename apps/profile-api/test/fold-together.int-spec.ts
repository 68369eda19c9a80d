import type { BusRecord, RecordBatch } from '@app/bus';
import { loadConfig } from '@app/platform';
import { bootApp, createOwnDatabase, enrichedEvent, eventually, score as scoreOf, uniqueName, type BootedApp } from '@app/testing';
import { profileApiEnv } from '../src/profile-api.config';
import { ProfileApiModule } from '../src/profile-api.module';
import { ProfileRepository } from '../src/profiles/profile.repository';
import { FoldBatchService, type FoldInput } from '../src/stream/fold-batch.service';

/**
 * Several partitions of both topics folded in one transaction (what a gathering Redis Streams read hands
 * over, ConsumeOptions.handleTogether): each partition's position moves on its own, a redelivery of any
 * of them changes nothing, and a user's event and score make one row write.
 */
describe('profile folding of several partitions at once', () => {
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let booted: BootedApp;

  beforeAll(async () => {
    database = await createOwnDatabase('fold_together');
    booted = await bootApp(
      ProfileApiModule.forRoot(
        loadConfig(profileApiEnv, { API_KEYS: 'fold-together-key-1', LOG_LEVEL: 'silent', DATABASE_URL: database.url, PROFILE_CONSUMER: 'false' }),
      ),
      'profile-api',
    );
    await eventually(async () => expect((await fetch(`${booted.url}/health/ready`)).status).toBe(200));
  });

  afterAll(async () => {
    await booted?.close();
    await database?.drop();
  });

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

  it('applies each record once, moves every partition, and writes a user once for its event and score', async () => {
    const [ann, bob] = [uniqueName('ann'), uniqueName('bob')];
    const topics = { events: uniqueName('events.enriched'), scores: uniqueName('scores') };
    const at = '2026-11-23T10:00:00Z';
    const event = (userId: string, n: number) => enrichedEvent({ eventId: `${userId}-${n}`, userId, occurredAt: at, type: 'transaction', amount: 10 });
    const score = (userId: string, n: number, value: number) => scoreOf({ eventId: `${userId}-${n}`, userId, occurredAt: at, score: value });
    const inputs: FoldInput[] = [
      { kind: 'event', batch: batchOf([record(topics.events, 0, '1-0', ann, event(ann, 1)), record(topics.events, 0, '2-0', ann, 'not json')]) },
      { kind: 'event', batch: batchOf([record(topics.events, 1, '1-0', bob, event(bob, 1))]) },
      { kind: 'score', batch: batchOf([record(topics.scores, 0, '1-0', ann, score(ann, 1, 0.2))]) },
      { kind: 'score', batch: batchOf([record(topics.scores, 1, '1-0', bob, score(bob, 1, 0.8))]) },
    ];
    const folding = booted.app.get(FoldBatchService);
    const deadLetters: string[] = [];
    const context = { deadLetter: (r: BusRecord) => void deadLetters.push(`${r.topic}/${r.partition}/${r.offset}`) };

    expect(await folding.fold(inputs, context)).toEqual({ applied: 4, alreadyApplied: 0, users: 2 });
    expect(deadLetters).toEqual([`${topics.events}/0/2-0`]);
    // Delivered again, with one new record behind one partition's: only that one is applied.
    const again = inputs.map((input, i) =>
      i === 1 ? { ...input, batch: batchOf([...input.batch.records, record(topics.events, 1, '3-0', bob, event(bob, 2))]) } : input,
    );
    expect(await folding.fold(again, context)).toEqual({ applied: 1, alreadyApplied: 4, users: 1 });

    const profiles = booted.app.get(ProfileRepository);
    const [annProfile, bobProfile] = [await profiles.findOne(ann), await profiles.findOne(bob)];
    expect([annProfile?.state.eventCount, annProfile?.state.lastRiskScore, annProfile?.version]).toEqual([1, 0.2, 1]);
    expect([bobProfile?.state.eventCount, bobProfile?.state.lastRiskScore, bobProfile?.version]).toEqual([2, 0.8, 2]);
  });
});
