import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/**
 * Starts a service in its own process, as production runs it, and waits for /health/ready. From source
 * through ts-node, or with `compiled` from `npm run build`'s dist/ (what the image runs; benchmarks
 * measure that, since ts-node's compiler alone holds ~100 MB). `niceness` lowers its CPU priority, as `nice` would.
 */
export async function startServiceProcess(app: string, port: number, env: Record<string, string>, nodeArgs: string[] = [], { compiled = false, niceness = 0 } = {}): Promise<ChildProcess> {
  const entry = compiled ? [`dist/apps/${app}/src/main.js`] : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`];
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: root, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (niceness !== 0) setPriority(child.pid as number, niceness);
  for (let i = 0; i < 120; i++) {
    if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`${app} did not become ready`);
}

/** SIGTERM, then waits for the process to drain and exit. */
export const stopServiceProcess = (child: ChildProcess) => new Promise<void>((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); });

/** SIGKILL: no drain, no commit, no goodbye (fault tests). */
export const killServiceProcess = (child: ChildProcess) => new Promise<void>((r) => { if (child.exitCode !== null || child.signalCode !== null) r(); else { child.once('exit', () => r()); child.kill('SIGKILL'); } });
