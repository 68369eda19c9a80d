import { uniqueName } from '@app/testing';
import { emptyProfile, type ProfileState } from '../src/folding/profile-state';
import { ProfileRepository } from '../src/profiles/profile.repository';
import { foldingApp } from './support/folding-app';

/** The upsert writes its own array literals (arrayLiteral) and event times as ms: every value must come back as folded. */
describe('profile rows', () => {
  const { booted } = foldingApp('profile-rows');
  const profiles = () => booted().app.get(ProfileRepository);

  it('reads back every field as it was written, whatever characters the values hold', async () => {
    // Page categories are the shops' own words: quotes, backslashes, escapes, line breaks, non-ASCII.
    const awkward = ['say "hi"', 'C:\\shop\\new', 'tab\there', 'line\nbreak', '\\"', '{a,b}', 'NULL', 'café', '😀 emoji', '\\u0041', ''];
    const userId = uniqueName('u');
    const state: ProfileState = {
      ...emptyProfile(userId),
      firstSeenAt: Date.UTC(2026, 0, 1, 0, 0, 0, 1),
      lastSeenAt: Date.UTC(2026, 10, 30, 23, 59, 59, 999),
      eventCount: 12,
      countsByType: { page_view: 11, transaction: 1 },
      transactionCount: 1,
      totalAmount: 129.9,
      lastCountry: 'FR',
      lastCity: 'Saint-Étienne "centre"',
      lastLocatedAt: 1764547200123,
      countries: ['FR', 'GB'],
      pageCategories: Object.fromEntries(awkward.map((category, i) => [category, i + 1])),
      lastRiskScore: 0.0113,
      lastScoredAt: 1764547200124,
      recentEventHashes: [1, 2 ** 53 - 1, 0],
    };
    const other = { ...emptyProfile(uniqueName('u')), lastCity: 'tab\there 😀', lastCountry: null, eventCount: 1 };
    // One call each: a text column holding a control character or a surrogate is written another way.
    await profiles().transaction((tx) => tx.saveProfiles([state], new Map(), new Date()));
    await profiles().transaction((tx) => tx.saveProfiles([other], new Map(), new Date()));

    expect((await profiles().findOne(userId))?.state).toEqual(state);
    expect((await profiles().findOne(other.userId))?.state).toEqual(other);
  });
});
