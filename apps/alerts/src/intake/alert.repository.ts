import { Injectable } from '@nestjs/common';
import type { Alert, Verdict } from '@app/contracts';
import type { AlertSummary } from './alert-summary.view';
import { Database } from '@app/database';
import { databaseFailure } from '@app/platform';
import type { ClaimedDelivery } from '../delivery/delivery.repository';
import type { EndpointFilter } from './endpoint-filter';
import { ALERTS_STORED_CHANNEL } from './alert-signals';

export type EndpointForFanOut = EndpointFilter & { id: string };

/** Slots for sending new deliveries at once (the dispatcher's). The caller gives back unused ones, and all of them when storing fails. */
export interface HandOver {
  leaseMs: number;
  reserve(endpointId: string, maxInFlight: number): boolean;
}

export interface StoredAlerts {
  /** Ids of the alerts not seen before. */
  stored: string[];
  /** Deliveries stored leased to this process: send them now. */
  leased: ClaimedDelivery[];
  /** Endpoints whose reserved slot went unused (one entry per slot). */
  unusedReservations: string[];
  /** Deliveries stored for the queue (no slot was free). */
  queued: number;
}

interface EndpointRow {
  id: string;
  enabled: boolean;
  min_score: number | null;
  event_types: string[];
  reason_codes: string[];
  url: string;
  secret: string;
  previous_secret: string | null;
  max_in_flight: number;
}

/** Which alerts GET /v1/alerts lists: every filter given must hold. */
export interface AlertQuery {
  limit: number;
  userId?: string;
  decision?: Verdict;
  /** A reason code the alert carries (a rule's, or a feature's). */
  reason?: string;
  /** Received after / before these times, to the millisecond (a live feed asks for what came after its newest). */
  after?: Date;
  before?: Date;
}

/**
 * One statement, so atomic without a transaction of its own (a round trip each for BEGIN and COMMIT, and
 * one per step, cost a contended machine a wake-up of Postgres each): the alerts not seen before
 * ($1-$5), a notification to the feed's followers when there are any ($6, alert-signals.ts), and for
 * those alerts the chosen deliveries ($7-$9) to endpoints still enabled, leased for $10 ms where a slot
 * was reserved. Returns the new alerts with their stored text, and the deliveries created.
 */
const STORE_ALERTS_SQL = `
  WITH stored AS (
    INSERT INTO alerts (alert_id, user_id, event_type, score, payload)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::jsonb[])
    ON CONFLICT (alert_id) DO NOTHING
    RETURNING alert_id, payload::text AS payload
  ), signalled AS (
    SELECT pg_notify($6, '') FROM (SELECT 1 FROM stored LIMIT 1) AS any_stored
  ), created AS (
    INSERT INTO webhook_deliveries (alert_id, endpoint_id, next_attempt_at)
    SELECT pair.alert_id, pair.endpoint_id, CASE WHEN pair.leased THEN now() + ($10 || ' milliseconds')::interval ELSE now() END
    FROM unnest($7::text[], $8::uuid[], $9::boolean[]) AS pair(alert_id, endpoint_id, leased)
    JOIN stored USING (alert_id)
    JOIN webhook_endpoints AS endpoint ON endpoint.id = pair.endpoint_id AND endpoint.enabled
    ON CONFLICT DO NOTHING
    RETURNING id, alert_id, endpoint_id, next_attempt_at > now() AS leased
  )
  SELECT
    (SELECT coalesce(json_agg(json_build_object('alert_id', alert_id, 'payload', payload)), '[]') FROM stored) AS stored,
    (SELECT coalesce(json_agg(json_build_object('id', id, 'alert_id', alert_id, 'endpoint_id', endpoint_id, 'leased', leased)), '[]') FROM created) AS created,
    (SELECT count(*) FROM signalled) AS signalled`;

/** Alerts and their fan-out in Postgres: the only place that knows these tables. */
@Injectable()
export class AlertRepository {
  constructor(private readonly database: Database) {}

