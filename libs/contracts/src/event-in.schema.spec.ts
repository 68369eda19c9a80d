import { isInstant } from './event-in.schema';

describe('isInstant', () => {
  it.each(['2026-11-23T10:00:00Z', '2026-11-23T10:00Z', '2026-11-23T10:00:00.123456789+05:30', '2024-02-29T23:59:59-12:00', '2000-02-29T00:00:00Z'])(
    'takes %s',
    (text) => expect(isInstant(text)).toBe(true),
  );

  it.each([
    '2026-11-23T10:00:00', // no zone
    '2026-11-23 10:00:00Z',
    '2026-02-30T10:00:00Z', // Date.parse would roll it over to March 2nd
    '2025-02-29T10:00:00Z',
    '1900-02-29T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-00-01T10:00:00Z',
    '2026-01-00T10:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T10:60:00Z',
    '2026-11-23T10:00:60Z',
    '2026-11-23T10:00:00+24:00',
    '2026-11-23T10:00:00+05:60',
  ])('refuses %s', (text) => expect(isInstant(text)).toBe(false));

  it('agrees with a calendar on every day of four years, a leap year among them', () => {
    const seen: string[] = [];
    for (let year = 2023; year <= 2026; year++)
      for (let month = 1; month <= 12; month++)
        for (let day = 1; day <= 31; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
          const date = new Date(Date.UTC(year, month - 1, day));
          const exists = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
          if (isInstant(text) !== exists) seen.push(text);
        }
    expect(seen).toEqual([]);
  });
});
