#!/usr/bin/env node
/**
 * `npm run cli -- <command>`. In a checkout it builds first, so the CLI runs the sources as they
 * are; in the container image, which ships dist/ without the sources or the build tools, it runs
 * dist/ as it is.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
if (fs.existsSync(path.join(root, 'src'))) {
  execFileSync(process.execPath, [path.join(__dirname, 'build.js')], {
    cwd: root,
    stdio: 'inherit',
  });
}
require(path.join(root, 'dist', 'cli.js'));
