#!/usr/bin/env node
/**
 * Builds the dashboard (dashboard/ -> dashboard/dist/) with Vite, as part of `npm run build`, so
 * `npm install && npm start` on a fresh clone serves it at /dashboard. The build output is not
 * committed: generated bundles in git drift from their sources and conflict on every merge.
 *
 * A build costs seconds and `npm start` builds every time, so it is skipped when its inputs are
 * unchanged: the hash of dashboard/ (sources, config) and of package-lock.json is stamped into
 * the output. Like scripts/build.js, the new output is built beside the old one and swapped in
 * by rename, so a running server never serves half a build.
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dashboard = path.join(root, 'dashboard');
const out = path.join(dashboard, 'dist');
const stampFile = path.join(out, '.build-stamp');

function inputsHash() {
  const hash = crypto.createHash('sha256');
  const walk = (dir) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
          walk(full);
      } else if (!entry.name.endsWith('.test.ts') && entry.name !== 'README.md') {
        hash.update(path.relative(dashboard, full)).update('\0').update(fs.readFileSync(full));
      }
    }
  };
  walk(dashboard);
  hash.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('hex');
}

function main() {
  const stamp = inputsHash();
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return;
  let vite;
  try {
    vite = path.join(
      path.dirname(require.resolve('vite/package.json', { paths: [root] })),
      'bin/vite.js',
    );
  } catch {
    // A production install (no dev dependencies) keeps whatever build it has.
    process.stderr.write(
      fs.existsSync(out)
        ? 'dashboard: vite is not installed; keeping the existing dashboard/dist\n'
        : 'dashboard: vite is not installed (npm install without --omit=dev builds it); /dashboard will answer 404\n',
    );
    return;
  }
  const next = path.join(dashboard, `.dist-next-${process.pid}`);
  const old = path.join(dashboard, `.dist-old-${process.pid}`);
  try {
    execFileSync(
      process.execPath,
      [
        vite,
        'build',
        '--config',
        path.join(dashboard, 'vite.config.mts'),
        '--outDir',
        next,
        '--logLevel',
        'warn',
      ],
      // Always the production bundle: under jest NODE_ENV is 'test', which would make Vite pick
      // the dependencies' development builds (twice the size, with debug checks).
      { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
    );
    fs.writeFileSync(path.join(next, '.build-stamp'), stamp);
    if (fs.existsSync(out)) fs.renameSync(out, old);
    fs.renameSync(next, out);
  } finally {
    fs.rmSync(next, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}

main();
