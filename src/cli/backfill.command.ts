import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';

import { RunProgress } from '../backfill';
import { BackfillRunsService } from '../backfill';
import { InvalidInputError } from '../common/domain-error';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../market/symbol';
import { BASE_TIMEFRAMES, BaseTimeframe } from '../market/timeframes';
import { CliError, printJson, printLine } from './cli-output';

interface BackfillOptions {
  symbols?: string;
  timeframes?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

const OPTION_OF: Record<string, string> = {
  symbols: '--symbols',
  timeframes: '--timeframes',
  from: '--from',
  to: '--to',
};

@Command({
  name: 'backfill',
  description:
    'fetch bars from the data source now (default: every active symbol, incrementally from each series’ last bar)',
})
export class BackfillCommand extends CommandRunner {
  constructor(private readonly runs: BackfillRunsService) {
    super();
  }

  async run(_args: string[], options: BackfillOptions): Promise<void> {
    const input = parseOptions(options);
    const tty = !options.json && process.stdout.isTTY === true;
    const bar = tty
      ? new SingleBar({
          format: 'backfill [{bar}] {value}/{total} series | {written} bars written | {last}',
          hideCursor: true,
        })
      : undefined;
    const onProgress = (progress: RunProgress): void => {
      const last = progress.last;
      if (bar) {
        bar.update(progress.seriesDone, {
          written: progress.barsWritten,
          last: last ? `${last.symbol} ${last.timeframe} ${last.outcome.status}` : '',
        });
      } else if (!options.json && last) {
        printLine(
          `${last.symbol} ${last.timeframe}: ${last.outcome.status}, ${last.outcome.fetched} fetched, ${last.outcome.written} written` +
            (last.outcome.error ? ` (${last.outcome.error})` : '') +
            ` [${progress.seriesDone}/${progress.seriesTotal}]`,
        );
      }
    };
    const handle = await this.runs
      .start(input, { trigger: 'cli', onProgress })
      .catch((error: unknown) => {
        if (error instanceof InvalidInputError && error.errors) {
          throw new CliError(
            error.errors.map((e) => `${OPTION_OF[e.field] ?? e.field}: ${e.message}`).join('; '),
            2,
          );
        }
        throw error;
      });
    bar?.start(handle.seriesTotal, 0, { written: 0, last: '' });
    if (!bar && !options.json) printLine(`run ${handle.runId}: ${handle.seriesTotal} series`);
    const status = await handle.done;
    bar?.stop();
    const run = await this.runs.get(handle.runId);
    if (options.json) {
      printJson({
        runId: run.id,
        status: run.status,
        barsFetched: run.barsFetched,
        barsWritten: run.barsWritten,
        error: run.error,
        series: run.series,
      });
    } else {
      printLine(
        `run ${run.id} ${run.status}: ${run.barsFetched} bars fetched, ${run.barsWritten} written`,
      );
    }
    if (status !== 'succeeded') {
      throw new CliError(`backfill ${status}${run.error ? `: ${run.error}` : ''}`);
    }
  }

  @Option({
    flags: '--symbols <list>',
    description: 'comma-separated symbols (default: all active)',
  })
  parseSymbols(value: string): string {
    return value;
  }

  @Option({ flags: '--timeframes <list>', description: 'comma-separated base timeframes: 1m,1d' })
  parseTimeframes(value: string): string {
    return value;
  }

  @Option({ flags: '--from <date>', description: 'start date or ISO instant (default: last bar)' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({
    flags: '--to <date>',
    description: 'end date (inclusive) or ISO instant (default: now)',
  })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }
}

function parseOptions(options: BackfillOptions): {
  symbols?: string[];
  timeframes?: BaseTimeframe[];
  from?: string;
  to?: string;
} {
  const problems: string[] = [];
  const symbols = splitList(options.symbols);
  const bad = symbols?.filter((symbol) => !SYMBOL_PATTERN.test(symbol)) ?? [];
  if (bad.length) problems.push(`--symbols: ${bad.join(', ')}: each symbol ${SYMBOL_RULE}`);
  const timeframes = splitList(options.timeframes);
  const badTf = timeframes?.filter((tf) => !BASE_TIMEFRAMES.includes(tf as BaseTimeframe)) ?? [];
  if (badTf.length) {
    problems.push(`--timeframes: ${badTf.join(', ')}: must be ${BASE_TIMEFRAMES.join(' or ')}`);
  }
  if (problems.length) throw new CliError(problems.join('; '), 2);
  return {
    symbols,
    timeframes: timeframes as BaseTimeframe[] | undefined,
    from: options.from,
    to: options.to,
  };
}

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return items.length ? items : undefined;
}
