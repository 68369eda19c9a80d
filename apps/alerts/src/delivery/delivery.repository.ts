import { Injectable } from '@nestjs/common';
import { Database } from '@app/database';

/** A delivery claimed for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
  payload: string;
  endpointId: string;
  url: string;
  secrets: string[];
  maxInFlight: number;
}

export type AttemptOutcome =
  | { kind: 'delivered'; status: number; latencyMs: number }
  | { kind: 'retry'; status: number | null; latencyMs: number; error: string | null; retryInMs: number }
  | { kind: 'failed'; status: number | null; latencyMs: number; error: string | null; disableEndpoint?: string };

/** The delivery queue in Postgres: due deliveries are leased, attempts logged, outcomes written. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly database: Database) {}

  /**
   * Leases up to `limit` due deliveries of enabled endpoints not in `busyEndpoints`. The lease moves
   * `next_attempt_at` forward: if this process dies mid-send, the delivery falls due again when it
   * expires (at-least-once: receivers dedupe on webhook-id). SKIP LOCKED lets several instances share
   * the queue without waiting on each other.
   */
  async claim(limit: number, busyEndpoints: string[], leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = (await this.database.current().query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled AND NOT (d.endpoint_id = ANY($2::uuid[]))
         ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED
       ), leased AS (
         UPDATE webhook_deliveries d SET next_attempt_at = now() + ($3 || ' milliseconds')::interval FROM due WHERE d.id = due.id
         RETURNING d.id, d.attempt_count, d.alert_id, d.endpoint_id
       )
       SELECT l.id, l.attempt_count, a.payload::text AS payload, e.id AS endpoint_id, e.url, e.secret, e.max_in_flight,
              CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret
       FROM leased l JOIN alerts a ON a.alert_id = l.alert_id JOIN webhook_endpoints e ON e.id = l.endpoint_id`,
      [limit, busyEndpoints, String(leaseMs)],
    )) as Array<{ id: string; attempt_count: number; payload: string; endpoint_id: string; url: string; secret: string; previous_secret: string | null; max_in_flight: number }>;
    return rows.map((r) => ({
      id: r.id, attemptCount: r.attempt_count, payload: r.payload, endpointId: r.endpoint_id, url: r.url, maxInFlight: r.max_in_flight,
      secrets: r.previous_secret ? [r.secret, r.previous_secret] : [r.secret],
    }));
  }

  /** Gives a lease back unused (the endpoint was at its concurrency limit). */
  async release(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.database.current().query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [ids]);
  }

  /** Logs the attempt and writes its outcome, in one transaction. */
  async record(delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
    await this.database.current().transaction(async (tx) => {
      const error = outcome.kind === 'delivered' ? null : outcome.error;
      await tx.query('INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms, error) VALUES ($1, $2, $3, $4)', [delivery.id, outcome.status, outcome.latencyMs, error]);
      if (outcome.kind === 'delivered') {
        await tx.query(`UPDATE webhook_deliveries SET status = 'delivered', attempt_count = attempt_count + 1, last_status = $2, last_error = NULL, delivered_at = now() WHERE id = $1`, [delivery.id, outcome.status]);
      } else if (outcome.kind === 'retry') {
        await tx.query(
          `UPDATE webhook_deliveries SET attempt_count = attempt_count + 1, last_status = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval WHERE id = $1`,
          [delivery.id, outcome.status, error, String(outcome.retryInMs)],
        );
      } else {
        await tx.query(`UPDATE webhook_deliveries SET status = 'failed', attempt_count = attempt_count + 1, last_status = $2, last_error = $3 WHERE id = $1`, [delivery.id, outcome.status, error]);
        if (outcome.disableEndpoint) {
          await tx.query('UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1', [delivery.endpointId, outcome.disableEndpoint]);
        }
      }
    });
  }
}
