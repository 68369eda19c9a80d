import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError } from '@app/bus';
import { Database } from '@app/database';
import { APP_CONFIG } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';
import { WebhookTargetPolicy } from '../endpoints/webhook-target.policy';
import { SecretBox } from '../signing/secret-box';
import { signatureHeader } from '../signing/standard-webhooks';
import { countAttempt } from './delivery-metrics';
import { DeliveryRepository, type AttemptOutcome, type ClaimedDelivery } from './delivery.repository';
import { nextRetryDelayMs, retryAfterSeconds } from './retry-schedule';
import { WebhookTimeoutError, postWebhook } from './webhook-http';

const CLAIM_BATCH = 200;

/**
 * Works the delivery queue: leases due deliveries, sends each signed (Standard Webhooks headers over
 * the exact bytes sent), records the attempt, and schedules a retry, gives up, or disables the
 * endpoint (410 Gone). Each endpoint has at most `maxInFlight` deliveries in flight here, so a slow
 * receiver never holds up the others. `wake()` cuts the polling delay when new deliveries arrive.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  /** Deliveries in flight per endpoint here (the claim leaves each endpoint's limit room for no more). */
  private readonly inFlight = new Map<string, number>();
  private readonly sending = new Set<Promise<void>>();
  private stopped = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private wakePending = false;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly database: Database,
    @Inject(WebhookTargetPolicy) private readonly targets: WebhookTargetPolicy,
    @Inject(APP_CONFIG) private readonly config: AlertsConfig,
    private readonly secretBox: SecretBox,
  ) {}

  onApplicationBootstrap(): void {
    void this.database.whenReady().then(
      () => (this.loop = this.run()),
      () => undefined,
    );
  }

  /** Stops claiming and lets the deliveries in flight finish (their outcome is recorded). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.all([...this.sending]);
  }

  /** Takes a slot of an endpoint for a delivery the intake is about to store leased to us; false when it has none free. */
  reserve(endpointId: string, maxInFlight: number): boolean {
    if (this.stopped) return false;
    const busy = this.inFlight.get(endpointId) ?? 0;
    if (busy >= maxInFlight) return false;
    this.inFlight.set(endpointId, busy + 1);
    return true;
  }

  /** Gives back a reserved slot that went unused. */
  release(endpointId: string): void {
    this.leave(endpointId);
  }

  /** Sends a delivery the intake stored leased to us, in the slot it reserved. */
  sendReserved(delivery: ClaimedDelivery): void {
    this.track(delivery);
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true; // the loop is claiming: it must not go idle after this claim
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed: ClaimedDelivery[] = [];
      try {
        claimed = await this.deliveries.claim(CLAIM_BATCH, this.inFlight, this.config.WEBHOOK_TIMEOUT_MS * 2);
      } catch (error) {
        this.logger.warn(`claiming deliveries failed: ${describeError(error)}`);
      }
      const released: string[] = [];
      for (const delivery of claimed) {
        // The claim leaves room per endpoint; an endpoint whose limit was lowered meanwhile may still be full.
        if ((this.inFlight.get(delivery.endpointId) ?? 0) >= delivery.maxInFlight) released.push(delivery.id);
        else this.start(delivery);
      }
      await this.deliveries.release(released).catch(() => undefined); // an unreleased lease just expires
      if (claimed.length < CLAIM_BATCH) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.config.WEBHOOK_POLL_MS);
      this.wakeUp = done;
    });
  }

  private start(delivery: ClaimedDelivery): void {
    this.inFlight.set(delivery.endpointId, (this.inFlight.get(delivery.endpointId) ?? 0) + 1);
    this.track(delivery);
  }

  /** Sends a delivery whose slot is already counted, records its outcome, and frees the slot. */
  private track(delivery: ClaimedDelivery): void {
    const work = this.attempt(delivery)
      .then((outcome) => {
        countAttempt(delivery, outcome);
        return this.deliveries.record(delivery, outcome, this.config.WEBHOOK_DISABLE_AFTER_FAILING_MS);
      })
      .then((disabled) => {
        // The URL is not logged: receivers put tokens in them.
        if (disabled) this.logger.warn(`webhook endpoint ${delivery.endpointId} disabled: ${disabled}`);
      })
      .catch((error) => this.logger.warn(`recording delivery ${delivery.id} failed; its lease will expire and it is retried: ${describeError(error)}`))
      .finally(() => {
        this.leave(delivery.endpointId);
        this.sending.delete(work);
        this.wake(); // a free slot may let a waiting delivery of this endpoint go
      });
    this.sending.add(work);
  }

  private leave(endpointId: string): void {
    const left = (this.inFlight.get(endpointId) ?? 1) - 1;
    if (left > 0) this.inFlight.set(endpointId, left);
    else this.inFlight.delete(endpointId);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const failures = delivery.attemptCount + 1;
    const started = Date.now();
    const fail = (status: number | null, error: string | null, retryAfter: number | null = null): AttemptOutcome => {
      const latencyMs = Date.now() - started;
      const retryInMs = nextRetryDelayMs(failures, this.config.WEBHOOK_RETRY_SCHEDULE, retryAfter);
      return retryInMs === null ? { kind: 'failed', status, latencyMs, error } : { kind: 'retry', status, latencyMs, error, retryInMs };
    };
    // Checked again at send time (a name may resolve elsewhere than when it was registered), and the
    // request goes to the addresses checked, not to a second lookup's.
    const target = await this.targets.target(delivery.url);
    if ('problem' in target) return fail(null, `url ${target.problem}`);
    let secrets: string[];
    try {
      secrets = delivery.sealedSecrets.map((sealed) => this.secretBox.open(sealed));
    } catch (error) {
      return fail(null, describeError(error)); // a key missing from WEBHOOK_SECRET_KEYS: retried, then replayable once it is back
    }
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      // A redirect is an answer, not a new target to call: postWebhook never follows one.
      const response = await postWebhook(
        new URL(delivery.url),
        target.addresses,
        delivery.payload,
        {
          'content-type': 'application/json',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(secrets, delivery.id, timestamp, delivery.payload),
        },
        this.config.WEBHOOK_TIMEOUT_MS,
      );
      const latencyMs = Date.now() - started;
      if (response.status >= 200 && response.status < 300) return { kind: 'delivered', status: response.status, latencyMs };
      if (response.status === 410)
        return { kind: 'failed', status: 410, latencyMs, error: 'receiver answered 410 Gone', disableEndpoint: 'the receiver answered 410 Gone' };
      const retryAfter = response.headers['retry-after'];
      return fail(response.status, `receiver answered ${response.status}`, retryAfterSeconds(typeof retryAfter === 'string' ? retryAfter : null));
    } catch (error) {
      return fail(null, error instanceof WebhookTimeoutError ? error.message : describeError(error));
    }
  }
}
