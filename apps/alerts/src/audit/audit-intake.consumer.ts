import { Inject, Injectable } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { auditRecordCodec, subscription, type AuditRecord, type TopicMap } from '@app/contracts';
import { Database, DatabaseConsumer } from '@app/database';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { AuditLogRepository } from './audit-log.repository';

/** `audit` → the audit trail in Postgres, every service's administrative changes in one place. */
@Injectable()
export class AuditIntakeConsumer extends DatabaseConsumer {
  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly auditLog: AuditLogRepository,
    database: Database,
    @Inject(APP_CONFIG) config: AlertsConfig,
  ) {
    super(bus, database, { ...subscription('audit', config.BUS_TOPIC_PREFIX), deadLetterTopic: topics.invalid });
  }

  protected async handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    const records: AuditRecord[] = [];
    for (const record of batch.records) {
      const parsed = auditRecordCodec.decode(record.value);
      if (typeof parsed === 'string') context.deadLetter(record, parsed);
      else records.push({ ...parsed, before: parsed.before ?? null, after: parsed.after ?? null });
    }
    await this.auditLog.store(records);
  }
}
