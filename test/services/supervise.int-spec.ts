import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually, sleep } from '@app/testing';

const root = resolve(__dirname, '../..');

/** scripts/supervise.sh's `supervise` over `command` (each start notes its pid in the file `pids`); what it says is collected. */
function supervise(dir: string, command: string[]): { process: ChildProcess; said: () => string } {
  let said = '';
  const child = spawn('bash', ['-c', 'source scripts/supervise.sh; supervise demo "$0" "$@"', join(dir, 'demo.log'), ...command], { cwd: root });
  child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  return { process: child, said: () => said };
}

const shell = (script: string) => ['bash', '-c', script];

/** A Node process that, as the services do, drains on SIGTERM or SIGINT and then ends by that signal (Nest's shutdown hooks). */
const service = (dir: string) => [
  process.execPath,
  '-e',
  `require('fs').appendFileSync(${JSON.stringify(join(dir, 'pids'))}, process.pid + '\\n');
   for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => setTimeout(() => process.kill(process.pid, signal), 100));
   setInterval(() => {}, 60_000);`,
];

const starts = (dir: string): number[] => {
  try {
    return readFileSync(join(dir, 'pids'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** The pids of the starts so far, once there are `count` of them. */
const startsReach = (dir: string, count: number, timeoutMs?: number) =>
  eventually(
    () => {
      const pids = starts(dir);
      expect(pids).toHaveLength(count);
      return pids;
    },
    { timeoutMs },
  );

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe("npm run suite's supervisor (scripts/supervise.sh)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'supervise-'))));

  it('starts a service killed with -9 again, saying so, and keeps its log', async () => {
    const { process: supervisor, said } = supervise(dir, shell(`echo $$ >> ${dir}/pids; echo started; exec sleep 600`));
    const [first] = await startsReach(dir, 1);
    process.kill(first, 'SIGKILL');
    const pids = await startsReach(dir, 2);
    expect(alive(pids[1])).toBe(true);
    expect(said()).toBe('[suite] demo died (killed by SIGKILL); starting it again in 1 s (log: ' + join(dir, 'demo.log') + ')\n');
    expect(readFileSync(join(dir, 'demo.log'), 'utf8')).toBe('started\nstarted\n');

    // Stopping the supervision stops the service and starts nothing.
    supervisor.kill('SIGTERM');
    expect(await exited(supervisor)).toBe(0);
    expect(alive(pids[1])).toBe(false);
    await sleep(1_500);
    expect(starts(dir)).toHaveLength(2);
  });

  it.each([
    ['SIGTERM', 'SIGTERM'],
    ['SIGINT (Ctrl-C)', 'SIGINT'],
  ] as const)('leaves a service stopped by %s stopped', async (_, signal) => {
    const { process: supervisor, said } = supervise(dir, service(dir));
    const [first] = await startsReach(dir, 1);
    process.kill(first, signal);
    expect(await exited(supervisor)).toBe(0);
    expect(said()).toContain(`[suite] demo stopped (${signal}); not started again`);
    expect(starts(dir)).toHaveLength(1);
  });

  it.each([
    ['Ctrl-C (SIGINT to the supervisor and its service at once)', true],
    ['SIGINT to the supervisor alone', false],
  ] as const)('on %s, stops its service and ends only once the service has', async (_, serviceToo) => {
    const { process: supervisor, said } = supervise(dir, service(dir));
    const [first] = await startsReach(dir, 1);
    if (serviceToo) process.kill(first, 'SIGINT');
    supervisor.kill('SIGINT');
    expect(await exited(supervisor)).toBe(0);
    expect(alive(first)).toBe(false); // the service drains for 100 ms: the supervisor waited for it
    expect(said()).toBe('');
    await sleep(1_500);
    expect(starts(dir)).toHaveLength(1);
  });

  it('waits longer each time before starting again a service that keeps dying at once', async () => {
    const { process: supervisor, said } = supervise(dir, shell(`echo $$ >> ${dir}/pids; exit 3`));
    await startsReach(dir, 3, 6_000); // at 0, 1 and 1 + 2 s
    supervisor.kill('SIGTERM');
    expect(await exited(supervisor)).toBe(0);
    expect(said().split('\n').filter(Boolean)).toEqual([
      `[suite] demo died (code 3); starting it again in 1 s (log: ${join(dir, 'demo.log')})`,
      `[suite] demo died (code 3); starting it again in 2 s (log: ${join(dir, 'demo.log')})`,
      `[suite] demo died (code 3); starting it again in 4 s (log: ${join(dir, 'demo.log')})`,
    ]);
    expect(starts(dir)).toHaveLength(3);
  });
});
