import { parsePrometheusText } from './prometheus-text';

describe('parsePrometheusText', () => {
  const text = [
    '# HELP bus_consumer_lag Records on a partition not yet processed by the group',
    '# TYPE bus_consumer_lag gauge',
    'bus_consumer_lag{engine="redis",group="scoring",topic="events.enriched",partition="0",service="scoring"} 12',
    'bus_consumer_lag{engine="redis",group="scoring",topic="events.enriched",partition="1",service="scoring"} 0',
    'bus_records_dead_lettered_total{group="say \\"hi\\"",topic="a\\\\b"} 3',
    'process_cpu_seconds_total 1.5e+2',
    '',
  ].join('\n');

  it('reads names, labels (unescaped) and values', () => {
    expect(parsePrometheusText(text)).toEqual([
      { name: 'bus_consumer_lag', labels: { engine: 'redis', group: 'scoring', topic: 'events.enriched', partition: '0', service: 'scoring' }, value: 12 },
      { name: 'bus_consumer_lag', labels: { engine: 'redis', group: 'scoring', topic: 'events.enriched', partition: '1', service: 'scoring' }, value: 0 },
      { name: 'bus_records_dead_lettered_total', labels: { group: 'say "hi"', topic: 'a\\b' }, value: 3 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 150 },
    ]);
  });

  it('keeps only the metrics asked for', () => {
    expect(parsePrometheusText(text, new Set(['process_cpu_seconds_total'])).map((s) => s.value)).toEqual([150]);
  });
});
