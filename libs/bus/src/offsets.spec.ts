import { compareOffsets } from './offsets';

describe('compareOffsets', () => {
  it('orders Kafka offsets and Redis ids numerically, beyond 2^53', () => {
    expect(compareOffsets('9', '10')).toBeLessThan(0);
    expect(compareOffsets('10', '10')).toBe(0);
    expect(compareOffsets('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareOffsets('1700000000000-9', '1700000000000-10')).toBeLessThan(0);
    expect(compareOffsets('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0);
    expect(compareOffsets('1700000000000', '1700000000000-0')).toBe(0);
  });
});
