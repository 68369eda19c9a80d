import { metricsQueriedBy } from './promql-metrics';

describe('metricsQueriedBy', () => {
  it('finds the metrics of an expression, not its functions, labels, ranges or numbers', () => {
    expect(metricsQueriedBy('sum by (outcome) (rate(ingest_events_total{source="http"}[1m]))')).toEqual(['ingest_events_total']);
    expect(metricsQueriedBy('histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="ingest"}[5m])))')).toEqual([
      'http_request_duration_seconds',
    ]);
    expect(metricsQueriedBy('max(alerts_webhook_queue_depth) / on (service) group_left sum(up)')).toEqual(['alerts_webhook_queue_depth', 'up']);
    expect(metricsQueriedBy('rate(a_total[5m]) / rate(b_seconds_count[5m]) > 0.5')).toEqual(['a_total', 'b_seconds']);
  });
});
