import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { auditRecordCodec, subscription, type AuditRecord, type TopicMap } from '@app/contracts';
import { Database } from '@app/database';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { AuditLogRepository } from './audit-log.repository';

/** `audit` → the audit trail in Postgres, every service's administrative changes in one place. */
@Injectable()
export class AuditIntakeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditIntakeConsumer.name);
  private readonly membership: GroupMembership;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly auditLog: AuditLogRepository,
    private readonly database: Database,
    @Inject(APP_CONFIG) config: AlertsConfig,
  ) {
    this.membership = new GroupMembership(
      bus,
      {
        ...subscription('audit', config.BUS_TOPIC_PREFIX),
        deadLetterTopic: topics.invalid,
        handler: (batch, context) => this.handle(batch, context),
      },
      (message) => this.logger.warn(message),
    );
  }

  onApplicationBootstrap(): void {
    void this.membership.join(this.database.whenReady());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }

  private async handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    const records: AuditRecord[] = [];
    for (const record of batch.records) {
      const parsed = auditRecordCodec.decode(record.value);
      if (typeof parsed === 'string') context.deadLetter(record, parsed);
      else records.push({ ...parsed, before: parsed.before ?? null, after: parsed.after ?? null });
    }
    await this.auditLog.store(records);
  }
}
