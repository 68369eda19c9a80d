import fs from 'node:fs';
import { loadConfig } from '@app/platform';
import { bootApp, testEnv, uniqueName } from '@app/testing';
import { ingestEnv } from '../src/ingest.config';
import { IngestModule } from '../src/ingest.module';

const API_KEY = 'access-log-test-key';

/** The access lines (pino-http's, `component: http`) a booted ingest writes to stdout while `act` runs. */
async function accessLines(
  level: string,
  act: (url: string) => Promise<unknown>,
): Promise<Array<{ req: { method: string; url: string }; res: { statusCode: number } }>> {
  const config = loadConfig(ingestEnv, {
    API_KEYS: API_KEY,
    LOG_LEVEL: level,
    BUS_URL: testEnv.redisUrl,
    REDIS_URL: testEnv.redisUrl,
    BUS_TOPIC_PREFIX: `${uniqueName('access-log')}.`,
    BUS_PARTITIONS: '1',
    INGEST_ROLES: 'http',
  });
  const app = await bootApp(IngestModule.forRoot(config), 'ingest', { bodyParser: false });
  const lines: string[] = [];
  const write = fs.writeSync.bind(fs);
  const spy = jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: string | Buffer, ...rest: unknown[]) => {
    if (fd === 1) lines.push(String(data));
    return (write as (...args: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync);
  try {
    await act(app.url);
  } finally {
    spy.mockRestore();
    await app.close();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"component":"http"'))
    .map((line) => JSON.parse(line));
}

describe('ingest: access log', () => {
  const requests = async (url: string) => {
    const event = { type: 'page_view', userId: 'u-access', occurredAt: new Date(Date.now() - 60_000).toISOString() };
    const accepted = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify(event),
    });
    expect(accepted.status).toBe(202);
    expect((await fetch(`${url}/v1/no-such-route`)).status).toBe(404);
  };

  it('writes no line for a request made per event below debug, and one for any other request', async () => {
    const lines = await accessLines('info', requests);
    expect(lines.map((l) => [l.req.method, l.req.url, l.res.statusCode])).toEqual([['GET', '/v1/no-such-route', 404]]);
  });

  it('writes one for every request at debug', async () => {
    const lines = await accessLines('debug', requests);
    expect(lines.map((l) => [l.req.method, l.req.url, l.res.statusCode])).toEqual([
      ['POST', '/v1/events', 202],
      ['GET', '/v1/no-such-route', 404],
    ]);
  });
});
