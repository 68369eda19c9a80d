import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, ConsumeOptions, MessageBus, RecordBatch } from '@app/bus';
import { GroupMembership } from '@app/platform';
import type { Database } from './database.module';

/**
 * A consumer group whose batches land in Postgres: it joins once the database is up and migrated
 * (the service starts, and answers its health, while Postgres is down) and leaves, finishing the batch
 * in hand, before the pool closes (Nest runs beforeApplicationShutdown before onApplicationShutdown).
 * A subclass names its subscription and handles each batch.
 */
export abstract class DatabaseConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly membership: GroupMembership;

  protected constructor(
    bus: MessageBus,
    private readonly database: Database,
    options: Omit<ConsumeOptions, 'handler'>,
  ) {
    const logger = new Logger(new.target.name);
    this.membership = new GroupMembership(bus, { ...options, handler: (batch, context) => this.handle(batch, context) }, (message) => logger.warn(message));
  }

  protected abstract handle(batch: RecordBatch, context: BatchContext): Promise<void>;

  onApplicationBootstrap(): void {
    void this.membership.join(this.database.whenReady());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }
}
