import type { Alert, EventIn, Score } from '@app/contracts';
import { eventually, readLake, verifyStandardWebhook, type ReceivedWebhook } from '@app/testing';

export interface SuiteOutcome {
  events: Array<EventIn & { eventId: string }>;
  /** Everything published on the scores topic so far (a test's own reader group). */
  scores: () => Score[];
  received: ReceivedWebhook[];
  secret: string;
  lakeDir: string;
  /** GET /v1/profiles/{userId} on profile-api. */
  profile: (userId: string) => Promise<Response>;
  /** The lake's base URL: when the lake falls short, its readiness and progress join the failure. */
  lakeUrl?: string;
}

/**
 * What a run of the suite must leave behind, however it was disturbed: every event scored, every alert
 * the scores called for received under a single webhook-id and signed, every profile counting exactly
 * the scored events sent (alerts once each), and every event in the lake exactly once.
 */
export async function expectNothingLostNothingTwice(outcome: SuiteOutcome, timeoutMs = 90_000): Promise<void> {
  const { events, scores, received, secret, lakeDir } = outcome;
  const scored = events.filter((e) => e.type !== 'chargeback');
  await eventually(() => expect(new Set(scores().map((s) => s.eventId)).size).toBe(scored.length), { timeoutMs });

  const alerted = new Set(
    scores()
      .filter((s) => s.alert)
      .map((s) => `alert_${s.eventId}`),
  );
  expect(alerted.size).toBeGreaterThan(0);
  const alertIdOf = (m: ReceivedWebhook) => (JSON.parse(m.body) as Alert).alertId;
  await eventually(() => expect(new Set(received.map(alertIdOf))).toEqual(alerted), { timeoutMs });
  const webhookIds = new Map<string, Set<string>>();
  for (const m of received) webhookIds.set(alertIdOf(m), (webhookIds.get(alertIdOf(m)) ?? new Set()).add(m.id));
  expect([...webhookIds].filter(([, ids]) => ids.size !== 1)).toEqual([]);
  expect(received.filter((m) => !verifyStandardWebhook(secret, m)).map((m) => m.id)).toEqual([]);

  // Profiles fold Scores: chargebacks, applied but not scored, are not in them.
  const expected = new Map<string, { counts: Record<string, number>; alerts: number }>();
  for (const e of scored) {
    const entry = expected.get(e.userId) ?? { counts: {}, alerts: 0 };
    entry.counts[e.type] = (entry.counts[e.type] ?? 0) + 1;
    if (alerted.has(`alert_${e.eventId}`)) entry.alerts++;
    expected.set(e.userId, entry);
  }
  await eventually(
    async () => {
      for (const [userId, want] of expected) {
        const profile = (await (await outcome.profile(userId)).json()) as { eventCountsByType?: Record<string, number>; alertCount?: number };
        expect({ userId, counts: profile.eventCountsByType, alerts: profile.alertCount }).toEqual({ userId, ...want });
      }
    },
    { timeoutMs },
  );

  await eventually(
    async () => {
      const rows = await readLake(lakeDir, 'event_id');
      expect(rows).toHaveLength(events.length);
      expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(events.map((e) => e.eventId)));
    },
    { timeoutMs },
  ).catch(async (error: Error) => {
    if (outcome.lakeUrl) error.message += `\n\nthe lake then:\n${await serviceProgress(outcome.lakeUrl)}`;
    throw error;
  });
}

/**
 * A service's readiness answer and its progress metrics (records consumed and written, lag, handler
 * failures): the services of these tests log only fatal errors, so a wait that fails says this instead.
 */
async function serviceProgress(url: string): Promise<string> {
  const answer = async (path: string) => {
    try {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
      return `${response.status} ${await response.text()}`;
    } catch (error) {
      return `no answer (${(error as Error).message})`;
    }
  };
  const metrics = (await answer('/metrics'))
    .split('\n')
    .filter((line) => /^(lake_|bus_records_consumed_total|bus_consumer_lag|bus_handler_failures_total|bus_records_dead_lettered_total)/.test(line));
  return [`GET /health/ready: ${await answer('/health/ready')}`, ...metrics].join('\n');
}
