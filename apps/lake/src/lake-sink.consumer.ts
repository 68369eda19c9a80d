import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus, RecordBatch } from '@app/bus';
import { subscription, type TopicMap } from '@app/contracts';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { LakeConfig } from './lake.config';
import { LakeSinkService } from './lake-sink.service';

/** Records one roll may hold: high enough that LAKE_ROLL_BYTES, not a count, decides when a file is cut. */
const MAX_ROWS_PER_ROLL = 1_000_000;

/**
 * Files written at once by a roll cut by its bytes (the sink is behind): a roll over many event-time
 * hours, a replay's, is a file per hour, and each then waits on its own fsyncs, not on the files before
 * it (as many as libuv's threads). A roll cut by time (keeping up) writes one at a time: a deeper queue on
 * the disk delays the Postgres commits on the way to an alert (docs/lake.md, "Throughput").
 */
const FILES_AT_ONCE_BEHIND = 4;

/** How many of a roll's files the sink writes at once (FILES_AT_ONCE_BEHIND when the roll was cut by its bytes). */
export function filesAtOnce(batches: RecordBatch[], rollBytes: number): number {
  let bytes = 0;
  for (const { records } of batches) for (const { value } of records) bytes += value.length;
  return bytes >= rollBytes ? FILES_AT_ONCE_BEHIND : 1;
}

/**
 * events.enriched → Parquet files. The bus gathers records until LAKE_ROLL_BYTES or
 * LAKE_ROLL_INTERVAL_MS, hands over the partitions' batches (together on Redis Streams, one by one on
 * Kafka), and commits them only after the sink's files are durable.
 */
@Injectable()
export class LakeSinkConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LakeSinkConsumer.name);
  private readonly membership: GroupMembership;

  constructor(@Inject(MESSAGE_BUS) bus: MessageBus, @Inject(TOPICS) topics: TopicMap, @Inject(APP_CONFIG) config: LakeConfig, sink: LakeSinkService) {
    this.membership = new GroupMembership(
      bus,
      {
        ...subscription('lake', config.BUS_TOPIC_PREFIX),
        deadLetterTopic: topics.invalid,
        maxBatchSize: MAX_ROWS_PER_ROLL,
        accumulate: { minBytes: config.LAKE_ROLL_BYTES, maxWaitMs: config.LAKE_ROLL_INTERVAL_MS },
        handler: async (batch, context) => {
          const written = await sink.write([batch], context, filesAtOnce([batch], config.LAKE_ROLL_BYTES));
          this.logger.debug({ partition: batch.partition, ...written }, 'lake files written');
        },
        // A roll's partitions in one call: a file per hour for all of them instead of one per partition.
        handleTogether: async (batches, context) => {
          const written = await sink.write(batches, context, filesAtOnce(batches, config.LAKE_ROLL_BYTES));
          this.logger.debug({ partitions: batches.length, ...written }, 'lake files written');
        },
      },
      (message) => this.logger.warn(message),
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.membership.join();
  }

  /** Drains: the roll in hand is written and committed. */
  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }
}
