import { loadConfig } from '@app/platform';
import { accessLogLines, bootApp, createOwnDatabase, eventually } from '@app/testing';
import { profileApiEnv } from '../src/profile-api.config';
import { ProfileApiModule } from '../src/profile-api.module';

const API_KEY = 'access-log-profiles-key';

describe('profile-api: access log', () => {
  it('writes no line for a profile read below debug, and one for any other request', async () => {
    const database = await createOwnDatabase('access_log');
    const app = await bootApp(
      ProfileApiModule.forRoot(loadConfig(profileApiEnv, { API_KEYS: API_KEY, LOG_LEVEL: 'info', DATABASE_URL: database.url, PROFILE_CONSUMER: 'false' })),
      'profile-api',
    );
    try {
      await eventually(async () => expect((await fetch(`${app.url}/health/ready`)).status).toBe(200));
      const lines = await accessLogLines(async () => {
        const read = (path: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
        expect((await read('/v1/profiles/nobody')).status).toBe(404);
        expect((await read('/v1/profiles?limit=1')).status).toBe(200);
        expect((await read('/v1/no-such-route')).status).toBe(404);
      });
      expect(lines.map((l) => [l.req.method, l.req.url, l.res.statusCode])).toEqual([['GET', '/v1/no-such-route', 404]]);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
