import { addOccurrence, latestAtOrBefore } from './occurrences';

const time = (t: number) => t;

describe('addOccurrence', () => {
  it('keeps times in order, whatever order they come in', () => {
    const list: number[] = [];
    for (const t of [10, 30, 20, 40, 5]) addOccurrence(list, t, time, 0);
    expect(list).toEqual([5, 10, 20, 30, 40]);
  });

  it('drops what lies at or before the horizon but the latest of it, which still answers', () => {
    const list = [10, 20, 30, 40];
    addOccurrence(list, 50, time, 35);
    expect(list).toEqual([30, 40, 50]);
    expect(latestAtOrBefore(list, 35, time)).toBe(30);
    expect(latestAtOrBefore(list, 45, time)).toBe(40);
  });

  it('returns the same list, changed in place, for items of any shape', () => {
    const list: Array<[number, string]> = [
      [1, 'a'],
      [3, 'c'],
    ];
    const timeOf = ([t]: [number, string]) => t;
    const same = addOccurrence(list, [2, 'b'], timeOf, 2);
    expect(same).toBe(list);
    expect(list).toEqual([
      [2, 'b'],
      [3, 'c'],
    ]);
  });
});
