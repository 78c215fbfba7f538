'use strict';
/**
 * The two builds a bench run compares: the working tree's (`new`, dist/ as `npm run bench` just
 * built it) and a baseline git ref (`old`, BENCH_BASELINE, default `main`), each copied to a
 * private directory under .scratch/ so that a rebuild of dist/ meanwhile cannot change them.
 *
 * The baseline is exported with `git archive`, built with its own scripts/build.js, and run on
 * the working tree's node_modules when its dependencies are all installed there (otherwise it
 * gets its own `npm ci`). Built baselines are kept per commit and reused.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SCRATCH = path.join(ROOT, '.scratch');

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The working tree's build, copied (under the repository root, so node_modules resolves). */
function newBuild(log) {
  const dir = path.join(SCRATCH, `bench-new-${process.pid}`);
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  log(
    `new build: the working tree (${git('rev-parse', '--short', 'HEAD')}${dirty() ? ', modified' : ''})`,
  );
  return { name: 'new', root: ROOT, dist: path.join(dir, 'dist'), cleanup: () => rm(dir) };
}

/** The baseline ref's build. */
function oldBuild(ref, log) {
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = path.join(SCRATCH, `bench-build-${sha.slice(0, 12)}`);
  const dist = path.join(dir, 'dist');
  if (!fs.existsSync(path.join(dist, 'main.js'))) {
    rm(dir);
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C ${JSON.stringify(dir)}`], {
      cwd: ROOT,
    });
    if (dependenciesInstalled(dir)) {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    } else {
      log(`old build: npm ci for ${sha.slice(0, 12)} (its dependencies differ)`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
    }
    execFileSync(process.execPath, [path.join(dir, 'scripts/build.js')], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  log(`old build: ${ref} (${sha.slice(0, 12)})`);
  return { name: 'old', root: dir, dist, cleanup: () => undefined };
}

/** True when every runtime dependency of the exported tree is installed in the working tree. */
function dependenciesInstalled(dir) {
  const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return Object.keys(dependencies).every((name) =>
    fs.existsSync(path.join(ROOT, 'node_modules', name, 'package.json')),
  );
}

function dirty() {
  return git('status', '--porcelain', '--untracked-files=no') !== '';
}

function rm(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { newBuild, oldBuild };
