import { PartitionProgress } from './partition-progress';

describe('PartitionProgress: which partitions stand still', () => {
  const LIMIT = 60_000;

  it('calls a partition stalled whose batch has been in hand for longer than the limit, retries included, and ready again once it is done', () => {
    const progress = new PartitionProgress();
    progress.batchStarted('redis', 'profiles', 'events.enriched', 1, 0);
    progress.batchStarted('redis', 'profiles', 'events.enriched', 1, 30_000); // handed again after a failure: the first start counts
    expect(progress.stalled(LIMIT, 59_000)).toEqual([]);
    expect(progress.stalled(LIMIT, 61_000)).toEqual([{ group: 'profiles', topic: 'events.enriched', partition: 1, stalledMs: 61_000, lag: 0 }]);
    progress.batchDone('redis', 'profiles', 'events.enriched', 1, 62_000);
    expect(progress.stalled(LIMIT, 200_000)).toEqual([]);
  });

  it('calls a partition stalled that had records waiting, measured, while none was done for longer than the limit', () => {
    const progress = new PartitionProgress();
    progress.batchDone('kafka', 'scoring', 'events.enriched', 0, 0);
    progress.lagMeasured('kafka', 'scoring', 'events.enriched', 0, 500, 30_000);
    expect(progress.stalled(LIMIT, 100_000)).toEqual([]); // the last measure is within the limit of the last batch
    progress.lagMeasured('kafka', 'scoring', 'events.enriched', 0, 800, 90_000);
    expect(progress.stalled(LIMIT, 100_000)).toEqual([{ group: 'scoring', topic: 'events.enriched', partition: 0, stalledMs: 100_000, lag: 800 }]);
  });

  it('does not call stalled a partition with nothing waiting, one no longer measured here, or one of a stopped consumer', () => {
    const progress = new PartitionProgress();
    progress.lagMeasured('redis', 'alerts', 'alerts', 0, 0, 0);
    progress.lagMeasured('redis', 'alerts', 'alerts', 0, 0, 500_000);
    // Handed to another member: its last measure was taken right after its last batch.
    progress.batchDone('kafka', 'scoring', 'events.enriched', 3, 0);
    progress.lagMeasured('kafka', 'scoring', 'events.enriched', 3, 40, 0);
    progress.batchStarted('kafka', 'lake', 'events.enriched', 2, 0);
    progress.batchAbandoned('kafka', 'lake', 'events.enriched', 2, 1_000);
    progress.batchStarted('redis', 'stopped', 'scores', 0, 0);
    progress.forget('stopped');
    expect(progress.stalled(LIMIT, 1_000_000)).toEqual([]);
    expect(
      progress
        .states(LIMIT, 1_000_000)
        .map((s) => s.group)
        .sort(),
    ).toEqual(['alerts', 'lake', 'scoring']);
  });
});
