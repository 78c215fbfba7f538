#!/usr/bin/env node
/**
 * `npm run sql:snapshots`: renders every statement shape of the bar read path
 * (test/sql-snapshots/render.ts) into the committed `.sql` files beside it. Run it after changing
 * the SQL builders and commit the diff; `sql-snapshots.spec.ts` fails while they are stale.
 *
 * TypeScript is compiled on the fly with SWC and the repository's .swcrc (no build needed).
 */
const fs = require('node:fs');
const path = require('node:path');

const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    ...swcrc,
    filename,
    sourceMaps: false,
    swcrc: false,
  });
  module._compile(code, filename);
};

const dir = path.join(root, 'test', 'sql-snapshots');
const { renderSqlSnapshots } = require(path.join(dir, 'render.ts'));
const files = renderSqlSnapshots();
for (const name of fs.readdirSync(dir)) {
  if (name.endsWith('.sql') && !files.has(name)) fs.rmSync(path.join(dir, name));
}
let changed = 0;
for (const [name, content] of files) {
  const target = path.join(dir, name);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  if (before === content) continue;
  fs.writeFileSync(target, content);
  changed += 1;
  process.stdout.write(`wrote test/sql-snapshots/${name}\n`);
}
process.stdout.write(`${files.size} snapshot files, ${changed} changed\n`);
