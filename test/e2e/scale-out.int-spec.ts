import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EnrichedEvent, EventIn } from '@app/contracts';
import { DEFAULT_FEATURE_CONFIG, featureEventOf, FeatureReplay } from '@app/features';
import { ScaleOutScenario } from '../../tools/bench/scale-out-scenario';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

/**
 * Several instances of each consumer on Kafka, topics of 8 partitions, under steady traffic: a third
 * instance of scoring, profile-api and alerts joins (a rebalance), then one of each and one of the two
 * lake sinks is killed with SIGKILL and stays dead (its partitions move after its 30 s session). After
 * both handovers nothing is lost and nothing counted twice: every event in the lake once, every alert
 * delivered once, every profile exact, and every user window as the offline replay computes it (a
 * window counted twice across a handover would differ). `npm run bench:scale-out` reports the same run.
 */
describe('scale-out on Kafka: instances join and die under load', () => {
  const scenario = new ScaleOutScenario();

  beforeAll(() => scenario.start(), 400_000);
  afterAll(() => scenario.stop(), 120_000);

  it('loses nothing and counts nothing twice across a join and a kill -9', async () => {
    await scenario.drive({ rate: 250, warmS: 10, afterJoinS: 10, afterKillS: 40 });
    const { suite, receiver, secret, lakeDir } = scenario.deployment;
    expect(suite.count('scoring')).toBe(2);

    const events = scenario.sent as Array<EventIn & { eventId: string }>;
    await expectNothingLostNothingTwice(
      {
        events,
        scores: () => scenario.scoreValues(),
        received: receiver.received,
        secret,
        lakeDir,
        profile: (userId) => scenario.deployment.profile(userId),
      },
      240_000,
    );

    // A user's windows live in its partition's owner: they must come out as if one instance had read the stream.
    const features = (JSON.parse(readFileSync(resolve(__dirname, '../../models/default/manifest.json'), 'utf8')) as { features: string[] }).features;
    const ownWindows = features.filter((name) => name.startsWith('user.') || name.startsWith('event.'));
    const replay = new FeatureReplay(features, DEFAULT_FEATURE_CONFIG);
    const enriched = scenario.enrichedById();
    const offline = new Map<string, number[]>();
    for (const { eventId } of events) {
      const { values } = replay.process(featureEventOf(enriched.get(eventId) as EnrichedEvent));
      offline.set(eventId, values.map(Math.fround));
    }
    const mismatches: string[] = [];
    for (const score of scenario.scoreValues()) {
      for (const name of ownWindows) {
        const expected = (offline.get(score.eventId) as number[])[features.indexOf(name)];
        const online = score.features?.[name] ?? Number.NaN; // JSON has no NaN: a missing feature travels as null
        if (!Object.is(online, expected)) mismatches.push(`${score.eventId} ${name}: online ${online}, offline ${expected}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);

    scenario.measurePauses();
    const [join, kill] = scenario.handovers;
    process.stdout.write(
      `scale-out handovers: ${JSON.stringify(scenario.handovers.map(({ name, sent, scored, longestGapMsByPartition }) => ({ name, sent, scored, longestGapMsByPartition })))}\n`,
    );
    // The partitions of the killed instance waited out its session; the others kept going.
    expect(Math.max(...kill.longestGapMsByPartition)).toBeGreaterThan(20_000);
    expect(Math.min(...kill.longestGapMsByPartition)).toBeLessThan(20_000);
    expect(Math.max(...join.longestGapMsByPartition)).toBeLessThan(30_000);
  }, 900_000);
});
