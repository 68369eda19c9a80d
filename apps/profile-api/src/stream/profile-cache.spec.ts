import { emptyProfile } from '../folding/profile-state';
import { ProfileCache } from './profile-cache';

const profile = (userId: string, version = 1) => ({ state: emptyProfile(userId), version });

describe('ProfileCache', () => {
  it('lets the least recently folded user give way at capacity', () => {
    const cache = new ProfileCache(2);
    cache.put('a', profile('a'));
    cache.put('b', profile('b'));
    cache.put('a', profile('a', 2)); // a folded again: b is now the oldest
    cache.put('c', profile('c'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.version).toBe(2);
    expect(cache.get('c')?.version).toBe(1);
    expect(cache.size).toBe(2);
  });

  it('forgets a user on request and holds nothing with no capacity', () => {
    const cache = new ProfileCache(2);
    cache.put('a', profile('a'));
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    const none = new ProfileCache(0);
    none.put('a', profile('a'));
    expect(none.size).toBe(0);
  });
});
