#!/usr/bin/env node
/**
 * Compiles src/ and migrations/ with SWC (fast; type-checking is `npm run typecheck`) into a
 * dist/ that mirrors the source tree (dist/src, dist/migrations), so relative imports between
 * them hold at run time. dist/main.js and dist/cli.js are one-line entry points, so the
 * deployment runs `node dist/main.js`.
 *
 * The new tree is built beside the old one and swapped in by rename, so a process that is
 * starting from dist/ while a build runs (a test run, a second terminal) never sees it half-built.
 * The dashboard's bundle is built after it (scripts/build-dashboard.js, skipped when unchanged).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const next = path.join(root, `.dist-next-${process.pid}`);
const old = path.join(root, `.dist-old-${process.pid}`);

fs.rmSync(next, { recursive: true, force: true });
try {
  execFileSync(
    process.execPath,
    [require.resolve('@swc/cli/bin/swc.js'), 'src', 'migrations', '-d', next, '-q', '--copy-files'],
    { cwd: root, stdio: 'inherit' },
  );
  for (const entry of ['main', 'cli']) {
    if (fs.existsSync(path.join(next, 'src', `${entry}.js`))) {
      fs.writeFileSync(path.join(next, `${entry}.js`), `require('./src/${entry}');\n`);
    }
  }
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(next, dist);
} finally {
  fs.rmSync(next, { recursive: true, force: true });
  fs.rmSync(old, { recursive: true, force: true });
}

require('./build-dashboard');
