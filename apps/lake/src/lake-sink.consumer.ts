import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus } from '@app/bus';
import { ConsumerGroups, consumerGroup, type TopicMap } from '@app/contracts';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { LakeConfig } from './lake.config';
import { LakeSinkService } from './lake-sink.service';

/** Records one roll may hold: high enough that LAKE_ROLL_BYTES, not a count, decides when a file is cut. */
const MAX_ROWS_PER_ROLL = 1_000_000;

/**
 * events.enriched → Parquet files. The bus gathers records until LAKE_ROLL_BYTES or
 * LAKE_ROLL_INTERVAL_MS, hands over each partition's batch, and commits it only after
 * the sink's files are durable.
 */
@Injectable()
export class LakeSinkConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(LakeSinkConsumer.name);

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    @Inject(APP_CONFIG) private readonly config: LakeConfig,
    private readonly sink: LakeSinkService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The bus owns the consumer from here: closing it at shutdown drains and commits the roll in hand.
    await this.bus.consume({
      group: consumerGroup(this.config.BUS_TOPIC_PREFIX, ConsumerGroups.lake),
      topics: [this.topics.enriched],
      deadLetterTopic: this.topics.invalid,
      maxBatchSize: MAX_ROWS_PER_ROLL,
      accumulate: { minBytes: this.config.LAKE_ROLL_BYTES, maxWaitMs: this.config.LAKE_ROLL_INTERVAL_MS },
      handler: async (batch, context) => {
        const written = await this.sink.write(batch, context);
        this.logger.debug({ partition: batch.partition, ...written }, 'lake files written');
      },
    });
  }
}
