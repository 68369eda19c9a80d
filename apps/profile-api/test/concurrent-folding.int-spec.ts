import type { BusRecord } from '@app/bus';
import { enrichedEvent, scoreOf, sleep, uniqueName } from '@app/testing';
import type { EnrichedEvent } from '@app/contracts';
import { eventFacts, foldEvent, type EventFacts } from '../src/folding/fold-profile';
import { emptyProfile } from '../src/folding/profile-state';
import { ProfileRepository } from '../src/profiles/profile.repository';
import { FoldBatchService } from '../src/stream/fold-batch.service';
import { foldingApp } from './support/folding-app';

/**
 * A user's records are in one partition, but while Kafka moves a partition from one member to another
 * both may fold it at once (the old one finishing its batch). Their profile rows are locked against each
 * other, except when there is no row yet (a user's first records, folded by both) and when a member folds
 * onto the profile it cached: the row's version tells both cases apart.
 */
const facts = (event: EnrichedEvent) => eventFacts(scoreOf(event)) as EventFacts;
describe('profile folding by two members at once', () => {
  const { booted: app, apiKey } = foldingApp('concurrent-folding');

  it("keeps both of a new user's first records when two members fold them at once", async () => {
    const userId = uniqueName('u');
    const occurredAt = '2026-11-23T10:00:00Z';
    const event = enrichedEvent({ eventId: `${userId}-e`, type: 'page_view', userId, occurredAt });
    const score = scoreOf(enrichedEvent({ eventId: `${userId}-s`, type: 'login', userId, occurredAt }), { score: 0.9, decision: 'block', alert: true });
    const record: BusRecord = { topic: 'scores', partition: 0, offset: '0', key: userId, value: Buffer.from(JSON.stringify(score)), headers: {}, timestamp: 0 };
    const profiles = app().app.get(ProfileRepository);

    // One member has written the user's first profile, from one event, and not committed yet...
    let eventWritten!: () => void;
    let commit!: () => void;
    const written = new Promise<void>((resolve) => (eventWritten = resolve));
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const first = profiles.transaction(async (tx) => {
      expect(await tx.saveProfiles([foldEvent(emptyProfile(userId), facts(event))], new Map(), new Date())).toEqual([]);
      eventWritten();
      await committed;
    });
    await written;
    // ... when the other folds the user's next one: it finds no row to lock, and its write waits for the first's.
    const second = app()
      .app.get(FoldBatchService)
      .fold([{ topic: 'scores', partition: 0, records: [record], newlyAssigned: false }], { deadLetter: () => undefined });
    await sleep(300);
    commit();
    await Promise.all([first, second]);

    const profile = (await (await fetch(`${app().url}/v1/profiles/${userId}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as {
      eventCountsByType: Record<string, number>;
      alertCount: number;
    };
    expect({ counts: profile.eventCountsByType, alerts: profile.alertCount }).toEqual({ counts: { page_view: 1, login: 1 }, alerts: 1 });
  });

  it('folds onto the stored profile, not its own cached one, when another member wrote the user since', async () => {
    const userId = uniqueName('u');
    const at = (minute: number) => `2026-11-23T10:0${minute}:00Z`;
    const event = (n: number) => enrichedEvent({ eventId: `${userId}-${n}`, userId, occurredAt: at(n) });
    const batch = (n: number) => ({
      topic: 'scores',
      partition: 0,
      newlyAssigned: false,
      records: [
        { topic: 'scores', partition: 0, offset: String(n), key: userId, value: Buffer.from(JSON.stringify(scoreOf(event(n)))), headers: {}, timestamp: 0 },
      ],
    });
    const folding = app().app.get(FoldBatchService);
    const noDeadLetters = { deadLetter: () => undefined };
    await folding.fold([batch(1)], noDeadLetters); // this member now holds the user at version 1
    // Another member folds the user's next event, from the stored row.
    const profiles = app().app.get(ProfileRepository);
    await profiles.transaction(async (tx) => {
      const stored = await tx.lockProfiles([userId]);
      expect(await tx.saveProfiles([foldEvent(stored.get(userId)!.state, facts(event(2)))], stored, new Date())).toEqual([]);
    });
    await folding.fold([batch(3)], noDeadLetters);

    const profile = (await (await fetch(`${app().url}/v1/profiles/${userId}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as {
      eventCount: number;
      lastSeenAt: string;
    };
    expect({ events: profile.eventCount, lastSeenAt: profile.lastSeenAt }).toEqual({ events: 3, lastSeenAt: new Date(at(3)).toISOString() });
  });
});
