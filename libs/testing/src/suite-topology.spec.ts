import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BusEngine } from '@app/bus';
import { ALLOCATOR_ENV, SUITE_PROCESSES } from './suite-topology';

const root = resolve(__dirname, '../../..');
const compose = readFileSync(resolve(root, 'docker-compose.yml'), 'utf8');
const suiteScript = readFileSync(resolve(root, 'scripts/suite.sh'), 'utf8');
const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');

/** Every setting any process's allocator is given. */
const ALLOCATOR_KEYS = new Set(SUITE_PROCESSES.flatMap((p) => Object.values(p.ownAllocator).flatMap(Object.keys)).concat(Object.keys(ALLOCATOR_ENV)));

/** What `npm run suite` assigns before one process's start_service on an engine, its `if [[ $BUS_URL == kafka://* ]]` choices resolved. */
function suiteScriptAssignments(assignments: string, engine: BusEngine): Record<string, string> {
  const exported = Object.fromEntries([...suiteScript.matchAll(/^export (\w+)=(\S*)$/gm)].map((m) => [m[1], m[2]]));
  const chosen = Object.fromEntries(
    [...suiteScript.matchAll(/^if \[\[ \$BUS_URL == kafka:\/\/\* \]\]; then (\w+)=(\S*); else \1=(\S*); fi$/gm)].map((m) => [
      m[1],
      engine === 'kafka' ? m[2] : m[3],
    ]),
  );
  const valueOf = (value: string): string => (value.startsWith('$') ? valueOf(chosen[value.slice(1)] ?? exported[value.slice(1)] ?? '') : value);
  return Object.fromEntries(
    assignments
      .split(' ')
      .filter(Boolean)
      .map((a) => a.split('='))
      .map(([key, value]) => [key, valueOf(value)]),
  );
}

/** The lines of one service's block in docker-compose.yml. */
function composeService(name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:(?:    .*)?\\n)*)`, 'm').exec(compose);
  if (!match) throw new Error(`docker-compose.yml has no service ${name}`);
  return match[1];
}

// Three files describe the suite's processes; they must agree (roles, heap ceilings, priority).
describe.each(SUITE_PROCESSES)('the suite process $name', ({ name, app, env, ownAllocator, nodeArgs, niceness }) => {
  it('runs the same in docker-compose.yml, on Kafka', () => {
    expect(compose).toMatch(/^ {2}BUS_URL: kafka:\/\//m);
    const block = composeService(name);
    const command = JSON.parse(/^ {4}command: (\[.*\])$/m.exec(block)?.[1] ?? 'null') as string[];
    expect(command).toEqual([...(niceness ? ['nice', '-n', String(niceness)] : []), 'node', ...nodeArgs, `dist/apps/${app}/src/main.js`]);
    expect(/INGEST_ROLES: "([a-z,]+)"/.exec(block)?.[1]).toBe(env.INGEST_ROLES);
    for (const key of ALLOCATOR_KEYS) {
      const value = ownAllocator.kafka?.[key];
      if (value === undefined) expect(block).not.toContain(`${key}:`);
      else expect(block).toContain(`${key}: "${value}"`);
    }
  });

  it.each<BusEngine>(['redis', 'kafka'])('runs the same in npm run suite, on %s', (engine) => {
    const line = suiteScript.split('\n').find((l) => new RegExp(`^(\\w+=\\S* )*start_service ${name} `).test(l)) ?? '';
    const [assignments, call] = line.split('start_service ');
    expect(call.split(' ').slice(2)).toEqual([app, env.INGEST_ROLES ?? '""', String(niceness), ...nodeArgs]);
    expect({ ...ALLOCATOR_ENV, ...suiteScriptAssignments(assignments, engine) }).toEqual({ ...ALLOCATOR_ENV, ...ownAllocator[engine] });
  });
});

// The allocator's settings apply to every process: the image (compose; Kubernetes' ConfigMap, kept equal
// to it by test/deploy/k8s-manifests.int-spec.ts) and npm run suite set them once.
describe.each(Object.entries(ALLOCATOR_ENV))('the allocator setting %s', (name, value) => {
  it('is in the image every service runs', () => {
    expect(dockerfile.split('\n')).toContain(`ENV ${name}=${value}`);
  });

  it('is exported by npm run suite before it starts the services', () => {
    const lines = suiteScript.split('\n');
    const exported = lines.indexOf(`export ${name}=${value}`);
    expect(exported).toBeGreaterThan(-1);
    expect(exported).toBeLessThan(lines.findIndex((l) => l.startsWith('start_service ')));
  });
});
