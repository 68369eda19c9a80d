import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SUITE_PROCESSES } from './suite-topology';

const root = resolve(__dirname, '../../..');
const compose = readFileSync(resolve(root, 'docker-compose.yml'), 'utf8');
const suiteScript = readFileSync(resolve(root, 'scripts/suite.sh'), 'utf8');

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
  });

  it('runs the same in npm run suite', () => {
    const line = suiteScript.split('\n').find((l) => l.startsWith(`start_service ${name} `));
    expect(line?.split(' ').slice(3)).toEqual([app, env.INGEST_ROLES ?? '""', String(niceness), ...nodeArgs]);
  });
});
