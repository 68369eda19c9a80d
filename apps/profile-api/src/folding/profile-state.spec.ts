import { eventIdHash } from '@app/contracts';
import { eventFacts, foldEvent, type EventFacts } from './fold-profile';
import { enrichedEvent, scoreOf } from '@app/testing/builders';
import { emptyProfile, PROFILE_FIELDS } from './profile-state';

describe('the recent event columns', () => {
  it('read a row written with the ids themselves as their hashes', () => {
    expect(PROFILE_FIELDS.recentEventHashes.fromSql(['e1', eventIdHash('e2')])).toEqual([eventIdHash('e1'), eventIdHash('e2')]);
    expect(PROFILE_FIELDS.recentAlertEventHashes.fromSql(['a1'])).toEqual([eventIdHash('a1')]);
  });

  it('round-trip the hashes exactly (53-bit integers survive JSON)', () => {
    const hashes = [eventIdHash('e1'), 2 ** 53 - 1, 0];
    expect(PROFILE_FIELDS.recentEventHashes.fromSql(JSON.parse(JSON.stringify(hashes)))).toEqual(hashes);
  });

  it('recognise a copy of an event that a row of ids remembers', () => {
    const event = eventFacts(scoreOf(enrichedEvent({ eventId: 'e1' }))) as EventFacts;
    const stored = { ...emptyProfile('u1'), eventCount: 2, recentEventHashes: PROFILE_FIELDS.recentEventHashes.fromSql(['e0', 'e1']) };
    expect(foldEvent(stored, event)).toBe(stored);
  });
});
