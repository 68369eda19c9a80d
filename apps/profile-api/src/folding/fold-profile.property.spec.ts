import fc from 'fast-check';
import { foldEvent, type EventFacts } from './fold-profile';
import { PROFILE_LIMITS, emptyProfile, type ProfileState } from './profile-state';

const DAY = Date.parse('2026-11-23T00:00:00Z');

/** What a Score that the codec lets through gives folding: an id, a time, a type, a finite amount or none, and any strings. */
const streamEvent = (eventId: fc.Arbitrary<string>) =>
  fc
    .record({
      eventId,
      type: fc.oneof(fc.constantFrom('transaction', 'page_view', 'login', 'refund'), fc.string()),
      occurredAt: fc.integer({ min: 0, max: 86_400_000 - 1 }).map((ms) => new Date(DAY + ms).toISOString()),
      amount: fc.option(
        fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100),
        { nil: undefined },
      ),
      country: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
      city: fc.option(fc.string(), { nil: undefined }),
      deviceType: fc.option(fc.constantFrom('desktop', 'mobile', 'tablet'), { nil: undefined }),
      deviceId: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }),
      pageCategory: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }),
    })
    .map((facts) => facts as EventFacts);

const fold = (events: EventFacts[]) => events.reduce(foldEvent, emptyProfile('u1'));
/** The facts that must not depend on arrival order. */
const orderFree = (p: ProfileState) => ({
  eventCount: p.eventCount,
  countsByType: p.countsByType,
  firstSeenAt: p.firstSeenAt,
  lastSeenAt: p.lastSeenAt,
  transactionCount: p.transactionCount,
  totalCents: Math.round(p.totalAmount * 100),
});

describe('profile folding, driven by generated streams', () => {
  it('folds any stream it is handed into a state that survives JSON (what the profiles table stores), counting each event id once', () => {
    fc.assert(
      fc.property(fc.array(streamEvent(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5')), { maxLength: PROFILE_LIMITS.recentEvents }), (events) => {
        const state = fold(events);
        expect(JSON.parse(JSON.stringify(state))).toEqual(JSON.parse(JSON.stringify(state)));
        expect(state.eventCount).toBe(new Set(events.map((e) => e.eventId)).size);
      }),
      { numRuns: 1_000 },
    );
  });

  it('reaches the same counts, times and sums in any arrival order', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(streamEvent(fc.uuid()), { selector: (e) => e.eventId, maxLength: 30 })
          .chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        ([events, shuffled]) => {
          expect(orderFree(fold(shuffled))).toEqual(orderFree(fold(events)));
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
