import { performance } from 'node:perf_hooks';
import { partitionForKey } from '@app/bus';
import { loadConfig } from '@app/platform';
import { bootApp } from '@app/testing';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { ScoreBatchService } from '../../apps/scoring/src/scoring/score-batch.service';
import { WindowStateRepository } from '../../apps/scoring/src/state/window-state.repository';
import { scoringTraffic } from './scoring-traffic';
async function main() {
  const events = scoringTraffic(200000, { users: 50000, merchants: 5000, days: 40 });
  const app = await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, { API_KEYS: 'bench-key-123456', LOG_LEVEL: 'warn', BUS_URL: 'redis://127.0.0.1:6379/14', REDIS_URL: 'redis://127.0.0.1:6379/14', SCORING_STATE_PREFIX: 'phase' + Date.now(), SCORING_CONSUMER: 'false' })), 'scoring');
  const service = app.app.get(ScoreBatchService) as any;
  const repo = app.app.get(WindowStateRepository) as any;
  const t: Record<string, number> = {};
  const wrap = (obj: any, name: string, label: string) => { const f = obj[name].bind(obj); obj[name] = (...a: any[]) => { const s = performance.now(); const r = f(...a); if (r && r.then) return r.then((v: any) => { t[label] = (t[label] ?? 0) + performance.now() - s; return v; }); t[label] = (t[label] ?? 0) + performance.now() - s; return r; }; };
  wrap(repo, 'read', 'read'); wrap(repo, 'write', 'write'); wrap(service, 'computeFeatures', 'features'); wrap(service, 'decideAll', 'decide(+model+explain)'); wrap(service, 'explain', 'explain'); wrap(service, 'store', 'store(+takeChanges)');
  const parts = Array.from({ length: 4 }, () => [] as any[]);
  events.forEach((event, n) => parts[partitionForKey(event.userId, 4)].push({ offset: String(n), event }));
  const started = performance.now();
  let publishMs = 0;
  for (let from = 0; parts.some((p) => from < p.length); from += 2000) for (const [i, part] of parts.entries()) if (from < part.length) await service.scoreBatch('bench', i, part.slice(from, from + 2000), async (s: any[], a: any[]) => { const x = performance.now(); for (const v of s) JSON.stringify(v); for (const v of a) JSON.stringify(v); publishMs += performance.now() - x; });
  const total = performance.now() - started;
  console.log('events/s', Math.round(events.length / total * 1000), 'total ms', Math.round(total), 'stringify ms', Math.round(publishMs), Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])));
  await app.close();
  process.exit(0);
}
main();
