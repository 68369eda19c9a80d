import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, ConsumeOptions, MessageBus, RecordBatch } from '@app/bus';
import { GroupMembership } from '@app/platform';
import type { Database } from './database.module';

/**
 * A consumer group whose batches land in Postgres: it joins once the database is up and migrated
 * (the service starts, and answers its health, while Postgres is down) and leaves, finishing the batch
 * in hand, before the pool closes (Nest runs beforeApplicationShutdown before onApplicationShutdown).
 * A subclass names its subscription and handles each batch; it may also handle several partitions'
 * batches in one transaction (ConsumeOptions.handleTogether) by implementing handleTogether.
 */
export abstract class DatabaseConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly membership: GroupMembership;

  protected constructor(
    bus: MessageBus,
    private readonly database: Database,
    options: Omit<ConsumeOptions, 'handler' | 'handleTogether'>,
  ) {
    const logger = new Logger(new.target.name);
    const handler = (batch: RecordBatch, context: BatchContext) => this.handle(batch, context);
    const together = this.handleTogether?.bind(this);
    this.membership = new GroupMembership(bus, { ...options, handler, handleTogether: together }, (message) => logger.warn(message));
  }

  protected abstract handle(batch: RecordBatch, context: BatchContext): Promise<void>;

  /** Several partitions' batches in one call, all or nothing (ConsumeOptions.handleTogether); absent: one at a time. */
  protected handleTogether?(batches: RecordBatch[], context: BatchContext): Promise<void>;

  onApplicationBootstrap(): void {
    void this.membership.join(this.database.whenReady());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }
}
