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
  it('agrees with comparing the parts as big integers, leading zeros and missing parts included', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const digits = () => Array.from({ length: 1 + random(20) }, () => (random(4) === 0 ? '0' : String(random(10)))).join('');
    const offset = () => Array.from({ length: 1 + random(3) }, digits).join('-');
    const reference = (a: string, b: string) => {
      const x = a.split('-').map(BigInt);
      const y = b.split('-').map(BigInt);
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const [p, q] = [x[i] ?? 0n, y[i] ?? 0n];
        if (p !== q) return p < q ? -1 : 1;
      }
      return 0;
    };
    for (let n = 0; n < 5_000; n++) {
      const a = offset();
      const b = random(3) === 0 ? a.replace(/^0*/, '') || '0' : offset();
      expect([a, b, Math.sign(compareOffsets(a, b))]).toEqual([a, b, reference(a, b)]);
    }
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
