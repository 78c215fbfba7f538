#!/usr/bin/env node
/**
 * Compiles src/ and migrations/ with SWC (fast; type-checking is `npm run typecheck`) into a
 * dist/ that mirrors the source tree (dist/src, dist/migrations), so relative imports between
 * them hold at run time. dist/main.js and dist/cli.js are one-line entry points, so the
 * deployment runs `node dist/main.js`.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('@swc/cli/bin/swc.js'), 'src', 'migrations', '-d', 'dist', '-q', '--copy-files'],
  { cwd: root, stdio: 'inherit' },
);
for (const entry of ['main', 'cli']) {
  if (fs.existsSync(path.join(dist, 'src', `${entry}.js`))) {
    fs.writeFileSync(path.join(dist, `${entry}.js`), `require('./src/${entry}');\n`);
  }
}
