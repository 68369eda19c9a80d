/**
 * The bus's part of the scoring stage alone, for bench:scoring's ceiling row. Run as a process of its own,
 * as the service is: consumes events.enriched with the service's consume options, parses each record with
 * the service's parser and publishes one Score-shaped record per scored event (no state, no model, no
 * rules), committing each batch. What a stage on this engine costs before it does any work of its own.
 *
 * Env: BUS_URL, REDIS_URL (whose CPU is counted), BUS_TOPIC_PREFIX, SCORING_MAX_BATCH,
 * SCORING_CONCURRENT_PARTITIONS, RELAY_EXPECTED (events to relay). Prints one JSON line (a StageRun:
 * events/s and CPU µs per event, timed as bench:scoring times the service) and exits.
 */
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { createBus, silentBusLogger } from '@app/bus';
import { consumerGroup, enrichedEventCodec, scoreCodec, topicNames, type Score } from '@app/contracts';
import { cpuMicrosPerEvent, processCpuSeconds, redisCpuSeconds } from './process-usage';
import type { StageRun } from './scoring.bench';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const prefix = env('BUS_TOPIC_PREFIX');
  const expected = Number(env('RELAY_EXPECTED'));
  const topics = topicNames(prefix);
  const bus = createBus({ url: env('BUS_URL'), clientId: 'scoring-relay', logger: silentBusLogger });
  const redis = new Redis(env('REDIS_URL'));
  const model = { id: 'relay', version: '0' };
  let relayed = 0;
  // Timed as the service is (bench:scoring's measureService): from the end of the first batch to the last event.
  let started = 0;
  let first = 0;
  let cpuAtStart: Promise<[number | null, number]> | undefined;
  let done!: (timed: { elapsedMs: number; events: number }) => void;
  const finished = new Promise<{ elapsedMs: number; events: number }>((r) => (done = r));
  await bus.consume({
    group: consumerGroup(prefix, 'scoring-relay'),
    topics: [topics.enriched],
    deadLetterTopic: topics.invalid,
    maxBatchSize: Number(env('SCORING_MAX_BATCH')),
    concurrentPartitions: Number(env('SCORING_CONCURRENT_PARTITIONS')),
    handler: async (batch, context) => {
      const scores = [];
      for (const record of batch.records) {
        const event = enrichedEventCodec.decode(record.value);
        if (typeof event === 'string') context.deadLetter(record, event);
        else if (event.type !== 'chargeback') {
          const now = new Date().toISOString();
          const score: Score = {
            eventId: event.eventId,
            userId: event.userId,
            occurredAt: event.occurredAt,
            model,
            score: 0,
            decision: 'allow',
            alert: false,
            reasons: [],
            scoredAt: now,
          };
          scores.push({ key: score.userId, value: scoreCodec.encode(score) });
        }
      }
      if (scores.length > 0) await bus.publish(topics.scores, scores);
      relayed += scores.length;
      if (started === 0) {
        [started, first] = [performance.now(), relayed];
        cpuAtStart = redisCpuSeconds(redis).then((r) => [processCpuSeconds(process.pid), r]);
      } else if (relayed >= expected) done({ elapsedMs: performance.now() - started, events: relayed - first });
    },
  });
  const { elapsedMs, events } = await finished;
  const [processAtEnd, redisAtEnd] = [processCpuSeconds(process.pid), await redisCpuSeconds(redis)];
  const [processAtStart, redisAtStart] = await (cpuAtStart as Promise<[number | null, number]>);
  const run: StageRun = {
    eventsPerSecond: Math.round(events / (elapsedMs / 1000)),
    cpuMicrosPerEvent: cpuMicrosPerEvent(events, [processAtStart, processAtEnd], [redisAtStart, redisAtEnd]),
  };
  await bus.close();
  redis.disconnect();
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
