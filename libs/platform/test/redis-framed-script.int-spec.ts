import Redis from 'ioredis';
import { FramedScript } from '@app/platform';
import { startOwnedRedis, type OwnedServer } from '@app/testing';

/**
 * Against a real Redis of its own (the test flushes its scripts, which other tests' pipelines would
 * meet): what a script is sent arrives whole, and a server without the script gets it.
 */
describe('FramedScript on Redis', () => {
  let server: OwnedServer;
  let redis: Redis;
  const key = 'framed';
  const echo = new FramedScript(`
redis.call('SET', KEYS[1], ARGV[#ARGV])
local seen = {}
for i = 1, #ARGV do seen[i] = ARGV[i] end
return { #KEYS, seen }
`);

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

  it('loads the script on a server that does not hold it (restarted, flushed) and runs it', async () => {
    await redis.script('FLUSH');
    const [keys, seen] = (await echo.run(redis, [key], ['after a flush'])) as [number, string[]];
    expect([keys, seen]).toEqual([1, ['after a flush']]);
    const [held] = (await redis.script('EXISTS', createdSha(echo))) as number[];
    expect(held).toBe(1);
  });

  it("rejects with the script's own error reply", async () => {
    const fails = new FramedScript(`return redis.error_reply('FENCED 0 the partition was scored by another instance')`);
    await expect(fails.run(redis, [], [])).rejects.toThrow(/^FENCED 0 the partition/);
  });
});

/** The script's SHA1, as Redis names it. */
function createdSha(script: FramedScript): string {
  return (script as unknown as { sha: string }).sha;
}
