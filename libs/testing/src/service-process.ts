import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/**
 * scripts/test.sh builds dist/ before the tests and sets this: a compiled start costs a third of the CPU
 * of one through ts-node (1.4 against 4.7 s of CPU to ready, scoring), and the end-to-end tests start
 * services by the dozen. Benchmarks always run compiled (ts-node's compiler alone holds ~100 MB).
 */
const COMPILED_BY_DEFAULT = process.env.TEST_SERVICES_COMPILED === '1';

/** How long a service may take to answer ready: a dozen starts beside a busy test worker on two cores take minutes, not seconds. */
const READY_TIMEOUT_MS = 180_000;

/**
 * Every service this process started and has not seen exit. They are killed when this process exits;
 * if it is killed instead, each one exits by itself (exit-with-parent.js): an orphan would hold the
 * test runner's output open and keep it from exiting.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a service in its own process, as production runs it, and waits for /health/ready. With
 * `compiled` from `npm run build`'s dist/ (what the image runs), else from source through ts-node.
 * `niceness` lowers its CPU priority, as `nice` would, once it is ready: a boot is not batch work, and
 * a low-priority boot beside many others can starve for minutes. Every thread's (lowerPriority).
 * Fails as soon as the process exits, or with the last readiness answer when it never becomes ready.
 */
export async function startServiceProcess(
  app: string,
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  { compiled = COMPILED_BY_DEFAULT, niceness = 0 } = {},
): Promise<ChildProcess> {
  const entry = compiled
    ? [`dist/apps/${app}/src/main.js`]
    : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`];
  const child = spawn(process.execPath, [...nodeArgs, '-r', resolve(__dirname, 'exit-with-parent.js'), ...entry], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let last = 'no answer';
  for (const deadline = Date.now() + READY_TIMEOUT_MS; Date.now() < deadline;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${app} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
    if (response?.ok) {
      if (niceness !== 0) lowerPriority(child.pid as number, niceness);
      return child;
    }
    if (response) last = `${response.status} ${await response.text()}`;
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`${app} did not become ready in ${READY_TIMEOUT_MS / 1000} s; its last readiness answer: ${last}`);
}

/**
 * Sets a running process's niceness as `nice -n` at its start would have. On Linux a priority is a
 * thread's: setting the process id's alone leaves the threads it has started at their own (V8's garbage
 * collection and compiler helpers, libuv's pool), which would go on competing with the latency path.
 * Threads started later inherit the priority of the thread that starts them.
 */
export function lowerPriority(pid: number, niceness: number): void {
  let threads: number[];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    threads = [pid]; // no /proc: the process's own priority is what the platform offers
  }
  for (const thread of threads) {
    try {
      setPriority(thread, niceness);
    } catch {
      // a thread that ended since it was listed
    }
  }
}

/** SIGTERM, then waits for the process to drain and exit. */
export const stopServiceProcess = (child: ChildProcess) =>
  new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else {
      child.once('exit', () => r());
      child.kill('SIGTERM');
    }
  });

/** SIGKILL: no drain, no commit, no goodbye (fault tests). */
export const killServiceProcess = (child: ChildProcess) =>
  new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else {
      child.once('exit', () => r());
      child.kill('SIGKILL');
    }
  });
