import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';

import { revertLastMigration, runMigrationsLocked } from '../database/data-source';
import { printJson, printLine } from './cli-output';

@Command({ name: 'migrate', description: 'apply pending database migrations' })
export class MigrateCommand extends CommandRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    const applied = await runMigrationsLocked(this.dataSource);
    if (options.json) return printJson({ applied });
    printLine(
      applied.length
        ? `applied: ${applied.join(', ')}`
        : 'nothing to apply: the schema is up to date',
    );
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }
}

@Command({ name: 'migrate:revert', description: 'revert the most recent migration' })
export class MigrateRevertCommand extends CommandRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    const before = await this.executed();
    if (before.length === 0) {
      if (options.json) return printJson({ reverted: null });
      return printLine('nothing to revert: no migration is applied');
    }
    await revertLastMigration(this.dataSource);
    const reverted = before[0];
    if (options.json) return printJson({ reverted });
    printLine(`reverted: ${reverted}`);
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }

  private async executed(): Promise<string[]> {
    const rows = await this.dataSource
      .query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id DESC`)
      .catch(() => []);
    return rows.map((row) => row.name);
  }
}
