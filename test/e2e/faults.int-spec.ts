import type { Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { SUITE_PROCESS_NAMES, TestDeployment, testEnv, uniqueName } from '@app/testing';
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
    const events = [...simulate(simulationOptions({ seed: '5', customers: '200', terminals: '400', days: '10' }, geo))].map(({ event }) => withIdPrefix(event, `${run}-`));

    await suite.sendThrough(events, SUITE_PROCESS_NAMES.map((service) => () => suite.crash(service)));

    await expectNothingLostNothingTwice({
      events, scores: () => scores.values() as Score[], received: receiver.received, secret, lakeDir, profile: (userId) => deployment.profile(userId),
    });
  }, 400_000);
});
