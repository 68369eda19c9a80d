import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defaultStart } from './simulate';

const root = resolve(__dirname, '../..');
const DAY = 86_400_000;

/** Every file of a tree, but what tools install or build. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'dist', '.cache'].includes(name)) return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// A start given to the simulator as a date: `--start 2026-06-01`, `start: '2026-06-01'`, `start=2026-06-01`.
const FIXED_START = /(--start[ =]["']?|\bstart["']?\s*[:=]\s*["'`])\d{4}-\d{2}-\d{2}/;

describe('simulated histories end in the recent past, whatever the date', () => {
  it("ends the default history at the last midnight (UTC), so every event is in ingest's event-time bounds", () => {
    const now = Date.parse('2031-03-09T15:20:00Z');
    expect(defaultStart(70, now).toISOString()).toBe('2030-12-29T00:00:00.000Z');
    expect(defaultStart(70, now).getTime() + 70 * DAY).toBeLessThanOrEqual(now);
  });

  it('has no simulation start date written into the tests, the tools or the scripts', () => {
    const offenders = ['test', 'tools', 'scripts']
      .flatMap((dir) => filesUnder(join(root, dir)))
      .filter((file) => file !== __filename && /\.(ts|js|sh)$/.test(file))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) => (FIXED_START.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
