import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError, type Consumer, type MessageBus } from '@app/bus';
import type { TopicMap } from '@app/contracts';
import { Database } from '@app/database';
import { MESSAGE_BUS, TOPICS } from '@app/platform';
import { FoldBatchService, PROFILE_GROUP } from './fold-batch.service';

/** Larger batches than the bus default: one transaction and one upsert per batch is the cost that counts. */
const MAX_BATCH = 5_000;

/** events.enriched and scores → profiles. */
@Injectable()
export class ProfileStreamConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProfileStreamConsumer.name);
  private consumer?: Consumer;
  private stopped = false;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    private readonly folding: FoldBatchService,
    private readonly database: Database,
  ) {}

  /** Joins the group once Postgres is up (the service itself starts without it and reports not ready). */
  onApplicationBootstrap(): void {
    void this.database.whenReady().then(() => this.start(), () => undefined);
  }

  private async start(): Promise<void> {
    // Joining fails only while the bus is down: keep trying, the readiness check reports the bus meanwhile.
    for (let wait = 500; !this.stopped; wait = Math.min(wait * 2, 5_000)) {
      try {
        this.consumer = await this.join();
        if (this.stopped) await this.consumer.stop();
        return;
      } catch (error) {
        this.logger.warn(`could not join consumer group ${PROFILE_GROUP}, retrying: ${describeError(error)}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private join(): Promise<Consumer> {
    return this.bus.consume({
      group: PROFILE_GROUP,
      topics: [this.topics.enriched, this.topics.scores],
      deadLetterTopic: this.topics.invalid,
      maxBatchSize: MAX_BATCH,
      handler: async (batch, context) => void (await this.folding.fold(batch, batch.topic === this.topics.scores ? 'score' : 'event', context)),
    });
  }

  /** Drains before the database pool closes (that happens in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumer?.stop();
  }
}
