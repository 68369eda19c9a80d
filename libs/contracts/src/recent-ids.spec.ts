import { rememberRecent } from './recent-ids';

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
