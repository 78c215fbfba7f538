import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderSqlSnapshots } from './render';

describe('SQL snapshots of the read path', () => {
  const rendered = renderSqlSnapshots();

  it('has a committed file for every rendered one and no other', () => {
    const committed = readdirSync(__dirname).filter((name) => name.endsWith('.sql'));
    expect(committed.sort()).toEqual([...rendered.keys()].sort());
  });

  it.each([...rendered.keys()])(
    '%s matches what the builders produce (npm run sql:snapshots)',
    (name) => {
      const committed = readFileSync(join(__dirname, name), 'utf8');
      expect(committed).toBe(rendered.get(name));
    },
  );
});
