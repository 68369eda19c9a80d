import { loadConfig } from '@app/platform';
import { bootApp, createOwnDatabase, eventually, type BootedApp } from '@app/testing';
import { profileApiEnv } from '../../src/profile-api.config';
import { ProfileApiModule } from '../../src/profile-api.module';

/**
 * A profile-api on a database of its own with its consumer off, so that a test drives folding itself;
 * booted before the file's tests and removed after them (registers its beforeAll and afterAll).
 */
export function foldingApp(name: string): { booted: () => BootedApp; apiKey: string } {
  const apiKey = `${name}-key-1`;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let booted: BootedApp;

  beforeAll(async () => {
    database = await createOwnDatabase(name.replaceAll('-', '_'));
    booted = await bootApp(
      ProfileApiModule.forRoot(loadConfig(profileApiEnv, { API_KEYS: apiKey, LOG_LEVEL: 'silent', DATABASE_URL: database.url, PROFILE_CONSUMER: 'false' })),
      'profile-api',
    );
    await eventually(async () => expect((await fetch(`${booted.url}/health/ready`)).status).toBe(200));
  });

  afterAll(async () => {
    await booted?.close();
    await database?.drop();
  });

  return { booted: () => booted, apiKey };
}
