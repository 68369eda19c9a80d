import Redis from 'ioredis';
import { testEnv, uniqueName } from '@app/testing';
import { SeenEventsRepository } from '../src/dedupe/seen-events.repository';

describe('SeenEventsRepository (real Redis)', () => {
  const redis = new Redis(testEnv.redisUrl);
  const repository = new SeenEventsRepository(redis);
  // A window no other test uses keeps this test's buckets its own.
  const windowMs = 60_000 + Math.floor(Math.random() * 1_000_000);
  const t = Math.floor(Date.now() / windowMs) * windowMs + 10;

  afterAll(async () => {
    const keys = await redis.keys(`ingest:seen:${windowMs}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('recognises an id for at least one window after it was remembered, and forgets it after two', async () => {
    const [a, b] = [uniqueName('e'), uniqueName('e')];
    await repository.remember([a], windowMs, t);
    expect(await repository.seen([a, b], windowMs, t)).toEqual([true, false]);
    expect(await repository.seen([a, b], windowMs, t + windowMs - 1)).toEqual([true, false]); // now in the next bucket, still found
    expect(await repository.seen([a], windowMs, t + 2 * windowMs)).toEqual([false]);
  });

  it('lets the bucket expire on its own once it can no longer be asked', async () => {
    const id = uniqueName('e');
    await repository.remember([id], windowMs, t);
    const bucket = Math.floor(t / windowMs);
    const expiresAt = await redis.pexpiretime(`ingest:seen:${windowMs}:${bucket}`);
    expect(expiresAt).toBe((bucket + 2) * windowMs);
  });
});
