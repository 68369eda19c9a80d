import { pipelineView, type ServiceReport } from './pipeline-view';

const lag = (group: string, partition: number, value: number) => ({
  name: 'bus_consumer_lag',
  labels: { engine: 'redis', group, topic: 'events.enriched', partition: String(partition) },
  value,
});
const consumed = (group: string, partition: number, value: number) => ({ ...lag(group, partition, value), name: 'bus_records_consumed_total' });

describe('pipelineView', () => {
  const report = (samples: ServiceReport['samples'], ready = true): ServiceReport => ({
    service: 'scoring',
    ready,
    problems: ready ? [] : ['consumers: stalled'],
    samples,
  });

  it('shows lag, stalls and dead letters per group and partition, throughput from the previous look', () => {
    const first = pipelineView([report([lag('scoring', 1, 5), lag('scoring', 0, 0), consumed('scoring', 0, 100), consumed('scoring', 1, 40)])], null, 10_000);
    expect(first.view.partitions.map((p) => [p.partition, p.lag, p.perSecond])).toEqual([
      [0, 0, null],
      [1, 5, null],
    ]);
    const second = pipelineView(
      [
        report(
          [
            lag('scoring', 0, 0),
            lag('scoring', 1, 900),
            { ...lag('scoring', 1, 1), name: 'bus_consumer_stalled' },
            consumed('scoring', 0, 300),
            consumed('scoring', 1, 40),
            { name: 'bus_records_dead_lettered_total', labels: { engine: 'redis', group: 'scoring', topic: 'events.enriched' }, value: 2 },
          ],
          false,
        ),
      ],
      first.snapshot,
      12_000,
    );
    expect(second.view.partitions).toEqual([
      { group: 'scoring', topic: 'events.enriched', partition: 0, engine: 'redis', lag: 0, stalled: false, perSecond: 100 },
      { group: 'scoring', topic: 'events.enriched', partition: 1, engine: 'redis', lag: 900, stalled: true, perSecond: 0 },
    ]);
    expect(second.view.deadLetters).toEqual([{ group: 'scoring', topic: 'events.enriched', records: 2 }]);
    expect(second.view.services).toEqual([{ service: 'scoring', ready: false, problems: ['consumers: stalled'], answered: true }]);
  });

  it('gives no throughput for a counter that went back (a restarted process), and lists a service that did not answer', () => {
    const first = pipelineView([report([consumed('scoring', 0, 500)])], null, 0);
    const second = pipelineView(
      [report([consumed('scoring', 0, 20)]), { service: 'lake', ready: false, problems: ['did not answer'], samples: null }],
      first.snapshot,
      1_000,
    );
    expect(second.view.partitions[0].perSecond).toBeNull();
    expect(second.view.services[1]).toEqual({ service: 'lake', ready: false, problems: ['did not answer'], answered: false });
  });
});
