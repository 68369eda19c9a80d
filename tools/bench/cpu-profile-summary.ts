/**
 * Where a process's CPU went, from a V8 CPU profile (`node --cpu-prof`, as `npm run bench -- --profile DIR`
 * and the other benchmarks' `--profile` write them): its busy time by package (a dependency, one of our
 * apps or libs, Node's internals, the garbage collector) and by function, self time only.
 *
 *   bash scripts/run.sh tools/bench/cpu-profile-summary.ts DIR/scoring/*.cpuprofile [--top 25]
 *
 * What a profile shows is shares of one run's busy time; the profiler's own cost inflates the run's
 * figures, so compare shares, and decide on A/B runs without it.
 */
import { readFileSync } from 'node:fs';
import { benchArg as arg } from './bench-report';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** The package a frame belongs to: a dependency's name, `apps/<app>` or `libs/<lib>`, `node:<module>`, or V8's own label. */
export function packageOf(functionName: string, url: string): string {
  if (!url) return functionName || '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const ours = /(apps|libs)\/[^/]+/.exec(url);
  return ours ? ours[0] : url;
}

function summarise(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idle += micros;
      return;
    }
    busy += micros;
    const pkg = packageOf(frame.functionName, frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  });
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1)}%`.padStart(7);
  const list = (title: string, totals: Map<string, number>) => {
    console.log(`-- ${title}`);
    for (const [name, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(micros)} ${name}`);
  };
  console.log(`${path}: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`);
  list('self time by package', byPackage);
  list('self time by function', byFunction);
}

if (require.main === module) {
  const top = Number(arg('top', '25'));
  for (const path of process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'))) summarise(path, top);
}
