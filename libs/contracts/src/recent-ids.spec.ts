import { RecentWindow, rememberRecent } from './recent-ids';

describe('rememberRecent', () => {
  it('appends a new value as the latest', () => {
    const recent = ['a', 'b'];
    rememberRecent(recent, 'c', 3);
    expect(recent).toEqual(['a', 'b', 'c']);
  });

  it('drops the oldest beyond the limit', () => {
    const recent = ['a', 'b', 'c'];
    rememberRecent(recent, 'd', 3);
    expect(recent).toEqual(['b', 'c', 'd']);
  });

  it('moves a value seen before to the end instead of keeping it twice', () => {
    const recent = [1, 2, 3];
    rememberRecent(recent, 1, 3);
    expect(recent).toEqual([2, 3, 1]);
  });

  it('trims a list stored under a larger limit down to the current one', () => {
    const recent = ['a', 'b', 'c', 'd'];
    rememberRecent(recent, 'e', 2);
    expect(recent).toEqual(['d', 'e']);
  });
});

describe('RecentWindow', () => {
  it('remembers the latest values up to its capacity, forgetting the oldest first', () => {
    const window = new RecentWindow<string>(3);
    for (const id of ['a', 'b', 'c', 'b', 'd']) window.add(id);
    expect(['a', 'b', 'c', 'd'].filter((id) => window.has(id))).toEqual(['b', 'c', 'd']);
    window.add('e');
    expect(['b', 'c', 'd', 'e'].filter((id) => window.has(id))).toEqual(['c', 'd', 'e']);
  });

  it('keeps a value added again in its place: the oldest still goes first', () => {
    const window = new RecentWindow<number>(2);
    window.add(1);
    window.add(2);
    window.add(1);
    window.add(3);
    expect([1, 2, 3].filter((n) => window.has(n))).toEqual([2, 3]);
  });

  it('remembers nothing with no capacity', () => {
    const window = new RecentWindow<string>(0);
    window.add('a');
    expect(window.has('a')).toBe(false);
  });
});
