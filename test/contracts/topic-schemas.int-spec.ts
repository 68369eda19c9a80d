import { readFileSync } from 'node:fs';
import { ALL_TOPICS, TOPIC_CODECS, Topics, breakingChanges } from '@app/contracts';
import { TOPICS_DOC, registrations, registryCheck, topicsDoc } from '../../tools/contracts/topic-schemas';

/**
 * The published topic schemas (libs/contracts/registry, docs/topics.md) against the codecs: registered
 * as they are, and never changed in a way an existing consumer could not read.
 */
describe('topic schemas', () => {
  const registered = registrations();

  it('has a codec for every topic the platform writes', () => {
    expect(TOPIC_CODECS.map((codec) => codec.topic).sort()).toEqual(ALL_TOPICS.filter((topic) => topic !== Topics.raw).sort());
  });

  it('registers every schema as the codecs declare it (npm run contracts)', () => {
    expect(
      registryCheck(registered)
        .filter((check) => !check.upToDate)
        .map((check) => check.codec.topic),
    ).toEqual([]);
  });

  it('never breaks a consumer of an earlier registration', () => {
    const problems = registered.flatMap((later) =>
      registered
        .filter((earlier) => earlier.topic === later.topic && earlier.schemaVersion === later.schemaVersion && earlier.number < later.number)
        .flatMap((earlier) => breakingChanges(earlier.schema, later.schema).map((problem) => `${later.file}: ${problem}`)),
    );
    expect([...problems, ...registryCheck(registered).flatMap((check) => check.breaking)]).toEqual([]);
  });

  it('refuses a change that removes or retypes a published field', () => {
    const enriched = registered.find((r) => r.topic === Topics.enriched) as (typeof registered)[number];
    const properties = enriched.schema.properties as Record<string, unknown>;
    // A registration that had one more field, and a string where the codec now has a number, than today's schema.
    const published = { ...enriched, schema: { ...enriched.schema, properties: { ...properties, channel: { type: 'string' }, amount: { type: 'integer' } } } };
    const check = registryCheck([published]).find((c) => c.codec.topic === Topics.enriched);
    expect(check?.breaking).toEqual([`events.enriched against v1.1: amount may now be number`, `events.enriched against v1.1: channel was removed`]);
  });

  it('publishes docs/topics.md as generated from the schemas (npm run contracts)', () => {
    expect(readFileSync(TOPICS_DOC, 'utf8')).toBe(topicsDoc());
  });
});
