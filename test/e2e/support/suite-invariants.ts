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
  );
}
