import { BusBackpressureError, CoalescingSender } from './coalescing-sender';

const limits = (maxBytesPerSend = 1_000, maxQueuedItems = 1_000) => ({ weigh: () => 1, maxBytesPerSend, maxQueuedItems });

/** A send function that holds its first call until released, so later submissions pile up. */
function gatedSend(sent: number[][], fail?: (call: number) => boolean) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const send = async (items: number[]) => {
    sent.push(items);
    if (sent.length === 1) await gate;
    if (fail?.(sent.length)) throw new Error(`send ${sent.length} failed`);
  };
  return { send, release: () => release() };
}

describe('CoalescingSender', () => {
  it('sends the first submission at once and merges the ones that arrive while it is in flight', async () => {
    const sent: number[][] = [];
    const { send, release } = gatedSend(sent);
    const sender = new CoalescingSender<number>(send, limits());
    const all = [sender.submit([1]), sender.submit([2, 3]), sender.submit([4])];
    release();
    await Promise.all(all);
    expect(sent).toEqual([[1], [2, 3, 4]]);
  });

  it('splits by bytes, including one submission larger than a request, and resolves it when all of it is sent', async () => {
    const sent: number[][] = [];
    const { send, release } = gatedSend(sent);
    const sender = new CoalescingSender<number>(send, limits(3));
    const first = sender.submit([0]);
    const big = sender.submit([1, 2, 3, 4, 5, 6, 7]);
    const small = sender.submit([8]);
    release();
    await Promise.all([first, big, small]);
    expect(sent).toEqual([[0], [1, 2, 3], [4, 5, 6], [7, 8]]);
  });

  it('rejects a submission whose part failed, skips the rest of it, and carries on with others', async () => {
    const sent: number[][] = [];
    const { send, release } = gatedSend(sent, (call) => call === 2);
    const sender = new CoalescingSender<number>(send, limits(2));
    const first = sender.submit([0]);
    const doomed = sender.submit([1, 2, 3, 4]);
    const later = sender.submit([5]);
    release();
    await expect(first).resolves.toBeUndefined();
    await expect(doomed).rejects.toThrow('send 2 failed');
    await expect(later).resolves.toBeUndefined();
    expect(sent).toEqual([[0], [1, 2], [5]]);
  });

  it('refuses new work with a backpressure error once too much is queued', async () => {
    const sent: number[][] = [];
    const { send, release } = gatedSend(sent);
    const sender = new CoalescingSender<number>(send, limits(1_000, 3));
    const inFlight = sender.submit([1]);
    const queued = sender.submit([2, 3]);
    await expect(sender.submit([4, 5])).rejects.toBeInstanceOf(BusBackpressureError);
    release();
    await Promise.all([inFlight, queued]);
    await expect(sender.submit([6])).resolves.toBeUndefined();
  });
});
