import * as fs from 'node:fs';
import * as path from 'node:path';

import * as dotenv from 'dotenv';

import { AppConfig } from './app-config';
import { EnvError } from './env-parsers';

/**
 * Reads the environment (plus `.env` in the working directory, which never overrides a real
 * variable) and validates it. The only place that reads `process.env`.
 */
export function loadAppConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): AppConfig {
  const fromFile = readDotEnv(cwd);
  return AppConfig.fromEnv({ ...fromFile, ...env }, cwd);
}

function readDotEnv(cwd: string): Record<string, string> {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return {};
  return dotenv.parse(fs.readFileSync(file));
}

/**
 * Loads the configuration or, on a bad value, prints one line naming the variable and what is
 * allowed, then exits with status 78 (EX_CONFIG).
 */
export function loadAppConfigOrExit(): AppConfig {
  try {
    return loadAppConfig();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
