import { partitionProgress, stallLimit, type StalledPartition } from '@app/bus';
import { ReadinessProblem, type ReadinessCheck } from './readiness-check';

/**
 * Readiness means the service is doing its job: a partition of one of its consumers that has not
 * advanced for longer than BUS_STALL_AFTER_S (a batch stuck in its handler or its retries, or records
 * waiting while none is done) makes it not ready, named with its group and partition.
 */
export function consumersCheck(stallAfterSeconds: number): ReadinessCheck {
  stallLimit.ms = stallAfterSeconds * 1000;
  return {
    name: 'consumers',
    check: async () => {
      const stalled = partitionProgress.stalled(stallLimit.ms);
      if (stalled.length > 0) throw new ReadinessProblem(stalled.map(describeStall).join('; '));
    },
  };
}

export const describeStall = (s: StalledPartition) =>
  `group ${s.group}, ${s.topic} partition ${s.partition}: has not advanced for ${Math.round(s.stalledMs / 1000)} s (${s.lag} records waiting when last measured)`;
