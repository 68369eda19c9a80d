import { loadConfig } from '@app/platform';
import { accessLogLines, bootApp, testEnv, uniqueName } from '@app/testing';
import { ingestEnv } from '../src/ingest.config';
import { IngestModule } from '../src/ingest.module';

const API_KEY = 'access-log-test-key';

describe('ingest: access log', () => {
  /** An accepted event, an unknown route, a probe and a scrape, through an ingest at `level`: the access lines written. */
  const linesAt = async (level: string) => {
    const config = loadConfig(ingestEnv, {
      API_KEYS: API_KEY,
      LOG_LEVEL: level,
      BUS_URL: testEnv.redisUrl,
      REDIS_URL: testEnv.redisUrl,
      BUS_TOPIC_PREFIX: `${uniqueName('access-log')}.`,
      BUS_PARTITIONS: '1',
      INGEST_ROLES: 'http',
    });
    const app = await bootApp(IngestModule.forRoot(config), 'ingest');
    try {
      const lines = await accessLogLines(async () => {
        const event = { type: 'page_view', userId: 'u-access', occurredAt: new Date(Date.now() - 60_000).toISOString() };
        const accepted = await fetch(`${app.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify(event),
        });
        expect(accepted.status).toBe(202);
        expect((await fetch(`${app.url}/v1/no-such-route`)).status).toBe(404);
        for (const quiet of ['/health/live', '/metrics']) expect((await fetch(`${app.url}${quiet}`)).status).toBe(200);
      });
      return lines.map((l) => [l.req.method, l.req.url, l.res.statusCode]);
    } finally {
      await app.close();
    }
  };

  it('writes no line for a request made per event below debug, and one for any other request', async () => {
    expect(await linesAt('info')).toEqual([['GET', '/v1/no-such-route', 404]]);
  });

  it('writes one for every request at debug but probes and scrapes', async () => {
    expect(await linesAt('debug')).toEqual([
      ['POST', '/v1/events', 202],
      ['GET', '/v1/no-such-route', 404],
    ]);
  });
});
