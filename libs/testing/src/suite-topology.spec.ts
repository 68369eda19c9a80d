import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ALLOCATOR_ENV, GLIBC_ALLOCATOR_ENV, SUITE_PROCESSES } from './suite-topology';

const root = resolve(__dirname, '../../..');
const compose = readFileSync(resolve(root, 'docker-compose.yml'), 'utf8');
const suiteScript = readFileSync(resolve(root, 'scripts/suite.sh'), 'utf8');
const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');

/** A process's own allocator settings, where it differs from the image's (ALLOCATOR_ENV). */
const ALLOCATOR_KEYS = new Set(Object.keys({ ...ALLOCATOR_ENV, ...GLIBC_ALLOCATOR_ENV }));
const ownAllocator = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([key]) => ALLOCATOR_KEYS.has(key)));

/** The lines of one service's block in docker-compose.yml. */
function composeService(name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:(?:    .*)?\\n)*)`, 'm').exec(compose);
  if (!match) throw new Error(`docker-compose.yml has no service ${name}`);
  return match[1];
}

// Three files describe the suite's processes; they must agree (roles, heap ceilings, priority).
describe.each(SUITE_PROCESSES)('the suite process $name', ({ name, app, env, nodeArgs, niceness }) => {
  it('runs the same in docker-compose.yml', () => {
    const block = composeService(name);
    const command = JSON.parse(/^ {4}command: (\[.*\])$/m.exec(block)?.[1] ?? 'null') as string[];
    expect(command).toEqual([...(niceness ? ['nice', '-n', String(niceness)] : []), 'node', ...nodeArgs, `dist/apps/${app}/src/main.js`]);
    expect(/INGEST_ROLES: "([a-z,]+)"/.exec(block)?.[1]).toBe(env.INGEST_ROLES);
    for (const [key, value] of Object.entries(ownAllocator(env))) expect(block).toContain(`${key}: "${value}"`);
  });

  it('runs the same in npm run suite', () => {
    const line = suiteScript.split('\n').find((l) => new RegExp(`^(\\w+=\\S* )*start_service ${name} `).test(l)) ?? '';
    const [assignments, call] = line.split('start_service ');
    expect(call.split(' ').slice(2)).toEqual([app, env.INGEST_ROLES ?? '""', String(niceness), ...nodeArgs]);
    const assigned = Object.fromEntries(
      assignments
        .split(' ')
        .filter(Boolean)
        .map((a) => a.split('=')),
    );
    expect(assigned).toEqual(ownAllocator(env));
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
