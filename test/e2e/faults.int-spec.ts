import type { Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { eventually, readLake, SUITE_PROCESS_NAMES, TestDeployment, testEnv, uniqueName } from '@app/testing';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

/**
 * Each service is killed with SIGKILL in turn while traffic flows, and started again. Afterwards
 * nothing is lost and nothing is counted twice (see expectNothingLostNothingTwice). Redis Streams.
 */
describe('the suite survives kill -9 of each service under load', () => {
  const run = uniqueName('faults');
  let deployment: TestDeployment;

  beforeAll(async () => {
    deployment = await TestDeployment.start({ name: 'faults', busUrl: testEnv.redisUrl, partitions: 2, env: { LAKE_ROLL_INTERVAL_MS: '300' } });
  }, 240_000);

  afterAll(() => deployment?.stop(), 120_000);

  it('loses nothing and counts nothing twice', async () => {
    const { suite, receiver, secret, lakeDir } = deployment;
    const scores = await deployment.collect(deployment.topics.scores);
    const geo = await GeoLookup.open();
    const events = [...simulate(simulationOptions({ seed: '5', customers: '120', terminals: '240', days: '8' }, geo))].map(({ event }) =>
      withIdPrefix(event, `${run}-`),
    );

    // The lake remembers the ids it wrote in memory only (docs/lake.md, "Copies"): an event ingest
    // published twice when it was killed, reaching the lake after the lake's own restart, is written
    // again. So the lake is killed once it holds the part of the traffic in which ingest was killed.
    const partOfIngest = events.slice(0, Math.ceil(events.length / (SUITE_PROCESS_NAMES.length + 1))).map((e) => e.eventId as string);
    const lakeHoldsPartOfIngest = () =>
      eventually(
        async () => {
          const inLake = new Set((await readLake(lakeDir, 'event_id')).map((row) => row.event_id));
          expect(partOfIngest.filter((id) => !inLake.has(id))).toEqual([]);
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
    await suite.sendThrough(
      events,
      SUITE_PROCESS_NAMES.map((service) => async () => {
        if (service === 'lake') await lakeHoldsPartOfIngest();
        await suite.crash(service);
      }),
    );

    await expectNothingLostNothingTwice({
      events,
      scores: () => scores.values() as Score[],
      received: receiver.received,
      secret,
      lakeDir,
      profile: (userId) => deployment.profile(userId),
    });
  }, 400_000);
});
