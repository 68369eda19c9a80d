import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter } from 'prom-client';
import { describeError } from '@app/bus';
import { Database } from '@app/database';
import { APP_CONFIG } from '@app/platform';
import type { AlertsConfig } from '../alerts.config';

/** Rows per delete: each is a short transaction, so intake and dispatch never wait long behind one. */
export const PRUNE_BATCH = 1_000;
const PAUSE_BETWEEN_BATCHES_MS = 50;
/** How long the dead letters are kept (GET /v1/dead-letters reads at most this far back). */
export const DEAD_LETTER_RETENTION_DAYS = 7;

const pruned = new Counter({ name: 'alerts_retention_pruned_total', help: 'Alerts deleted for age, with their deliveries and attempts' });

/**
 * Every ALERTS_RETENTION_INTERVAL_MS: deletes alerts older than ALERTS_RETENTION_DAYS with their
 * deliveries and attempts (which cascade), in small batches, and clears webhook secrets whose rotation
 * window has ended, and dead letters older than a week. An alert with a delivery still pending is kept whatever its age: an alert is never
 * dropped before its webhooks are done with it.
 */
@Injectable()
export class AlertRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly database: Database,
    @Inject(APP_CONFIG) private readonly config: AlertsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.pruneOnce().catch((error) => {
        this.logger.warn(`pruning old alerts failed; trying again later: ${describeError(error)}`);
        return 0;
      });
      void this.running.then(() => {
        // unref: a pending prune is no reason for the process to stay up.
        if (!this.stopped) this.timer = setTimeout(tick, this.config.ALERTS_RETENTION_INTERVAL_MS).unref();
      });
    };
    void this.database.whenReady().then(
      () => !this.stopped && tick(),
      () => undefined,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Deletes every alert past the retention, a batch at a time, and ended rotations' secrets; returns how many alerts. */
  async pruneOnce(): Promise<number> {
    // Nothing signs with a secret past its window (the claims read it only before): it need not be kept.
    await this.database
      .current()
      .query('UPDATE webhook_endpoints SET previous_secret = NULL, previous_secret_expires_at = NULL WHERE previous_secret_expires_at <= now()');
    await this.pruneDeadLetters();
    let total = 0;
    for (;;) {
      const deleted = await this.pruneBatch();
      total += deleted;
      pruned.inc(deleted);
      if (deleted < PRUNE_BATCH || this.stopped) return total;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_BATCHES_MS));
    }
  }

  /** Dead letters are kept DEAD_LETTER_RETENTION_DAYS: what the console shows of the pipeline's recent trouble. */
  private async pruneDeadLetters(): Promise<void> {
    for (;;) {
      const [, deleted] = (await this.database.current().query(
        `DELETE FROM dead_letters WHERE ctid IN (
           SELECT ctid FROM dead_letters WHERE dead_lettered_at < now() - make_interval(days => $1) LIMIT $2)`,
        [DEAD_LETTER_RETENTION_DAYS, PRUNE_BATCH],
      )) as [unknown, number];
      if (deleted < PRUNE_BATCH || this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_BATCHES_MS));
    }
  }

  private async pruneBatch(): Promise<number> {
    // The deliveries go in the same statement (their attempts cascade): the foreign key is checked at its end.
    const [, count] = (await this.database.current().query(
      `WITH doomed AS (
         SELECT a.alert_id FROM alerts a
          WHERE a.received_at < now() - make_interval(days => $1)
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.alert_id = a.alert_id AND d.status = 'pending')
          ORDER BY a.received_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ), deliveries AS (
         DELETE FROM webhook_deliveries d USING doomed WHERE d.alert_id = doomed.alert_id
       )
       DELETE FROM alerts a USING doomed WHERE a.alert_id = doomed.alert_id`,
      [this.config.ALERTS_RETENTION_DAYS, PRUNE_BATCH],
    )) as [unknown, number];
    return count;
  }
}
