import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { alertCodec, subscription, type Alert, type TopicMap } from '@app/contracts';
import { Database } from '@app/database';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { FanOutAlertsUseCase } from './fan-out-alerts.use-case';

/** `alerts` → every delivery channel this process runs (ALERT_CHANNELS), an alert id once per batch. */
@Injectable()
export class AlertIntakeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertIntakeConsumer.name);
  private readonly membership: GroupMembership;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly database: Database,
    private readonly fanOut: FanOutAlertsUseCase,
    @Inject(APP_CONFIG) config: AlertsConfig,
  ) {
    this.membership = new GroupMembership(
      bus,
      {
        ...subscription('alerts', config.BUS_TOPIC_PREFIX),
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
    const alerts = new Map<string, Alert>();
    for (const record of batch.records) {
      const alert = alertCodec.decode(record.value);
      if (typeof alert === 'string') context.deadLetter(record, alert);
      else alerts.set(alert.alertId, alert);
    }
    await this.fanOut.fanOut([...alerts.values()]);
  }
}
