import { Injectable } from '@nestjs/common';
import { TransientError, describeError } from '@app/bus';
import type { Alert } from '@app/contracts';
import { Database } from '@app/database';
import type { EndpointFilter } from './endpoint-filter';

export type EndpointForFanOut = EndpointFilter & { id: string };

export interface AlertSummary {
  alertId: string;
  userId: string;
  eventType: string;
  score: number;
  receivedAt: string;
  deliveries: Array<{ id: string; endpointId: string; status: string; attemptCount: number; lastStatus: number | null }>;
}

/** Alerts and their fan-out in Postgres: the only place that knows these tables. */
@Injectable()
export class AlertRepository {
  constructor(private readonly database: Database) {}

  /**
   * Stores the alerts not seen before and, in the same transaction, one pending delivery per endpoint
   * that wants each (chosen by `pick` among the enabled endpoints). Returns the ids stored. Replayed
   * alerts change nothing; a failure is transient (retried by the bus, never dead-lettered).
   */
  async storeWithDeliveries(alerts: Alert[], pick: (alert: Alert, endpoints: EndpointForFanOut[]) => string[]): Promise<string[]> {
    if (alerts.length === 0) return [];
    const dataSource = await this.database.whenReady();
    try {
      return await dataSource.transaction(async (tx) => {
        const inserted = (await tx.query(
          `INSERT INTO alerts (alert_id, user_id, event_type, score, payload)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::jsonb[])
           ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id`,
          [alerts.map((a) => a.alertId), alerts.map((a) => a.userId), alerts.map((a) => a.eventType), alerts.map((a) => a.score), alerts.map((a) => JSON.stringify(a))],
        )) as Array<{ alert_id: string }>;
        if (inserted.length === 0) return [];
        const fresh = new Set(inserted.map((r) => r.alert_id));
        const endpoints = ((await tx.query(
          'SELECT id, enabled, min_score, event_types, reason_codes FROM webhook_endpoints WHERE enabled',
        )) as Array<{ id: string; enabled: boolean; min_score: number | null; event_types: string[]; reason_codes: string[] }>).map((e) => ({
          id: e.id, enabled: e.enabled, minScore: e.min_score, eventTypes: e.event_types, reasonCodes: e.reason_codes,
        }));
        const pairs: Array<[string, string]> = [];
        for (const alert of alerts) if (fresh.has(alert.alertId)) for (const endpointId of pick(alert, endpoints)) pairs.push([alert.alertId, endpointId]);
        if (pairs.length > 0) {
          await tx.query(
            `INSERT INTO webhook_deliveries (alert_id, endpoint_id) SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING`,
            [pairs.map(([a]) => a), pairs.map(([, e]) => e)],
          );
        }
        return [...fresh];
      });
    } catch (error) {
      throw error instanceof TransientError ? error : new TransientError(`storing alerts failed: ${describeError(error)}`, { cause: error });
    }
  }

  /** The newest alerts first, each with its deliveries. */
  async list(limit: number): Promise<AlertSummary[]> {
    const rows = (await this.database.current().query(
      `SELECT a.alert_id, a.user_id, a.event_type, a.score, a.received_at,
              coalesce(json_agg(json_build_object('id', d.id, 'endpointId', d.endpoint_id, 'status', d.status, 'attemptCount', d.attempt_count, 'lastStatus', d.last_status)
                       ORDER BY d.created_at, d.endpoint_id) FILTER (WHERE d.id IS NOT NULL), '[]') AS deliveries
       FROM alerts a LEFT JOIN webhook_deliveries d ON d.alert_id = a.alert_id
       GROUP BY a.alert_id ORDER BY a.received_at DESC, a.alert_id DESC LIMIT $1`,
      [limit],
    )) as Array<{ alert_id: string; user_id: string; event_type: string; score: number; received_at: Date; deliveries: AlertSummary['deliveries'] }>;
    return rows.map((r) => ({ alertId: r.alert_id, userId: r.user_id, eventType: r.event_type, score: r.score, receivedAt: r.received_at.toISOString(), deliveries: r.deliveries }));
  }
}
