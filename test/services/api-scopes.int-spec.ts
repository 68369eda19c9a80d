import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertsEnv } from '../../apps/alerts/src/alerts.config';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { lakeEnv } from '../../apps/lake/src/lake.config';
import { LakeModule } from '../../apps/lake/src/lake.module';
import { ingestEnv } from '../../apps/ingest/src/ingest.config';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { profileApiEnv } from '../../apps/profile-api/src/profile-api.config';
import { ProfileApiModule } from '../../apps/profile-api/src/profile-api.module';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { loadConfig } from '@app/platform';
import { bootApp, createOwnDatabase, OpenApiValidator, testEnv, uniqueName, untilReady, type BootedApp, type OpenApiDocument } from '@app/testing';

const KEYS = {
  ingest: 'ingest-key-0123456789abcdef0123456789',
  decide: 'decide-key-0123456789abcdef0123456789',
  profiles: 'profiles-key-0123456789abcdef012345',
  admin: 'admin-key-0123456789abcdef0123456789',
};

/** Every route of every service, as its OpenAPI document lists it, with the scope its key needs. */
const EXPECTED: Record<string, string> = {
  'ingest POST /v1/events': 'ingest',
  'ingest POST /v1/decisions': 'decide',
  'profile-api GET /v1/profiles': 'profiles',
  'profile-api GET /v1/profiles/{userId}': 'profiles',
  'scoring GET /v1/rules': 'admin',
  'scoring PUT /v1/rules/{id}': 'admin',
  'scoring DELETE /v1/rules/{id}': 'admin',
  'scoring POST /v1/rules/preview': 'admin',
  'scoring GET /v1/features': 'admin',
  'scoring GET /v1/users/{userId}/scores': 'admin',
  'scoring GET /v1/models/active': 'admin',
  'scoring PUT /v1/models/active': 'admin',
  'scoring GET /v1/models/shadow': 'admin',
  'scoring PUT /v1/models/shadow': 'admin',
  'scoring DELETE /v1/models/shadow': 'admin',
  'scoring POST /v1/models/shadow/promote': 'admin',
  'alerts GET /v1/alerts': 'admin',
  'alerts GET /v1/alerts/signals': 'admin',
  'alerts POST /v1/webhooks': 'admin',
  'alerts GET /v1/webhooks': 'admin',
  'alerts GET /v1/webhooks/{id}': 'admin',
  'alerts PATCH /v1/webhooks/{id}': 'admin',
  'alerts DELETE /v1/webhooks/{id}': 'admin',
  'alerts POST /v1/webhooks/{id}/rotate-secret': 'admin',
  'alerts GET /v1/webhooks/{id}/deliveries': 'admin',
  'alerts POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay': 'admin',
  'alerts POST /v1/webhooks/{id}/replay': 'admin',
  'alerts GET /v1/audit': 'admin',
  'alerts GET /v1/dead-letters': 'admin',
  'lake GET /v1/users/{userId}/events': 'admin',
};

/**
 * Scoped keys on every route: no key or an unknown one gets 401, a key without the route's scope 403
 * naming it, and a key with it gets past the guard (whatever the route then makes of an empty request).
 */
