import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LAKE_COLUMNS } from './lake-table';

describe('the lake schema', () => {
  it('is documented column by column in docs/lake.md, in file order', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/lake.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(LAKE_COLUMNS.map((c) => c.name));
  });
});
