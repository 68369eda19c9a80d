import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';

/** `--name value` from the command line, or the fallback. */
export function benchArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Node's options for a process to write its V8 CPU profile into `dir` as it stops (cpu-profile-summary.ts reads it); none without a dir. */
export const cpuProfileArgs = (dir: string): string[] => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);

/** The command that produced a report, as a reader would type it again. */
export const benchCommand = (script: string) => [`npm run ${script}`, ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');

export const benchMachine = () => ({ cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version });

/** Writes bench/results/<name>.json and <name>.md and prints the Markdown. */
export function writeBenchReport(name: string, report: object, markdown: string): void {
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(resolve(dir, `${name}.md`), markdown);
  console.log(markdown);
}
