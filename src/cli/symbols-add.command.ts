import { Command, CommandRunner, Option } from 'nest-commander';

import { validateInput } from '../api-keys';
import { InvalidInputError } from '../common/domain-error';
import { AdminCreateSymbolDto } from '../symbols';
import { SymbolsAdminService } from '../symbols';
import { CliError, printJson, printLine } from './cli-output';

interface AddOptions {
  symbol: string;
  assetClass: string;
  timeframes: string;
  name?: string;
  exchange?: string;
  backfillFrom?: string;
  json?: boolean;
}

const OPTION_OF: Record<string, string> = {
  symbol: '--symbol',
  assetClass: '--asset-class',
  timeframes: '--timeframes',
  name: '--name',
  exchange: '--exchange',
  backfillFrom: '--backfill-from',
};

@Command({
  name: 'symbols:add',
  description: 'start tracking a symbol (the next backfill fetches it)',
})
export class SymbolsAddCommand extends CommandRunner {
  constructor(private readonly symbols: SymbolsAdminService) {
    super();
  }

  async run(_args: string[], options: AddOptions): Promise<void> {
    const { value, errors } = validateInput(AdminCreateSymbolDto, {
      symbol: options.symbol,
      assetClass: options.assetClass,
      timeframes: options.timeframes.split(',').map((tf) => tf.trim()),
      name: options.name,
      exchange: options.exchange,
      backfillFrom: options.backfillFrom,
    });
    if (errors.length) {
      throw new CliError(
        errors.map((e) => `${OPTION_OF[e.field] ?? e.field}: ${e.message}`).join('; '),
        2,
      );
    }
    const created = await this.symbols
      .create(value, { actorKeyId: null })
      .catch((error: unknown) => {
        // A value the DTO accepts but the service refuses (a future date) is still bad usage.
        if (error instanceof InvalidInputError && error.errors) {
          throw new CliError(
            error.errors.map((e) => `${OPTION_OF[e.field] ?? e.field}: ${e.message}`).join('; '),
            2,
          );
        }
        throw error;
      });
    if (options.json) return printJson(created);
    printLine(
      `tracking ${created.symbol} (${created.assetClass}${created.exchange ? `, ${created.exchange}` : ''}, ` +
        `timeframes ${created.timeframes.join(',')}${created.backfillFrom ? `, from ${created.backfillFrom}` : ''})`,
    );
  }

  @Option({
    flags: '--symbol <symbol>',
    description: 'ticker, e.g. AAPL or X:BTCUSD',
    required: true,
  })
  parseSymbol(value: string): string {
    return value;
  }

  @Option({
    flags: '--asset-class <class>',
    description: 'stocks, crypto, forex or indices',
    required: true,
  })
  parseAssetClass(value: string): string {
    return value;
  }

  @Option({
    flags: '--timeframes <list>',
    description: 'comma-separated base timeframes: 1m, 1d',
    required: true,
  })
  parseTimeframes(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'display name' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--exchange <mic>', description: 'market identifier code, e.g. XNYS' })
  parseExchange(value: string): string {
    return value;
  }

  @Option({ flags: '--backfill-from <date>', description: 'first day to backfill (YYYY-MM-DD)' })
  parseBackfillFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }
}
