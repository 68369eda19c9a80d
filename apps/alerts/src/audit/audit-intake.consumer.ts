import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { auditRecordCodec, consumerGroup, ConsumerGroups, type AuditRecord, type TopicMap } from '@app/contracts';
import { ConsumerAfterDatabase, Database } from '@app/database';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { AuditLogRepository } from './audit-log.repository';

/** `audit` → the audit trail in Postgres, every service's administrative changes in one place. */
@Injectable()
export class AuditIntakeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditIntakeConsumer.name);
  private readonly consumer: ConsumerAfterDatabase;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly auditLog: AuditLogRepository,
    private readonly database: Database,
    @Inject(APP_CONFIG) config: AlertsConfig,
  ) {
    this.consumer = new ConsumerAfterDatabase(bus, {
      group: consumerGroup(config.BUS_TOPIC_PREFIX, ConsumerGroups.audit), topics: [topics.audit], deadLetterTopic: topics.invalid, handler: (batch, context) => this.handle(batch, context),
    }, (message) => this.logger.warn(message));
  }

  onApplicationBootstrap(): void {
    this.consumer.startWhenReady(this.database);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
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
