import { sameRedis } from './same-redis';

describe('sameRedis', () => {
  it.each([
    ['redis://redis:6379', 'redis://redis:6379'],
    ['redis://redis', 'redis://redis:6379/0'],
    ['redis://Redis:6379/2', 'redis://redis:6379/2'],
    ['redis://:secret@redis:6379', 'redis://redis:6379'],
  ])('%s and %s are one Redis', (a, b) => {
    expect(sameRedis(a, b)).toBe(true);
  });

  it.each([
    ['redis://redis:6379', 'redis://redis:6380'],
    ['redis://redis:6379/0', 'redis://redis:6379/1'],
    ['redis://redis-a:6379', 'redis://redis-b:6379'],
    ['redis://redis:6379', 'rediss://redis:6379'],
    ['redis://localhost:6379', 'redis://127.0.0.1:6379'],
    ['kafka://broker:9092', 'kafka://broker:9092'],
    ['not a url', 'not a url'],
  ])('%s and %s are not (or not surely) one', (a, b) => {
    expect(sameRedis(a, b)).toBe(false);
  });
});
