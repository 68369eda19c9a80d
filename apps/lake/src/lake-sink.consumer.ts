import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus } from '@app/bus';
import { subscription, type TopicMap } from '@app/contracts';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { LakeConfig } from './lake.config';
import { LakeSinkService } from './lake-sink.service';

/** Records one roll may hold: high enough that LAKE_ROLL_BYTES, not a count, decides when a file is cut. */
const MAX_ROWS_PER_ROLL = 1_000_000;

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
          const written = await sink.write([batch], context);
          this.logger.debug({ partition: batch.partition, ...written }, 'lake files written');
        },
        // A roll's partitions in one call: a file per hour for all of them instead of one per partition.
        handleTogether: async (batches, context) => {
          const written = await sink.write(batches, context);
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
