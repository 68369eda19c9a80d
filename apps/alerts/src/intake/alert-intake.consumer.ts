import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, MessageBus, RecordBatch } from '@app/bus';
import { alertCodec, consumerGroup, ConsumerGroups, type Alert, type TopicMap } from '@app/contracts';
import { ConsumerAfterDatabase, Database } from '@app/database';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { WebhookDispatcher } from '../delivery/webhook-dispatcher';
import { AlertRepository, type StoredAlerts } from './alert.repository';
import { wantsAlert } from './endpoint-filter';

/** `alerts` → stored once, fanned out to a pending delivery per interested endpoint. */
@Injectable()
export class AlertIntakeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertIntakeConsumer.name);
  private readonly consumer: ConsumerAfterDatabase;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly alerts: AlertRepository,
    private readonly database: Database,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(APP_CONFIG) private readonly config: AlertsConfig,
  ) {
    this.consumer = new ConsumerAfterDatabase(bus, {
      group: consumerGroup(config.BUS_TOPIC_PREFIX, ConsumerGroups.alerts), topics: [topics.alerts], deadLetterTopic: topics.invalid, handler: (batch, context) => this.handle(batch, context),
    }, (message) => this.logger.warn(message));
  }

  onApplicationBootstrap(): void {
    this.consumer.startWhenReady(this.database);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private async handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    const alerts = new Map<string, Alert>();
    for (const record of batch.records) {
      const alert = alertCodec.decode(record.value);
      if (typeof alert === 'string') context.deadLetter(record, alert);
      else alerts.set(alert.alertId, alert);
    }
    // Deliveries with a free slot are stored leased to this process and sent at once; the rest wait in the queue.
    const reserved: string[] = [];
    const handOver = {
      leaseMs: this.config.WEBHOOK_TIMEOUT_MS * 2,
      reserve: (endpointId: string, maxInFlight: number) => this.dispatcher.reserve(endpointId, maxInFlight) && reserved.push(endpointId) > 0,
    };
    let result: StoredAlerts;
    try {
      result = await this.alerts.storeWithDeliveries([...alerts.values()], (alert, endpoints) => endpoints.filter((e) => wantsAlert(e, alert)).map((e) => e.id), handOver);
    } catch (error) {
      for (const endpointId of reserved) this.dispatcher.release(endpointId);
      throw error;
    }
    for (const endpointId of result.unusedReservations) this.dispatcher.release(endpointId);
    for (const delivery of result.leased) this.dispatcher.sendReserved(delivery);
    if (result.queued > 0) this.dispatcher.wake(); // queued deliveries: no need to wait for the next poll
  }
}
