import { CoalescingSender } from './coalescing-sender';

describe('CoalescingSender', () => {
  it('sends the first submission at once and merges the ones that arrive while it is in flight', async () => {
    const sent: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sender = new CoalescingSender<number>(async (items) => {
      sent.push(items);
      if (sent.length === 1) await gate;
    });
    const first = sender.submit([1]);
    const second = sender.submit([2, 3]);
    const third = sender.submit([4]);
    release();
    await Promise.all([first, second, third]);
    expect(sent).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every caller whose items were in a failed send, and carries on for later ones', async () => {
    let fail = true;
    const sender = new CoalescingSender<number>(async () => { if (fail) { fail = false; throw new Error('broker down'); } });
    await expect(sender.submit([1])).rejects.toThrow('broker down');
    await expect(sender.submit([2])).resolves.toBeUndefined();
  });

  it('never puts more than the limit in one send, except a single larger submission', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sender = new CoalescingSender<number>(async (items) => { sizes.push(items.length); if (sizes.length === 1) await gate; }, 3);
    const all = [sender.submit([0]), sender.submit([1, 2]), sender.submit([3, 4]), sender.submit([5, 6, 7, 8])];
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 2, 2, 4]);
  });
});
