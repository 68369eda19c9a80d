import { Client } from 'pg';
import { loadConfig } from '@app/platform';
import { bootApp, createOwnDatabase, testEnv, uniqueName, untilReady, type BootedApp } from '@app/testing';
import { profileApiEnv } from '../src/profile-api.config';
import { ProfileApiModule } from '../src/profile-api.module';

const API_KEY = 'timeout-test-key-1';

/** A database that holds a request answers 503 with Retry-After within the statement timeout: never a hang or a 500. */
describe('profile-api when Postgres is stuck', () => {
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let app: BootedApp;
  let locker: Client;

  beforeAll(async () => {
    database = await createOwnDatabase('profiles_timeouts');
    app = await untilReady(
      await bootApp(
        ProfileApiModule.forRoot(
          loadConfig(profileApiEnv, {
            API_KEYS: API_KEY,
            LOG_LEVEL: 'silent',
            BUS_URL: testEnv.redisUrl,
            BUS_TOPIC_PREFIX: `${uniqueName('timeouts')}.`,
            DATABASE_URL: database.url,
            DATABASE_STATEMENT_TIMEOUT_MS: '300',
          }),
        ),
        'profile-api',
      ),
    );
    locker = new Client({ connectionString: database.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker.end();
    await app.close();
    await database.drop();
  });

  it('answers 503 with Retry-After when a statement outlives the timeout, and serves again once the database does', async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE'); // what a long migration or a stuck session does
    const started = Date.now();
    const stuck = await fetch(`${app.url}/v1/profiles/user-1`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(stuck.status).toBe(503);
    expect(stuck.headers.get('retry-after')).toBe('1');
    expect(((await stuck.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(3_000);

    await locker.query('COMMIT');
    expect((await fetch(`${app.url}/v1/profiles/user-1`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(404);
  });
});
