import type { FeatureEvent } from './feature-event';
import { UserState } from './user-state';
import { MEASURES, SNAPSHOT_VERSION, UnknownSnapshotVersionError, encodeSnapshot, readSnapshot } from './user-state.codec';

const T0 = Date.UTC(2026, 11, 3, 10);
const transaction = (n: number): FeatureEvent => ({
  eventId: `e${n}`,
  type: 'transaction',
  userId: 'u1',
  time: T0 + n * 60_000,
  amount: 10 + n,
  merchantId: 'm1',
  deviceId: 'd1',
  ip: '81.2.69.142',
  country: 'GB',
  latitude: 51.5,
  longitude: -0.1,
  isBot: false,
  ipDenylisted: false,
  deviceDenylisted: false,
  disputedAt: null,
  dispute: null,
});

function stateWithEvents(): UserState {
  const state = new UserState();
  for (let n = 0; n < 3; n++) state.apply(transaction(n), 60_000);
  return state;
}

describe('user state snapshots', () => {
  it('write their version and measure count, and read back to the same state', () => {
    const snapshot = encodeSnapshot(stateWithEvents());
    expect(snapshot.startsWith(`["${SNAPSHOT_VERSION}",${MEASURES},`)).toBe(true);
    const copy = new UserState();
    readSnapshot(snapshot, copy);
    expect(encodeSnapshot(copy)).toBe(snapshot);
  });

  it('read a snapshot written with fewer measures, the missing ones at 0', () => {
    const state = stateWithEvents();
    const fewer = JSON.parse(encodeSnapshot(state)) as [string, number, unknown, number[][], ...unknown[]];
    // The same snapshot as a release with one measure less would have written it.
    fewer[1] = MEASURES - 1;
    fewer[3] = fewer[3].map((flat) => flat.filter((_, i) => i % (1 + MEASURES) !== MEASURES));
    const copy = new UserState();
    readSnapshot(JSON.stringify(fewer), copy);
    copy.buckets.forEach((buckets, tier) => {
      for (const [bucket, measures] of buckets) expect(measures).toEqual([...(state.buckets[tier].get(bucket) as number[]).slice(0, MEASURES - 1), 0]);
    });
    expect(copy.buckets.some((b) => b.size > 0)).toBe(true);
  });

  it('refuse a snapshot of a newer version rather than misread it', () => {
    expect(() => readSnapshot(encodeSnapshot(stateWithEvents()).replace(`"${SNAPSHOT_VERSION}"`, '"v9"'), new UserState())).toThrow(
      UnknownSnapshotVersionError,
    );
  });
});
