import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { cleanEnv, ROOT } from './spawn-process';

export interface KillableRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs a script of the build (`node dist/cli.js …`) to its end, or until `killWhen` (polled every
 * 25 ms) says to SIGKILL it: a crash at an arbitrary point, for tests that must survive one.
 */
export function runNodeKillable(
  script: string,
  args: string[],
  env: Record<string, string>,
  killWhen?: () => Promise<boolean>,
): Promise<KillableRun> {
  const proc = spawn(process.execPath, [path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let watching = killWhen !== undefined;
  const watch = async (): Promise<void> => {
    while (watching) {
      if (await killWhen!().catch(() => false)) {
        proc.kill('SIGKILL');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  void watch();
  return new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      watching = false;
      resolve({ code, signal, output });
    });
  });
}
