import { Inject, Injectable } from '@nestjs/common';
import type { Alert } from '@app/contracts';
import { DELIVERY_CHANNELS, type DeliveryChannel } from '../channels/delivery-channel';

/**
 * Hands a batch of alerts to every delivery channel at once. The batch is done when every channel
 * has taken it; a channel that fails fails the batch, which comes again (channels take repeats).
 */
@Injectable()
export class FanOutAlertsUseCase {
  constructor(@Inject(DELIVERY_CHANNELS) private readonly channels: readonly DeliveryChannel[]) {}

  async fanOut(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const outcomes = await Promise.allSettled(this.channels.map((channel) => channel.accept(alerts)));
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
