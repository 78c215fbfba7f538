import 'reflect-metadata';

import type { Command } from 'commander';
import { CommandFactory, CommandRunnerService } from 'nest-commander';

import { CliModule } from './cli/cli.module';
import { CliError } from './cli/cli-output';
import { DomainError } from './common/domain-error';
import { loadAppConfigOrExit } from './config/load-config';

/** Commands that manage migrations themselves; every other command migrates on connect. */
const MIGRATION_COMMANDS = new Set(['migrate', 'migrate:revert']);

/** Exit statuses: 0 done, 1 the command failed, 2 bad usage (usage printed), 78 bad config. */
async function main(): Promise<void> {
  const command = process.argv[2];
  const base = loadAppConfigOrExit();
  const config = base.with({
    database: { runMigrations: !MIGRATION_COMMANDS.has(command ?? '') },
    // The CLI talks to people: keep framework logging to warnings and errors.
    logLevel: base.logLevel === 'info' ? 'warn' : base.logLevel,
  });
  let usageError = false;
  const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
    errorHandler: (error) => {
      const code = (error as { code?: string }).code;
      if (code === 'commander.helpDisplayed' || code === 'commander.version') {
        process.exitCode = 0;
      } else {
        // Unknown command or option, missing value: commander printed what was wrong.
        usageError = true;
        process.exitCode = 2;
        if (code !== 'commander.help') {
          process.stderr.write(
            'usage: npm run cli -- <command> [options]   (`npm run cli -- --help` lists the commands, `npm run cli -- <command> --help` their options)\n',
          );
        }
      }
      throw error;
    },
    serviceErrorHandler: (error) => {
      if (usageError || process.exitCode === 0) return;
      const message =
        error instanceof CliError || error instanceof DomainError
          ? error.message
          : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
      process.stderr.write(`error: ${message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    },
  });
  // nest-commander only overrides exits on the root command: apply the same handling to every
  // subcommand, so a bad option also prints its usage and exits 2 after closing the database.
  const root = app.get<CommandRunnerService, { commander: Command }>(
    CommandRunnerService,
  ).commander;
  for (const sub of root.commands) {
    sub.showHelpAfterError(true);
    sub.exitOverride((error) => {
      usageError = true;
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      throw error;
    });
  }
  try {
    await CommandFactory.runApplication(app);
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
