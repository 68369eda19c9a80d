import { lookup } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { DeadlineExceededError, withDeadline } from './deadline';

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('withDeadline', () => {
  it('answers with the work that settles in time', async () => {
    await expect(withDeadline(Promise.resolve('done'), 50, 'the work')).resolves.toBe('done');
  });

  it('fails work that does not settle in time, naming it', async () => {
    await expect(withDeadline(new Promise(() => undefined), 5, 'the store')).rejects.toEqual(new DeadlineExceededError('the store', 5));
  });

  it('lets an answer that arrived while the loop was busy past the deadline win over it', async () => {
    // A lookup's answer comes back through the loop's I/O, as a socket's does. Meanwhile the loop is busy
    // (with other I/O's work, as a busy server is) until both the answer and the deadline are due.
    const work = new Promise<string>((resolve) => lookup('localhost', () => resolve('answered')));
    const raced = withDeadline(work, 5, 'the lookup');
    setImmediate(() => busyFor(100));
    await expect(raced).resolves.toBe('answered');
  });
});
