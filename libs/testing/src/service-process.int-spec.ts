import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { lowerPriority } from './service-process';

/** Each thread of `pid`: its name and niceness (/proc/<pid>/task/<tid>/stat, field 19). */
function threadNiceness(pid: number): Array<{ name: string; nice: number }> {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(fields[16]) };
  });
}

describe('lowerPriority', () => {
  let child: ChildProcess;

  beforeAll(async () => {
    // A Node process with threads of its own already running: V8's platform workers and libuv's pool.
    child = spawn(process.execPath, ['-e', "require('node:fs').readFile(__filename, () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
    const pid = child.pid as number;
    // libuv starts its pool's four threads at the first read, which a loaded machine runs late: until
    // they are there, they could start between the listing and the main thread's lowering, at its old priority.
    const started = () => threadNiceness(pid).filter(({ name }) => name === 'libuv-worker').length >= 4;
    for (const deadline = Date.now() + 10_000; !started() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('lowers every thread of a running process, as `nice -n` at its start would, not only its main thread', () => {
    const pid = child.pid as number;
    const before = threadNiceness(pid);
    expect(before.length).toBeGreaterThanOrEqual(5);
    const started = before[0].nice; // the test runner's own, which its children inherit: 0 unless run under nice
    expect(before.every(({ nice }) => nice === started)).toBe(true);
    const lowered = Math.min(19, started + 10);
    expect(lowered).toBeGreaterThan(started);

    lowerPriority(pid, lowered);

    // Threads the process starts meanwhile inherit the priority of the thread starting them.
    const after = threadNiceness(pid);
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(after.filter(({ nice }) => nice !== lowered)).toEqual([]);
  });
});
