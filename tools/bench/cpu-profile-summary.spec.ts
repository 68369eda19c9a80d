import { packageOf } from './cpu-profile-summary';

describe('packageOf', () => {
  it.each([
    ['parse', 'file:///app/node_modules/redis-parser/lib/parser.js', 'redis-parser'],
    ['run', 'file:///app/node_modules/@duckdb/node-api/lib/index.js', '@duckdb/node-api'],
    ['score', 'file:///app/dist/apps/scoring/src/scoring/score-batch.service.js', 'apps/scoring'],
    ['decode', 'file:///app/dist/libs/contracts/src/codec/payload-codec.js', 'libs/contracts'],
    ['copy', 'node:buffer', 'node:buffer'],
    ['readFile', 'node:internal/fs/promises', 'node:internal'],
    ['(garbage collector)', '', '(garbage collector)'],
    ['', '', '(native)'],
  ])('%s in %s is %s', (name, url, expected) => {
    expect(packageOf(name, url)).toBe(expected);
  });
});
