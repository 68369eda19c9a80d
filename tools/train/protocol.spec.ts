import { DEFAULT_PROTOCOL, dayOption, protocolFor, testWindowFor } from './protocol';

describe('the training protocol on a history of its own', () => {
  it('tests on the last week whose labels are in, skips a gap, and trains on every day after the warm-up before it', () => {
    // 66 days (0-65) with chargebacks 7 days late: test 52-58, gap 45-51, train 7-44.
    expect(protocolFor(65, DEFAULT_PROTOCOL)).toEqual({ trainFrom: 7, trainDays: 38, gapDays: 7, testFrom: 52, testDays: 7 });
  });

  it("keeps the handbook's one-week protocol when asked for it", () => {
    expect(protocolFor(69, { ...DEFAULT_PROTOCOL, trainFrom: 42, trainDays: 7, testFrom: 56 })).toEqual({
      trainFrom: 42,
      trainDays: 7,
      gapDays: 7,
      testFrom: 56,
      testDays: 7,
    });
  });

  it('refuses a history too short for it, saying which days clash', () => {
    expect(() => protocolFor(20, DEFAULT_PROTOCOL)).toThrow(/no day is left to train on/);
    expect(() => protocolFor(69, { ...DEFAULT_PROTOCOL, trainFrom: 40, trainDays: 14, testFrom: 56 })).toThrow(/run into the test days/);
    expect(() => protocolFor(60, { ...DEFAULT_PROTOCOL, testFrom: 56 })).toThrow(/run past the history's last day \(60\)/);
  });

  it('finds a backtest its test days alone, and refuses days the history does not hold', () => {
    expect(testWindowFor(65, DEFAULT_PROTOCOL)).toEqual({ testFrom: 52, testDays: 7 });
    expect(testWindowFor(65, { ...DEFAULT_PROTOCOL, testFrom: 30, testDays: 3 })).toEqual({ testFrom: 30, testDays: 3 });
    expect(() => testWindowFor(10, { ...DEFAULT_PROTOCOL, testFrom: 8 })).toThrow(/does not hold the test days 8-14/);
  });

  it('reads days as numbers or as dates of the calendar', () => {
    const first = Date.UTC(2026, 5, 1);
    expect(dayOption('52', first, 'test-from')).toBe(52);
    expect(dayOption('2026-07-23', first, 'test-from')).toBe(52);
    expect(dayOption(undefined, first, 'test-from')).toBeUndefined();
    expect(() => dayOption('next week', first, 'test-from')).toThrow(/--test-from must be a day number or a date/);
  });
});
