import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { Observable, ReplaySubject, type Subscriber } from 'rxjs';
import { APP_CONFIG, PLATFORM_OPTIONS, ROOT_LOGGER, type PlatformOptions } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';

/** The Postgres channel the intake notifies as it commits new alerts (alert.repository.ts). */
export const ALERTS_STORED_CHANNEL = 'alerts_stored';

const RECONNECT_MS = { first: 500, max: 5_000 };

/**
 * "New alerts are stored", pushed to whoever follows (GET /v1/alerts/signals): every alerts instance
 * notifies Postgres as its intake commits, and each instance listens on one connection of its own
 * while someone follows it, so a follower of any instance hears of what every instance stored. A signal
 * carries no alert: the follower asks GET /v1/alerts with its own filters. After the connection was
 * lost, the first signal comes as it is back: what was stored meanwhile is then asked for.
 */
@Injectable()
export class AlertSignals implements OnModuleDestroy {
  private readonly followers = new Set<Subscriber<void>>();
  /** Emits once as the service stops: whatever a follower's stream merges ends with it. */
  readonly stopping = new ReplaySubject<void>(1);
  private readonly logger: Logger;
  private client: Client | null = null;
  /** `client` is connected and has run LISTEN. */
  private listening = false;
  private retryMs = RECONNECT_MS.first;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AlertsConfig,
    @Inject(PLATFORM_OPTIONS) private readonly platform: PlatformOptions,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'alert-signals' });
  }

  /** A signal each time alerts were stored (several commits close together may come as one). */
  follow(): Observable<void> {
    return new Observable<void>((subscriber) => {
      if (this.stopped) return subscriber.complete();
      this.followers.add(subscriber);
      // Told at once when listening already, else as soon as it listens: what was stored before is asked for then.
      if (this.listening) queueMicrotask(() => subscriber.next());
      else if (!this.client && !this.retry) void this.listen();
      return () => this.followers.delete(subscriber);
    });
  }

  /** Ends every follower's stream: their responses end before the HTTP server closes. */
  onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.stopping.next();
    if (this.retry) clearTimeout(this.retry);
    for (const follower of this.followers) follower.complete();
    this.followers.clear();
    const client = this.client;
    this.client = null;
    this.listening = false;
    return client ? client.end().catch(() => undefined) : Promise.resolve();
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: `${this.platform.service}-signals`,
      connectionTimeoutMillis: this.config.DATABASE_CONNECT_TIMEOUT_MS,
    });
    this.client = client;
    client.on('notification', () => this.signal());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALERTS_STORED_CHANNEL}`);
      this.listening = this.client === client;
      this.retryMs = RECONNECT_MS.first;
      this.signal();
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private signal(): void {
    for (const follower of this.followers) follower.next();
  }

  private lost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    void client.end().catch(() => undefined);
    if (this.stopped || this.followers.size === 0) return;
    this.logger.warn({ err: error.message, retryInMs: this.retryMs }, 'not listening for stored alerts; followers get no signal until it is back');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.listen();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MS.max);
  }
}
