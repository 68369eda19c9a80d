import { Injectable } from '@nestjs/common';
import { Database, rowsOf } from '@app/database';
import type { DeliveryView } from './delivery.view';

/** A delivery claimed for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
  payload: string;
  endpointId: string;
  url: string;
  /** The signing secrets as stored (sealed: SecretBox), opened only to sign. */
  sealedSecrets: string[];
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
   * Leases up to `limit` due deliveries of enabled endpoints, for each endpoint its oldest due ones up
   * to its free slots (its max_in_flight less `inFlight`, what this process is sending to it), read
   * from the per-endpoint index: a claim reads about as many rows as it can start, however long the
   * queue: reading the oldest due deliveries of all endpoints and ranking them would cost ~1 ms of
   * Postgres a claim while a backlog waits, and there is a claim per finished delivery. The
   * lease moves `next_attempt_at` forward: if this process dies mid-send, the delivery falls due again
   * when it expires (at-least-once: receivers dedupe on webhook-id). SKIP LOCKED lets several instances
   * share the queue without waiting on each other.
   */
  /** The queue as a scrape reports it: deliveries waiting (due or not), and how late the most overdue one is. */
  async queueFigures(): Promise<{ pending: number; oldestDueSeconds: number }> {
    const [row] = (await this.database.current().query(
      `SELECT count(*)::int AS pending,
              coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0)::float8 AS oldest
       FROM webhook_deliveries WHERE status = 'pending'`,
    )) as Array<{ pending: number; oldest: number }>;
    return { pending: row.pending, oldestDueSeconds: row.oldest };
  }

  async claim(limit: number, inFlight: Map<string, number>, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = (await this.database.current().query(
      `WITH slots AS (
         SELECT e.id, e.max_in_flight - coalesce(busy.n, 0) AS free
         FROM webhook_endpoints e LEFT JOIN unnest($2::uuid[], $3::int[]) AS busy(endpoint_id, n) ON busy.endpoint_id = e.id
         WHERE e.enabled AND e.max_in_flight > coalesce(busy.n, 0)
       ), picked AS (
         SELECT due.id FROM slots CROSS JOIN LATERAL (
           SELECT d.id FROM webhook_deliveries d
           WHERE d.endpoint_id = slots.id AND d.status = 'pending' AND d.next_attempt_at <= now()
           ORDER BY d.next_attempt_at LIMIT slots.free FOR UPDATE SKIP LOCKED
         ) due
         LIMIT $1
       ), leased AS (
         UPDATE webhook_deliveries d SET next_attempt_at = now() + ($4 || ' milliseconds')::interval FROM picked WHERE d.id = picked.id
         RETURNING d.id, d.attempt_count, d.alert_id, d.endpoint_id
       )
       SELECT l.id, l.attempt_count, a.payload::text AS payload, e.id AS endpoint_id, e.url, e.secret, e.max_in_flight,
              CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret
       FROM leased l JOIN alerts a ON a.alert_id = l.alert_id JOIN webhook_endpoints e ON e.id = l.endpoint_id`,
      [limit, [...inFlight.keys()], [...inFlight.values()], String(leaseMs)],
    )) as Array<{
      id: string;
      attempt_count: number;
      payload: string;
      endpoint_id: string;
      url: string;
      secret: string;
      previous_secret: string | null;
      max_in_flight: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      attemptCount: r.attempt_count,
      payload: r.payload,
      endpointId: r.endpoint_id,
      url: r.url,
      maxInFlight: r.max_in_flight,
      sealedSecrets: r.previous_secret ? [r.secret, r.previous_secret] : [r.secret],
    }));
  }

  /** Gives a lease back unused (the endpoint was at its concurrency limit). */
  async release(ids: string[]): Promise<void> {
    if (ids.length > 0)
      await this.database.current().query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`, [ids]);
  }

  /**
   * Logs the attempt and writes its outcome, in one transaction. A success ends the endpoint's run of
   * failures; a failure starts one, and an endpoint failing for longer than `disableAfterMs` is disabled.
   * Returns the reason when this attempt disabled the endpoint.
   */
  async record(delivery: ClaimedDelivery, outcome: AttemptOutcome, disableAfterMs: number): Promise<string | null> {
    if (outcome.kind === 'delivered') {
      // The common case in one statement, one round trip (a statement is atomic without BEGIN/COMMIT).
      await this.database.current().query(
        `WITH attempt AS (INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms) VALUES ($1, $2, $3)),
              recovered AS (UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $4 AND failing_since IS NOT NULL)
         UPDATE webhook_deliveries SET status = 'delivered', attempt_count = attempt_count + 1, last_status = $2, last_error = NULL, delivered_at = now() WHERE id = $1`,
        [delivery.id, outcome.status, outcome.latencyMs, delivery.endpointId],
      );
      return null;
    }
    return this.database.current().transaction(async (tx) => {
      const error = outcome.error;
      await tx.query('INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms, error) VALUES ($1, $2, $3, $4)', [
        delivery.id,
        outcome.status,
        outcome.latencyMs,
        error,
      ]);
      if (outcome.kind === 'retry') {
        await tx.query(
          `UPDATE webhook_deliveries SET attempt_count = attempt_count + 1, last_status = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval WHERE id = $1`,
          [delivery.id, outcome.status, error, String(outcome.retryInMs)],
        );
      } else {
        await tx.query(`UPDATE webhook_deliveries SET status = 'failed', attempt_count = attempt_count + 1, last_status = $2, last_error = $3 WHERE id = $1`, [
          delivery.id,
          outcome.status,
          error,
        ]);
      }
      const [endpoint] = rowsOf<{ failing_since: Date; enabled: boolean }>(
        await tx.query(`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()) WHERE id = $1 RETURNING failing_since, enabled`, [
          delivery.endpointId,
        ]),
      );
      const sustained =
        endpoint && Date.now() - endpoint.failing_since.getTime() >= disableAfterMs
          ? `failing since ${endpoint.failing_since.toISOString()} (sustained failure)`
          : null;
      const reason = (outcome.kind === 'failed' ? outcome.disableEndpoint : undefined) ?? sustained;
      if (!reason || !endpoint?.enabled) return null;
      await tx.query('UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1', [delivery.endpointId, reason]);
      return reason;
    });
  }

  /** An endpoint's deliveries, newest first, each with its attempts. */
  async listForEndpoint(endpointId: string, status: string | undefined, limit: number): Promise<DeliveryView[]> {
    const rows = (await this.database.current().query(
      `SELECT d.id, d.alert_id AS "alertId", d.status, d.attempt_count AS "attemptCount", d.next_attempt_at AS "nextAttemptAt", d.last_status AS "lastStatus",
              d.last_error AS "lastError", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt",
              coalesce((SELECT json_agg(json_build_object('at', t.attempted_at, 'status', t.status_code, 'latencyMs', t.latency_ms, 'error', t.error) ORDER BY t.attempted_at)
                        FROM webhook_attempts t WHERE t.delivery_id = d.id), '[]') AS attempts
       FROM webhook_deliveries d WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
       ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
      [endpointId, status ?? null, limit],
    )) as Array<Omit<DeliveryView, 'nextAttemptAt' | 'createdAt' | 'deliveredAt'> & { nextAttemptAt: Date; createdAt: Date; deliveredAt: Date | null }>;
    return rows.map((r) => ({
      ...r,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
      deliveredAt: r.deliveredAt?.toISOString() ?? null,
    }));
  }

  /**
   * Sends failed deliveries again, with their original webhook-id (receivers dedupe on it): one by id,
   * or every failure created in [from, to). Returns the ids put back in the queue.
   */
  async replayFailed(endpointId: string, selection: { deliveryId: string } | { from: Date; to: Date }): Promise<string[]> {
    const where = 'deliveryId' in selection ? 'id = $2' : 'created_at >= $2 AND created_at < $3';
    const params = 'deliveryId' in selection ? [endpointId, selection.deliveryId] : [endpointId, selection.from, selection.to];
    const rows = rowsOf<{ id: string }>(
      await this.database
        .current()
        .query(
          `UPDATE webhook_deliveries SET status = 'pending', attempt_count = 0, next_attempt_at = now() WHERE endpoint_id = $1 AND status = 'failed' AND ${where} RETURNING id`,
          params,
        ),
    );
    return rows.map((r) => r.id);
  }
}
