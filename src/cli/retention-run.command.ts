import { Command, CommandRunner, Option } from 'nest-commander';

import { MinuteBarRetention } from '../retention';
import { CliError, printJson, printLine } from './cli-output';

@Command({
  name: 'retention:run',
  description:
    'delete minute bars older than MINUTE_BAR_RETENTION_DAYS now (what the hourly job does)',
})
export class RetentionRunCommand extends CommandRunner {
  constructor(private readonly retention: MinuteBarRetention) {
    super();
  }

  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    const pass = await this.retention.runPass('cli');
    if (!pass.ran && pass.reason === 'disabled') {
      throw new CliError(
        'minute-bar retention is off: set MINUTE_BAR_RETENTION_DAYS to the number of days of minute bars to keep',
      );
    }
    if (!pass.ran) {
      throw new CliError('another process is running the retention job right now; try again later');
    }
    const { runId, cutoff, barsDeleted, series, gapsDeleted } = pass;
    if (options.json) {
      return printJson({ runId, cutoff: cutoff.toISOString(), barsDeleted, series, gapsDeleted });
    }
    printLine(
      `minute bars before ${cutoff.toISOString()}: ${barsDeleted} deleted in ${series} series; ${gapsDeleted} gap records deleted`,
    );
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }
}
