import { MerchantState } from './merchant-state';
import { DAY, HOUR, TIERS } from './windows';

const [, hour, day] = TIERS;
const T0 = Date.UTC(2026, 10, 1, 12);

describe('MerchantState', () => {
  it('reads its hash in any field order to the counts it was written with', () => {
    const written = new MerchantState();
    for (const offset of [0, 2 * HOUR, 26 * HOUR, 3 * DAY, 3 * DAY + HOUR]) written.add('t', T0 + offset);
    written.add('f', T0 + HOUR);
    const fields = Object.fromEntries(written.takeIncrements().map(([field, count]) => [field, String(count)]));
    const shuffled = Object.fromEntries(Object.entries(fields).reverse());
    const read = MerchantState.fromFields(shuffled);
    const now = T0 + 3 * DAY + HOUR;
    expect(read.sum('t', day, now, 30, 0)).toBe(5);
    expect(read.sum('t', day, now, 1, 0)).toBe(2);
    expect(read.sum('t', hour, now, 2, 0)).toBe(2);
    expect(read.sum('f', day, now, 30, 0)).toBe(1);
    expect(read.sum('t', day, now, 30, 3 * DAY)).toBe(written.sum('t', day, now, 30, 3 * DAY));
    expect(read.takeIncrements()).toEqual([]);
  });

  it('names the fields no window can reach any more, oldest first', () => {
    const merchant = new MerchantState();
    merchant.add('t', T0);
    merchant.add('t', T0 + 40 * DAY);
    merchant.takeIncrements();
    const expired = merchant.expiredFields(T0 + 40 * DAY, 0);
    expect(expired).toEqual([`t:h${Math.floor(T0 / HOUR)}`, `t:d${Math.floor(T0 / DAY)}`]);
  });
});
