import { Inject, Injectable } from '@nestjs/common';
import type { Alert } from '@app/contracts';
import { APP_CONFIG } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import type { DeliveryChannel } from '../channels/delivery-channel';
import { AlertRepository, type StoredAlerts } from '../intake/alert.repository';
import { wantsAlert } from '../intake/endpoint-filter';
import { WebhookDispatcher } from './webhook-dispatcher';

/**
 * The fraud teams' webhooks (Standard Webhooks, signed, retried). New alerts are stored with one
 * pending delivery per endpoint that wants each, atomically: an alert seen before changes
 * nothing. A delivery whose endpoint has a free slot in this process is stored leased to it and sent
 * at once; the others wait in the queue for the dispatcher.
 */
@Injectable()
export class WebhookChannel implements DeliveryChannel {
  readonly name = 'webhooks';

  constructor(
    private readonly alerts: AlertRepository,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(APP_CONFIG) private readonly config: AlertsConfig,
  ) {}

  async accept(alerts: readonly Alert[]): Promise<void> {
    const reserved: string[] = [];
    const handOver = {
      leaseMs: this.config.WEBHOOK_TIMEOUT_MS * 2,
      reserve: (endpointId: string, maxInFlight: number) => this.dispatcher.reserve(endpointId, maxInFlight) && reserved.push(endpointId) > 0,
    };
    let result: StoredAlerts;
    try {
      result = await this.alerts.storeWithDeliveries(alerts, (alert, endpoints) => endpoints.filter((e) => wantsAlert(e, alert)).map((e) => e.id), handOver);
    } catch (error) {
      for (const endpointId of reserved) this.dispatcher.release(endpointId);
      throw error;
    }
    for (const endpointId of result.unusedReservations) this.dispatcher.release(endpointId);
    for (const delivery of result.leased) this.dispatcher.sendReserved(delivery);
    if (result.queued > 0) this.dispatcher.wake(); // queued deliveries: no need to wait for the next poll
  }
}
