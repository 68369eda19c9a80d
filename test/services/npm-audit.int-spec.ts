import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'npm-audit-'));

/** scripts/audit.sh judging a saved `npm audit --json` report: its exit code and what it said. */
function judge(report: unknown): Promise<{ code: number; said: string }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof report === 'string' ? report : JSON.stringify(report));
  return new Promise((done) =>
    execFile('bash', ['scripts/audit.sh', file], { cwd: root }, (error, _out, err) => done({ code: error ? Number(error.code) : 0, said: err })),
  );
}

const counts = (high: number, critical: number) => ({ info: 0, low: 1, moderate: 2, high, critical, total: high + critical + 3 });

describe('the npm audit gate of npm test', () => {
  it('fails on a high or critical advisory, naming the package', async () => {
    const { code, said } = await judge({
      auditReportVersion: 2,
      vulnerabilities: { semver: { name: 'semver', severity: 'high' }, debug: { name: 'debug', severity: 'low' } },
      metadata: { vulnerabilities: counts(1, 0) },
    });
    expect(code).toBe(1);
    expect(said).toContain('upgrade or replace: semver (high)');
  });

  it('passes moderate and low ones, saying how many there are', async () => {
    const { code, said } = await judge({
      auditReportVersion: 2,
      vulnerabilities: { debug: { name: 'debug', severity: 'moderate' } },
      metadata: { vulnerabilities: counts(0, 0) },
    });
    expect(code).toBe(0);
    expect(said).toContain('0 critical, 0 high, 2 moderate, 1 low');
  });

  it('says when the advisory endpoint gave no report, instead of judging', async () => {
    const { code, said } = await judge({ message: '405 Method Not Allowed', statusCode: 405 });
    expect(code).toBe(0);
    expect(said).toContain('the advisory endpoint gave no report (405): production dependencies not checked');
  });
});
