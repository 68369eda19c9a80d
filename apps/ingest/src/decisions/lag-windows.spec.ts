import { LagWindows } from './lag-windows';

/** Ticks every 10 ms from `from` to `to`, each `late` ms after it was due. */
function ticks(windows: LagWindows, from: number, to: number, late = 0): number {
  let now = from;
  while (now + 10 + late <= to) {
    now += 10 + late;
    windows.tick(now);
  }
  return now;
}

describe('LagWindows', () => {
  it('is zero while every tick is on time', () => {
    const windows = new LagWindows(10, 100, 0);
    ticks(windows, 0, 500);
    expect(windows.ms).toBe(0);
  });

  it('sees a loop that keeps falling behind, and forgets it once it keeps up', () => {
    const windows = new LagWindows(10, 100, 0);
    const behind = ticks(windows, 0, 400, 30);
    expect(windows.ms).toBe(30);
    ticks(windows, behind, behind + 250);
    expect(windows.ms).toBe(0);
  });

  it('does not count one stall that is over, two ticks on time after it', () => {
    // The stall's tick at every phase of the window: closing it, inside it, or just before its close
    // (then the first tick on time opens a window and the second is that window's evidence).
    for (let phase = 0; phase < 100; phase += 10) {
      const windows = new LagWindows(10, 100, 0);
      const beforeStall = ticks(windows, 0, 200 + phase);
      windows.tick(beforeStall + 10 + 80);
      windows.tick(beforeStall + 10 + 80 + 10);
      windows.tick(beforeStall + 10 + 80 + 20);
      expect(windows.ms).toBe(0);
    }
  });

  it('holds the last window worst until the window the latest tick opened has a tick', () => {
    const windows = new LagWindows(10, 100, 0);
    windows.tick(90); // 80 late, inside the first window
    windows.tick(100); // closes it
    expect(windows.ms).toBe(80);
    windows.tick(110);
    expect(windows.ms).toBe(0);
  });
});
