import { Counter, Histogram } from 'prom-client';
import type { AttemptOutcome, ClaimedDelivery } from './delivery.repository';

const attempts = new Counter({
  name: 'alerts_webhook_attempts_total',
  help: 'Webhook delivery attempts by endpoint id and outcome (delivered; retry: failed, tried again later; failed: given up)',
  labelNames: ['endpoint', 'outcome'],
});
const attemptSeconds = new Histogram({
  name: 'alerts_webhook_attempt_duration_seconds',
  help: "One attempt's HTTP exchange with the receiver, by outcome",
  labelNames: ['outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});
const deliverySeconds = new Histogram({
  name: 'alerts_webhook_delivery_latency_seconds',
  help: 'From the alert raised by scoring to its delivery acknowledged by the receiver, retries included',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200],
});

/** The alert's raisedAt, read from its payload (jsonb's text: `"key": value`) without parsing the whole of it. */
const RAISED_AT = /"raisedAt":\s*"([^"]+)"/;

export function countAttempt(delivery: ClaimedDelivery, outcome: AttemptOutcome, now = Date.now()): void {
  attempts.inc({ endpoint: delivery.endpointId, outcome: outcome.kind });
  attemptSeconds.observe({ outcome: outcome.kind }, outcome.latencyMs / 1000);
  if (outcome.kind !== 'delivered') return;
  const raisedAt = Date.parse(RAISED_AT.exec(delivery.payload)?.[1] ?? '');
  if (Number.isFinite(raisedAt)) deliverySeconds.observe(Math.max(0, now - raisedAt) / 1000);
}
