/**
 * `npm run bench:simulate`: how fast `npm run simulate` writes events to a file (the default world:
 * 5,000 customers, 10,000 terminals, 70 days), so the simulator never limits a benchmark.
 * Runs the real command three times. Writes bench/results/simulate.json and .md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median } from './percentiles';

const RUNS = Number(arg('runs', '3'));

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'simulate-bench-'));
  try {
    const runs = Array.from({ length: RUNS }, (_, r) => {
      const out = execFileSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'tools/simulate/simulate.ts', '--out', join(dir, `run${r}.ndjson`)],
        {
          cwd: resolve(__dirname, '../..'),
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const summary = JSON.parse(out.trim().split('\n').pop() as string) as { sent: number; eventsPerSecond: number; seconds: number };
      console.error(`[bench:simulate] run ${r + 1}: ${summary.sent} events in ${summary.seconds} s, ${summary.eventsPerSecond} events/s`);
      rmSync(join(dir, `run${r}.ndjson`));
      return summary;
    });
    const rates = runs.map((r) => r.eventsPerSecond);
    const report = {
      command: benchCommand('bench:simulate'),
      machine: benchMachine(),
      at: new Date().toISOString(),
      events: runs[0].sent,
      runs: rates,
      median: median(rates),
    };
    writeBenchReport(
      'simulate',
      report,
      [
        '# Simulator benchmark',
        '',
        `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}: \`npm run simulate -- --out FILE\`, the default world (${report.events.toLocaleString('en')} events of 70 days), NDJSON to a local file, timed from the first event to the last written (start-up, about a second to open the geo database and find IP pools, excluded).`,
        '',
        '| events/s (median) | runs |',
        '|---:|---|',
        `| ${report.median.toLocaleString('en')} | ${rates.join(', ')} |`,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
