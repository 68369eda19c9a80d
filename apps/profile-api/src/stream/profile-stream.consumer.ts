import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus } from '@app/bus';
import { subscription, type TopicMap } from '@app/contracts';
import { Database } from '@app/database';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { ProfileApiConfig } from '../profile-api.config';
import { FoldBatchService } from './fold-batch.service';
import { foldCommitted } from './fold-lag.metric';

/** Larger batches than the bus default: one transaction and one upsert per batch is the cost that counts. */
const MAX_BATCH = 5_000;
/** A batch is folded once this much has gathered, without waiting out PROFILE_FOLD_WAIT_MS. */
const FOLD_MIN_BYTES = 16 * 1024 * 1024;

/** events.enriched and scores → profiles, once Postgres is up. */
@Injectable()
export class ProfileStreamConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProfileStreamConsumer.name);
  private readonly membership: GroupMembership;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    folding: FoldBatchService,
    private readonly database: Database,
    @Inject(APP_CONFIG) config: ProfileApiConfig,
  ) {
    this.membership = new GroupMembership(
      bus,
      {
        ...subscription('profiles', config.BUS_TOPIC_PREFIX),
        deadLetterTopic: topics.invalid,
        maxBatchSize: MAX_BATCH,
        accumulate: config.PROFILE_FOLD_WAIT_MS > 0 ? { minBytes: FOLD_MIN_BYTES, maxWaitMs: config.PROFILE_FOLD_WAIT_MS } : undefined,
        handler: async (batch, context) => {
          await folding.fold(batch, batch.topic === topics.scores ? 'score' : 'event', context);
          foldCommitted(batch);
        },
      },
      (message) => this.logger.warn(message),
    );
  }

  onApplicationBootstrap(): void {
    void this.membership.join(this.database.whenReady());
  }

  /** Drains before the database pool closes (that happens in onApplicationShutdown). */
  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }
}
