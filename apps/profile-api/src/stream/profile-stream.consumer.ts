import { Inject, Injectable } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { subscription, type TopicMap } from '@app/contracts';
import { Database, DatabaseConsumer } from '@app/database';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { ProfileApiConfig } from '../profile-api.config';
import { FoldBatchService } from './fold-batch.service';
import { foldCommitted } from './fold-lag.metric';

/**
 * Records one call folds, over every partition a read brought (on Redis Streams a read of all of them
 * makes one call): one transaction and one upsert per call is the cost that counts, and the more of a
 * user's records one call holds, the fewer row writes per record. Also what the consumer holds in
 * memory, twice (one call folding, the next being read).
 */
const MAX_BATCH = 20_000;
/** A batch is folded once this much has gathered, without waiting out PROFILE_FOLD_WAIT_MS. */
const FOLD_MIN_BYTES = 16 * 1024 * 1024;

/** scores → profiles, once Postgres is up. */
@Injectable()
export class ProfileStreamConsumer extends DatabaseConsumer {
  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly folding: FoldBatchService,
    database: Database,
    @Inject(APP_CONFIG) config: ProfileApiConfig,
  ) {
    super(bus, database, {
      ...subscription('profiles', config.BUS_TOPIC_PREFIX),
      deadLetterTopic: topics.invalid,
      maxBatchSize: MAX_BATCH,
      accumulate: config.PROFILE_FOLD_WAIT_MS > 0 ? { minBytes: FOLD_MIN_BYTES, maxWaitMs: config.PROFILE_FOLD_WAIT_MS } : undefined,
    });
  }

  protected handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    return this.handleTogether([batch], context);
  }

  /** A gathering read's partitions in one transaction: several records of a user make one row write. */
  protected async handleTogether(batches: RecordBatch[], context: BatchContext): Promise<void> {
    await this.folding.fold(batches, context);
    for (const batch of batches) foldCommitted(batch);
  }
}
