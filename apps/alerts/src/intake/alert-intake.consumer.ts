import { Inject, Injectable } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { alertCodec, subscription, type Alert, type TopicMap } from '@app/contracts';
import { Database, DatabaseConsumer } from '@app/database';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { FanOutAlertsUseCase } from './fan-out-alerts.use-case';

/** `alerts` → every delivery channel this process runs (ALERT_CHANNELS), an alert id once per call. */
@Injectable()
export class AlertIntakeConsumer extends DatabaseConsumer {
  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    database: Database,
    private readonly fanOut: FanOutAlertsUseCase,
    @Inject(APP_CONFIG) config: AlertsConfig,
  ) {
    super(bus, database, { ...subscription('alerts', config.BUS_TOPIC_PREFIX), deadLetterTopic: topics.invalid });
  }

  protected handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    return this.handleTogether([batch], context);
  }

  /** The partitions one read or fetch brought, handed to the channels at once: an alert waits for no other partition's round trips. */
  protected async handleTogether(batches: RecordBatch[], context: BatchContext): Promise<void> {
    const alerts = new Map<string, Alert>();
    for (const batch of batches) {
      for (const record of batch.records) {
        const alert = alertCodec.decode(record.value);
        if (typeof alert === 'string') context.deadLetter(record, alert);
        else alerts.set(alert.alertId, alert);
      }
    }
    await this.fanOut.fanOut([...alerts.values()]);
  }
}
