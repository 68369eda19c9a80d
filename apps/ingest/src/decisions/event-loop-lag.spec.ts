import { EventLoopLag } from './event-loop-lag';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hold = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until); // the loop held, as by a burst of work
};

describe('EventLoopLag', () => {
  let lag: EventLoopLag;
  beforeEach(() => {
    lag = new EventLoopLag();
    lag.onModuleInit();
  });
  afterEach(() => lag.onModuleDestroy());

  it('sees a loop that keeps falling behind, and forgets it once it keeps up', async () => {
    for (const until = Date.now() + 400; Date.now() < until;) {
      hold(40);
      await sleep(1);
    }
    expect(lag.ms).toBeGreaterThanOrEqual(25);
    await sleep(300);
    expect(lag.ms).toBeLessThan(15);
  });

  it('does not count one stall that is over', async () => {
    await sleep(250);
    hold(80);
    await sleep(15);
    expect(lag.ms).toBeLessThan(15);
  });
});
