import type { EventIn, Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { TestDeployment, testEnv, uniqueName, type collectTopic } from '@app/testing';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

/**
 * Two deployments of the suite on one Kafka broker and one Postgres server (docs/deploy.md, "Many
 * deployments on one cluster"): each with its own topic and group prefix, Postgres database, Redis
 * database and lake. Both are sent the very same events, ids included, at the same time: any store,
 * topic or group they shared would make one of them drop the other's events as copies, or count them
 * twice. Each must count every event exactly once.
 */
describe('two deployments side by side on one Kafka and one Postgres server', () => {
  const run = uniqueName('deployments');
  const deployments: Array<{ deployment: TestDeployment; scores: Awaited<ReturnType<typeof collectTopic>> }> = [];

  beforeAll(async () => {
    // Databases 12 and 11 of the test Redis (the tests' own is 15, the benchmarks' 13 and 14).
    await Promise.all(
      [
        ['blue', 12],
        ['green', 11],
      ].map(async ([name, redisDatabase]) => {
        const deployment = await TestDeployment.start({
          name: name as string,
          busUrl: `kafka://${testEnv.kafkaBrokers}`,
          partitions: 4,
          redisUrl: testEnv.redisUrl.replace(/\/\d+$/, `/${redisDatabase}`),
        });
        deployments.push({ deployment, scores: await deployment.collect(deployment.topics.scores) });
      }),
    );
  }, 400_000);

  afterAll(async () => {
    for (const { deployment } of deployments) await deployment.stop();
  }, 120_000);

  it('each counts the same events exactly once, unseen by the other', async () => {
    const geo = await GeoLookup.open();
    const events = [...simulate(simulationOptions({ seed: '13', customers: '90', terminals: '180', days: '6' }, geo))].map(({ event }) =>
      withIdPrefix(event, `${run}-`),
    ) as Array<EventIn & { eventId: string }>;
    await Promise.all(
      deployments.map(async ({ deployment }) => {
        for (let sent = 0; sent < events.length; sent += 100) await deployment.suite.sendUntilAccepted(events.slice(sent, sent + 100));
      }),
    );

    for (const { deployment, scores } of deployments) {
      await expectNothingLostNothingTwice(
        {
          events,
          scores: () => scores.values() as Score[],
          received: deployment.receiver.received,
          secret: deployment.secret,
          lakeDir: deployment.lakeDir,
          profile: (userId) => deployment.profile(userId),
          lakeUrl: deployment.suite.url('lake'),
        },
        180_000,
      );
    }
  }, 600_000);
});
