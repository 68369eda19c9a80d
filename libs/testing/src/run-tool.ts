import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

/**
 * Runs one of the project's commands (a tools/ script, as `npm run NAME -- ARGS` would) in its own
 * process, without blocking the test's event loop. Resolves with its stdout; rejects with its stderr.
 */
export function runTool(script: string, args: string[], timeoutMs = 300_000): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script, ...args],
      { cwd: root, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) fail(Object.assign(new Error(`${script} failed: ${stderr.slice(-2_000)}`), { stderr }));
        else done(stdout);
      },
    );
  });
}
