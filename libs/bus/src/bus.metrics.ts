import { Counter, Gauge, Histogram } from 'prom-client';

// Registered once per process in prom-client's default registry, which /metrics serves.
export const busMetrics = {
  published: new Counter({ name: 'bus_records_published_total', help: 'Records durably accepted by the bus', labelNames: ['engine', 'topic'] }),
  consumed: new Counter({
    name: 'bus_records_consumed_total',
    help: 'Records handed to a consumer group handler and committed',
    labelNames: ['engine', 'group', 'topic', 'partition'],
  }),
  deadLettered: new Counter({ name: 'bus_records_dead_lettered_total', help: 'Records sent to a dead-letter topic', labelNames: ['engine', 'group', 'topic'] }),
  transientBudgetSpent: new Counter({
    name: 'bus_transient_retry_budget_spent_total',
    help: 'Batches that failed transiently for longer than the retry budget: their failing records were dead-lettered',
    labelNames: ['engine', 'group', 'topic'],
  }),
  handlerFailures: new Counter({
    name: 'bus_handler_failures_total',
    help: 'Failed handler attempts (each is retried)',
    labelNames: ['engine', 'group', 'topic'],
  }),
  handlerSeconds: new Histogram({
    name: 'bus_handler_duration_seconds',
    help: 'Time to process and commit one batch',
    labelNames: ['engine', 'group', 'topic'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  lag: new Gauge({
    name: 'bus_consumer_lag',
    help: 'Records on a partition not yet processed by the group',
    labelNames: ['engine', 'group', 'topic', 'partition'],
  }),
};
