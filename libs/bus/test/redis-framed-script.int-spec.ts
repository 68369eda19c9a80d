import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { FramedScript } from '@app/bus';
import { eventually, startOwnedRedis, type OwnedServer } from '@app/testing';

/**
 * Against a real Redis of its own (the test flushes its scripts, which other tests' pipelines would
 * meet): what a script is sent arrives whole, and a server without the script gets it.
 */
describe('FramedScript on Redis', () => {
  let server: OwnedServer;
  let redis: Redis;
  const key = 'framed';
  const lua = `
redis.call('SET', KEYS[1], ARGV[#ARGV])
local seen = {}
for i = 1, #ARGV do seen[i] = ARGV[i] end
return { #KEYS, seen }
`;
  const echo = new FramedScript(lua);

  beforeAll(async () => {
    server = await startOwnedRedis();
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    redis.disconnect();
    await server.dispose();
  });

  it('runs the script with every key and argument as sent: text in any script, numbers, binary Buffers', async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const args = ['a', '', 'Zürich · 東京', 42, -2.5, ...Array.from({ length: 2_000 }, (_, i) => `t:h${i}`), binary];
    const [keys, seen] = (await echo.run(redis, [key, `${key}:other`], args)) as [number, string[]];
    expect(keys).toBe(2);
    expect(seen.slice(0, 5)).toEqual(['a', '', 'Zürich · 東京', '42', '-2.5']);
    expect(seen.slice(5, -1)).toEqual(Array.from({ length: 2_000 }, (_, i) => `t:h${i}`));
    expect((await redis.getBuffer(key))?.equals(binary)).toBe(true);
  });

  it('loads the script on a server that lost it (flushed) and runs the call again', async () => {
    await redis.script('FLUSH');
    const [keys, seen] = (await echo.run(redis, [key], ['after a flush'])) as [number, string[]];
    expect([keys, seen]).toEqual([1, ['after a flush']]);
    const [held] = (await redis.script('EXISTS', createHash('sha1').update(lua).digest('hex'))) as number[];
    expect(held).toBe(1);
  });

  it('loads the script before its first call on a new connection, as after a Redis restart: no call is refused for want of it', async () => {
    await server.kill();
    await server.start();
    await eventually(async () => expect(await redis.ping()).toBe('PONG'));
    const [keys, seen] = (await echo.run(redis, [key], ['after a restart'])) as [number, string[]];
    expect([keys, seen]).toEqual([1, ['after a restart']]);
    // Redis counts a refused EVALSHA (NOSCRIPT) as a failed call of the command.
    expect(await redis.info('commandstats')).toMatch(/cmdstat_evalsha:calls=1,.*failed_calls=0/);
  });

  it("rejects with the script's own error reply", async () => {
    const fails = new FramedScript(`return redis.error_reply('FENCED 0 the partition was scored by another instance')`);
    await expect(fails.run(redis, [], [])).rejects.toThrow(/^FENCED 0 the partition/);
  });
});
