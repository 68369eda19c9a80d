import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { postgresEnv, serviceEnv } from './service-env';

const schema = serviceEnv(3001).merge(postgresEnv);

describe('loadConfig', () => {
  it('applies defaults and types the values', () => {
    const config = loadConfig(schema, { API_KEYS: 'key-one-1234, ingest=key-two-5678', PORT: '4000' });
    expect(config).toMatchObject({ PORT: 4000, BUS_URL: 'redis://127.0.0.1:6379', BUS_PARTITIONS: 4, KAFKA_PRODUCER_THREADS: 0 });
    expect(config.API_KEYS.map((k) => [k.plaintext, [...k.scopes]])).toEqual([
      ['key-one-1234', ['ingest', 'profiles', 'decide', 'admin']],
      ['key-two-5678', ['ingest']],
    ]);
  });

  it('names every bad setting at once', () => {
    try {
      loadConfig(schema, { BUS_URL: 'amqp://x', PORT: 'eighty', DATABASE_URL: 'mysql://db', KAFKA_PRODUCER_THREADS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^BUS_URL: BUS_URL must look like kafka:\/\//m);
      expect(problems).toMatch(/^PORT: /m);
      expect(problems).toMatch(/^API_KEYS: is required$/m);
      expect(problems).toMatch(/^DATABASE_URL: must be a postgres:\/\/ URL$/m);
      expect(problems).toMatch(/^KAFKA_PRODUCER_THREADS: /m);
    }
  });

  it('reads per-topic stream retention as topic=hours and names an item that is not', () => {
    expect(loadConfig(schema, { API_KEYS: 'key-one-1234', BUS_TOPIC_RETENTION_HOURS: 'events.raw=24, scores=0.5' }).BUS_TOPIC_RETENTION_HOURS).toEqual(
      new Map([
        ['events.raw', 24],
        ['scores', 0.5],
      ]),
    );
    expect(() => loadConfig(schema, { API_KEYS: 'key-one-1234', BUS_TOPIC_RETENTION_HOURS: 'events.raw=24,scores' })).toThrow(
      /BUS_TOPIC_RETENTION_HOURS: "scores" is not topic=hours/,
    );
  });

  it('does not echo a rejected secret back', () => {
    expect(() => loadConfig(schema, { API_KEYS: 'short' })).toThrow(/API_KEYS: key 1: must be at least 8 characters/);
    try {
      loadConfig(schema, { API_KEYS: 'short' });
    } catch (error) {
      expect((error as Error).message).not.toContain('short"');
    }
  });

  it('works with any zod schema', () => {
    expect(loadConfig(z.object({ A: z.coerce.number() }), { A: '2' })).toEqual({ A: 2 });
  });
});