describe('API keys and scopes on every route', () => {
  const apps = new Map<string, BootedApp>();
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;

  beforeAll(async () => {
    database = await createOwnDatabase('scopes');
    const env = {
      API_KEYS: Object.entries(KEYS)
        .map(([scope, key]) => `${scope}=${key}`)
        .join(','),
      LOG_LEVEL: 'silent',
      BUS_URL: testEnv.redisUrl,
      REDIS_URL: testEnv.redisUrl,
      DATABASE_URL: database.url,
      BUS_TOPIC_PREFIX: `${uniqueName('scopes')}.`,
      LAKE_DIR: join(tmpdir(), uniqueName('lake')),
      SCORING_STATE_PREFIX: uniqueName('scopes'),
    };
    apps.set('ingest', await bootApp(IngestModule.forRoot(loadConfig(ingestEnv, env)), 'ingest'));
    apps.set('scoring', await untilReady(await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, env)), 'scoring')));
    apps.set('profile-api', await untilReady(await bootApp(ProfileApiModule.forRoot(loadConfig(profileApiEnv, env)), 'profile-api')));
    apps.set('alerts', await untilReady(await bootApp(AlertsModule.forRoot(loadConfig(alertsEnv, env)), 'alerts')));
    apps.set('lake', await bootApp(LakeModule.forRoot(loadConfig(lakeEnv, env)), 'lake'));
  });

  afterAll(async () => {
    for (const app of apps.values()) await app.close();
    await database.drop();
  });

  it('guards each route the OpenAPI documents list with the scope it declares', async () => {
    const table: Record<string, string> = {};
    const outcomes: Array<{ route: string; none: number; unknown: number; otherScope: number; ownScope: number; forbiddenSays: string }> = [];
    for (const [service, app] of apps) {
      const document = (await (await fetch(`${app.url}/docs-json`)).json()) as {
        paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
      };
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const route = `${service} ${method.toUpperCase()} ${path}`;
          const scope = Object.keys(operation.security?.[0] ?? {})[0] ?? 'none';
          table[route] = scope;
          if (scope === 'none') continue;
          const call = (key?: string) =>
            fetch(`${app.url}${path.replace(/\{\w+\}/g, 'x')}`, {
              method: method.toUpperCase(),
              body: ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase()) ? '{}' : undefined,
              headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
            });
          const other = scope === 'admin' ? KEYS.profiles : KEYS.admin;
          const forbidden = await call(other);
          const ownScope = (await call(KEYS[scope as keyof typeof KEYS])).status;
          outcomes.push({
            route,
            none: (await call()).status,
            unknown: (await call('not-a-configured-key-0123456789')).status,
            otherScope: forbidden.status,
            ownScope: ownScope >= 400 && ownScope !== 401 && ownScope !== 403 && ownScope < 500 ? 200 : ownScope,
            forbiddenSays: ((await forbidden.json()) as { error: { message: string } }).error.message,
          });
        }
      }
    }
    expect(Object.fromEntries(Object.entries(table).filter(([, scope]) => scope !== 'none'))).toEqual(EXPECTED);
    expect(
      outcomes.filter(
        (o) => o.none !== 401 || o.unknown !== 401 || o.otherScope !== 403 || o.ownScope >= 300 || !o.forbiddenSays.includes(`"${EXPECTED[o.route]}"`),
      ),
    ).toEqual([]);
  });
  it('publishes every request body as the schema the API validates with (its examples fit it, unknown fields do not), and response examples that fit theirs', async () => {
    const checked: string[] = [];
    const responses: string[] = [];
    const problems: Array<{ route: string; problems: string[] }> = [];
    for (const [service, app] of apps) {
      const validator = new OpenApiValidator((await (await fetch(`${app.url}/docs-json`)).json()) as OpenApiDocument);
      for (const [path, operations] of Object.entries(validator.document.paths))
        for (const method of Object.keys(operations)) {
          const schema = validator.requestSchema(method, path) as { type?: string; oneOf?: unknown[]; example?: unknown } | null;
          if (!schema) continue;
          const route = `${service} ${method.toUpperCase()} ${path}`;
          checked.push(route);
          if (!schema.type && !schema.oneOf) problems.push({ route, problems: ['an example only, no schema'] });
          problems.push({ route, problems: validator.problems(schema, schema.example) });
          if (schema.type === 'object')
            problems.push({
              route,
              problems: validator.problems(schema, { ...(schema.example as object), notAField: 1 }).length > 0 ? [] : ['takes unknown fields'],
            });
        }
      // Response bodies published as schemas: their examples fit them too.
      for (const [path, operations] of Object.entries(validator.document.paths))
        for (const [method, operation] of Object.entries(operations))
          for (const status of Object.keys(operation.responses ?? {})) {
            const schema = validator.responseSchema(method, path, Number(status)) as { type?: string; example?: unknown } | null;
            if (!schema?.type || schema.example === undefined) continue;
            const route = `${service} ${method.toUpperCase()} ${path} ${status}`;
            responses.push(route);
            problems.push({ route, problems: validator.problems(schema, schema.example) });
          }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
    expect(responses.length).toBeGreaterThanOrEqual(8);
    expect(problems.filter((p) => p.problems.length > 0)).toEqual([]);
  });
});
