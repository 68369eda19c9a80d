import type { Alert } from '@app/contracts';

/**
 * A way alerts reach people: the fraud teams' webhooks, a case-management tool's topic, ... The
 * fan-out hands every batch of new alerts to each channel at once; a channel resolves once the alerts
 * are durably in its hands (its queue in Postgres, its topic on the bus), and only then is the batch
 * committed. A batch that failed anywhere comes again, so a channel takes an alert it already has
 * without effect (webhooks) or passes it on with the same id for its receiver to recognise (cases).
 */
export interface DeliveryChannel {
  /** Its name in ALERT_CHANNELS and in logs. */
  readonly name: string;
  accept(alerts: readonly Alert[]): Promise<void>;
}

/** The channels this process delivers to (ALERT_CHANNELS), in the order given. */
export const DELIVERY_CHANNELS = Symbol('DELIVERY_CHANNELS');
