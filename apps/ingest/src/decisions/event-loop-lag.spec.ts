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
  });
  afterEach(() => lag.onModuleDestroy());

  // How the windows weigh the ticks is LagWindows's spec; this one checks the ticker feeds them. Only
  // a lower bound: a loaded machine delays ticks further, never less.
  it('sees this process loop falling behind', async () => {
    expect(lag.read()).toBe(0); // the first read starts the ticker: nothing known yet
    for (const until = Date.now() + 400; Date.now() < until;) {
      hold(40);
      await sleep(1);
    }
    expect(lag.read()).toBeGreaterThanOrEqual(25);
  });

  it('stops ticking when nobody reads it, and starts again at the next read', async () => {
    jest.useFakeTimers({ doNotFake: ['performance'] });
    try {
      lag.read();
      expect(jest.getTimerCount()).toBe(1);
      const readAt = performance.now();
      jest.spyOn(performance, 'now').mockReturnValue(readAt + 10_001);
      jest.advanceTimersByTime(10);
      expect(jest.getTimerCount()).toBe(0);
      expect(lag.read()).toBe(0);
      expect(jest.getTimerCount()).toBe(1);
    } finally {
      jest.restoreAllMocks();
      jest.useRealTimers();
    }
  });
});
