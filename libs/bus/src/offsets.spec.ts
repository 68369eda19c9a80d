import { compareOffsets, positionOnThisBus } from './offsets';

describe('compareOffsets', () => {
  it('orders Kafka offsets and Redis ids numerically, beyond 2^53', () => {
    expect(compareOffsets('9', '10')).toBeLessThan(0);
    expect(compareOffsets('10', '10')).toBe(0);
    expect(compareOffsets('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareOffsets('1700000000000-9', '1700000000000-10')).toBeLessThan(0);
    expect(compareOffsets('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0);
    expect(compareOffsets('1700000000000', '1700000000000-0')).toBe(0);
  });

  it('orders records packed in one Redis entry by their place, after the entries before it', () => {
    expect(compareOffsets('1700000000000-3-9', '1700000000000-3-10')).toBeLessThan(0);
    expect(compareOffsets('1700000000000-3-127', '1700000000000-4-0')).toBeLessThan(0);
    expect(compareOffsets('1700000000000-3', '1700000000000-3-0')).toBe(0);
    expect(compareOffsets('1700000000000-3', '1700000000000-3-1')).toBeLessThan(0);
  });
});

describe('positionOnThisBus', () => {
  it('keeps a position of the bus the records come from', () => {
    expect(positionOnThisBus('41', '42')).toBe('41');
    expect(positionOnThisBus('1795508964926-42', '1795508964927-0')).toBe('1795508964926-42');
  });

  it('drops a position the other engine left, which would otherwise skip every record', () => {
    expect(positionOnThisBus('1795508964926-42', '42')).toBeNull();
    expect(positionOnThisBus('99999999999999999', '1795508964927-0')).toBeNull();
  });

  it('has nothing to keep without a position', () => expect(positionOnThisBus(null, '0')).toBeNull());
});
