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

  // How the windows weigh the ticks is LagWindows's spec; this one checks the ticker feeds them. Only
  // a lower bound: a loaded machine delays ticks further, never less.
  it('sees this process loop falling behind', async () => {
    for (const until = Date.now() + 400; Date.now() < until;) {
      hold(40);
      await sleep(1);
    }
    expect(lag.ms).toBeGreaterThanOrEqual(25);
  });
});
