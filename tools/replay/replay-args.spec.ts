import { parseReplayArgs } from './replay-args';

describe('parseReplayArgs', () => {
  it('reads the group, the time, topics and the bus', () => {
    expect(
      parseReplayArgs(['--group', 'scoring', '--from', '2026-11-23T08:00:00Z', '--topic', 'events.enriched', '--dry-run'], { BUS_URL: 'redis://h:6379' }),
    ).toEqual({
      group: 'scoring',
      from: new Date('2026-11-23T08:00:00Z'),
      topics: ['events.enriched'],
      busUrl: 'redis://h:6379',
      dryRun: true,
    });
  });

  it('lets --bus override BUS_URL', () => {
    expect(parseReplayArgs(['--group', 'g', '--from', '2026-01-01', '--bus', 'kafka://k:9092'], { BUS_URL: 'redis://h:6379' }).busUrl).toBe('kafka://k:9092');
  });

  it.each([
    [['--from', '2026-01-01'], '--group is required'],
    [['--group', 'g'], '--from is required'],
    [['--group', 'g', '--from', 'yesterday'], '--from must be an ISO-8601 time'],
    [['--group', 'g', '--from', '2026-13-45T00:00:00Z'], '--from must be an ISO-8601 time'],
    [['--group'], '--group needs a value'],
    [['--group', 'g', '--from', '2026-01-01', '--force'], 'unknown argument "--force"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseReplayArgs(argv, { BUS_URL: 'redis://h:6379' })).toThrow(message);
  });

  it('needs a bus', () => {
    expect(() => parseReplayArgs(['--group', 'g', '--from', '2026-01-01'], {})).toThrow('--bus or BUS_URL is required');
  });
});
