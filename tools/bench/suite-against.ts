/**
 * `npm run bench -- --against REF`: another commit's suite, built in a git worktree, driven by this
 * checkout's benchmark on the same traffic (suite-run.ts), and the A/B arithmetic over the runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median } from './percentiles';
import type { StartSuiteProcess } from './suite-run';

const root = resolve(__dirname, '../..');
const git = (args: string[], cwd = root) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/**
 * A worktree of `ref` under .cache/bench-against/<commit>, built as `npm run build` builds this
 * checkout, and the function that starts its processes: the ref's own libs/testing topology (its
 * processes, settings and heap ceilings), so each side runs as it was released.
 * node_modules is this checkout's when the lockfiles agree (the common case: a design change without a
 * dependency change); otherwise the worktree installs its own. The ref's npm scripts are not used: a
 * worktree's scripts/run.sh would see a lockfile newer than the shared node_modules and reinstall into it.
 */
export function prepareAgainst(ref: string): { commit: string; start: StartSuiteProcess } {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = join(root, '.cache', 'bench-against', commit);
  if (!existsSync(join(dir, '.git'))) {
    git(['worktree', 'prune']);
    git(['worktree', 'add', '--detach', '--force', dir, commit]);
  }
  if (!existsSync(join(dir, 'node_modules'))) {
    if (readFileSync(join(dir, 'package-lock.json'), 'utf8') === readFileSync(join(root, 'package-lock.json'), 'utf8'))
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    else execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  }
  const nestCli = JSON.parse(readFileSync(join(dir, 'nest-cli.json'), 'utf8')) as { projects: Record<string, { type: string }> };
  for (const [app, project] of Object.entries(nestCli.projects)) {
    if (project.type !== 'application') continue;
    console.error(`[bench] building ${app} of ${commit.slice(0, 12)}`);
    execFileSync(join(dir, 'node_modules/.bin/nest'), ['build', app], { cwd: dir, stdio: 'inherit' });
  }
  // The ref's module, loaded at run time from its worktree.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time, loaded through ts-node
  const topology = require(join(dir, 'libs/testing/src/suite-topology')) as { startSuiteProcess: StartSuiteProcess };
  return { commit, start: topology.startSuiteProcess };
}

/**
 * This checkout's figure against the ref's: the ratio of their medians over the runs (nearest rank: of two, the lower), and its spread as
 * the smallest and largest ratio of one run of each side taken in the same round.
 */
export function abRatio(these: number[], theirs: number[]): { ratio: number; min: number; max: number } {
  const perRound = these.map((value, i) => value / theirs[i]);
  const round3 = (x: number) => Number(x.toFixed(3));
  return { ratio: round3(median(these) / median(theirs)), min: round3(Math.min(...perRound)), max: round3(Math.max(...perRound)) };
}
