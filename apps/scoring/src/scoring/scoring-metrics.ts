import { Counter } from 'prom-client';

/** What scoring counts, for /metrics. */
export const scoringMetrics = {
  scored: new Counter({ name: 'scoring_events_scored_total', help: 'Events scored, by decision', labelNames: ['decision'] }),
  alerts: new Counter({ name: 'scoring_alerts_raised_total', help: 'Alerts raised' }),
  late: new Counter({ name: 'scoring_late_events_total', help: 'Events older than the grace: scored, windows not updated' }),
  duplicates: new Counter({
    name: 'scoring_duplicate_events_total',
    help: 'Copies of events applied lately (a producer published twice): scored, windows not updated',
  }),
  redelivered: new Counter({ name: 'scoring_redelivered_events_total', help: 'Events at or before the stored position: already applied, skipped' }),
  shadow: new Counter({
    name: 'scoring_shadow_decisions_total',
    help: 'Events scored by the shadow model too, by the live decision and the one the shadow would have made',
    labelNames: ['live', 'shadow'],
  }),
  chargebacks: new Counter({
    name: 'scoring_chargebacks_total',
    help: 'Chargebacks applied, by whether the transaction they name was found (matched) or not (unmatched: counted at the claimed or their own time)',
    labelNames: ['outcome'],
  }),
  chargebackFlags: new Counter({
    name: 'scoring_chargeback_flags_total',
    help: 'Chargebacks applied with something that disagrees with the transaction they name, or unmatched, by flag',
    labelNames: ['flag'],
  }),
  shadowFailures: new Counter({
    name: 'scoring_shadow_failures_total',
    help: "Batches the shadow model failed to score (their scores went out without the shadow's opinion)",
  }),
};