  /**
   * Stores the alerts not seen before and, atomically with them, one pending delivery per endpoint
   * that wants each (chosen by `pick` among the enabled endpoints). A delivery `handOver.reserve`
   * accepts is stored already leased to this process and returned, to be sent at once: a new alert
   * then reaches its receiver without waiting for the queue to be polled. Replayed alerts change
   * nothing. Two round trips: the endpoints, then one statement that stores it all (STORE_ALERTS_SQL).
   * A failure of the database is transient (the batch is retried); one caused by an alert's data is
   * not (the bus finds the alert and dead-letters it: databaseFailure).
   */
  async storeWithDeliveries(
    alerts: readonly Alert[],
    pick: (alert: Alert, endpoints: EndpointForFanOut[]) => string[],
    handOver: HandOver,
  ): Promise<StoredAlerts> {
    if (alerts.length === 0) return { stored: [], leased: [], unusedReservations: [], queued: 0 };
    const dataSource = await this.database.whenReady();
    try {
      const endpoints = new Map(
        (
          (await dataSource.query(
            `SELECT id, enabled, min_score, event_types, reason_codes, url, secret, max_in_flight,
                    CASE WHEN previous_secret_expires_at > now() THEN previous_secret END AS previous_secret
             FROM webhook_endpoints WHERE enabled`,
          )) as EndpointRow[]
        ).map((e) => [e.id, e]),
      );
      const filters = [...endpoints.values()].map((e) => ({
        id: e.id,
        enabled: e.enabled,
        minScore: e.min_score,
        eventTypes: e.event_types,
        reasonCodes: e.reason_codes,
      }));
      // Chosen before the statement tells which alerts are new: a replayed alert's pairs are dropped by it.
      const pairs: Array<{ alertId: string; endpointId: string; leased: boolean }> = [];
      for (const alert of alerts)
        for (const endpointId of pick(alert, filters)) {
          const endpoint = endpoints.get(endpointId) as EndpointRow;
          pairs.push({ alertId: alert.alertId, endpointId, leased: handOver.reserve(endpointId, endpoint.max_in_flight) });
        }
      const [result] = (await dataSource.query(STORE_ALERTS_SQL, [
        alerts.map((a) => a.alertId),
        alerts.map((a) => a.userId),
        alerts.map((a) => a.eventType),
        alerts.map((a) => a.score),
        alerts.map((a) => JSON.stringify(a)),
        ALERTS_STORED_CHANNEL,
        pairs.map((p) => p.alertId),
        pairs.map((p) => p.endpointId),
        pairs.map((p) => p.leased),
        String(handOver.leaseMs),
      ])) as [{ stored: Array<{ alert_id: string; payload: string }>; created: Array<{ id: string; alert_id: string; endpoint_id: string; leased: boolean }> }];
      // The stored text is what every attempt sends: retries carry the same bytes as the first.
      const payloads = new Map(result.stored.map((r) => [r.alert_id, r.payload]));
      const leased = result.created
        .filter((d) => d.leased)
        .map((d): ClaimedDelivery => {
          const e = endpoints.get(d.endpoint_id) as EndpointRow;
          return {
            id: d.id,
            attemptCount: 0,
            payload: payloads.get(d.alert_id) as string,
            endpointId: e.id,
            url: e.url,
            maxInFlight: e.max_in_flight,
            sealedSecrets: e.previous_secret ? [e.secret, e.previous_secret] : [e.secret],
          };
        });
      // A slot reserved for a replayed alert, or for a delivery that already existed, went unused.
      const unusedReservations = pairs.filter((p) => p.leased).map((p) => p.endpointId);
      for (const d of leased) unusedReservations.splice(unusedReservations.indexOf(d.endpointId), 1);
      return { stored: [...payloads.keys()], leased, unusedReservations, queued: result.created.length - leased.length };
    } catch (error) {
      throw databaseFailure('storing alerts failed', error);
    }
  }

  /** The newest alerts first, each with its deliveries. */
  /** The newest alerts matching `query`, each with its deliveries. */
  async list(query: AlertQuery): Promise<AlertSummary[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (sql: (parameter: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql(`$${parameters.length}`));
    };
    if (query.userId !== undefined) where((p) => `a.user_id = ${p}`, query.userId);
    if (query.decision !== undefined) where((p) => `a.payload->>'decision' = ${p}`, query.decision);
    if (query.reason !== undefined) where((p) => `a.payload->'reasons' @> ${p}::jsonb`, JSON.stringify([{ code: query.reason }]));
    // received_at has microseconds, the times given and answered milliseconds: "after" is after its millisecond.
    if (query.after !== undefined) where((p) => `a.received_at >= ${p}::timestamptz + interval '1 millisecond'`, query.after);
    if (query.before !== undefined) where((p) => `a.received_at < ${p}`, query.before);
    parameters.push(query.limit);
    const rows = (await this.database.current().query(
      `SELECT a.alert_id, a.user_id, a.event_type, a.score, a.received_at, a.payload,
              coalesce(json_agg(json_build_object('id', d.id, 'endpointId', d.endpoint_id, 'status', d.status, 'attemptCount', d.attempt_count, 'lastStatus', d.last_status)
                       ORDER BY d.created_at, d.endpoint_id) FILTER (WHERE d.id IS NOT NULL), '[]') AS deliveries
       FROM alerts a LEFT JOIN webhook_deliveries d ON d.alert_id = a.alert_id
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       GROUP BY a.alert_id ORDER BY a.received_at DESC, a.alert_id DESC LIMIT $${parameters.length}`,
      parameters,
    )) as Array<{
      alert_id: string;
      user_id: string;
      event_type: string;
      score: number;
      received_at: Date;
      payload: Alert;
      deliveries: AlertSummary['deliveries'];
    }>;
    return rows.map((r) => ({
      alertId: r.alert_id,
      eventId: r.payload.eventId,
      userId: r.user_id,
      eventType: r.event_type,
      occurredAt: r.payload.occurredAt,
      score: r.score,
      ...(r.payload.modelScored === false ? { modelScored: false as const } : {}),
      decision: r.payload.decision ?? null,
      reasons: r.payload.reasons,
      model: r.payload.model,
      raisedAt: r.payload.raisedAt,
      receivedAt: r.received_at.toISOString(),
      deliveries: r.deliveries,
    }));
  }
}
