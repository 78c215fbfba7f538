import * as fs from 'node:fs';

import { SingleBar } from 'cli-progress';
import { parse } from 'csv-parse';
import { Command, CommandRunner, Option } from 'nest-commander';

import { BarWriter } from '../backfill';
import { CsvBarParser, RowRejection } from '../bars';
import { Bar } from '../market/bar';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../market/symbol';
import { BASE_TIMEFRAMES, BaseTimeframe } from '../market/timeframes';
import { SymbolsService } from '../symbols';
import { CliError, printJson, printLine } from './cli-output';

interface ImportOptions {
  file?: string;
  symbol?: string;
  timeframe?: string;
  json?: boolean;
}

/** Bars per writer batch: one transaction each, so a crash loses at most the batch in flight. */
const BATCH_SIZE = 5_000;
/** Rejections listed in the human output (the JSON output lists them all). */
const SHOWN_REJECTIONS = 20;

@Command({
  name: 'import:csv',
  description:
    'load bars from a CSV file (header timestamp,open,high,low,close,volume[,vwap,trades]) into a tracked symbol',
})
export class ImportCsvCommand extends CommandRunner {
  constructor(
    private readonly writer: BarWriter,
    private readonly symbols: SymbolsService,
  ) {
    super();
  }

  async run(_args: string[], options: ImportOptions): Promise<void> {
    const { file, symbol, timeframe } = checkOptions(options);
    const timeZone = await this.symbols.findTimeZone(symbol);
    if (!timeZone) {
      throw new CliError(
        `unknown symbol ${symbol}: add it first with \`npm run cli -- symbols:add --symbol ${symbol} --asset-class stocks --timeframes ${timeframe}\``,
      );
    }
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      throw new CliError(`cannot read ${file}: no such file`);
    }

    const bar =
      !options.json && process.stdout.isTTY === true
        ? new SingleBar({
            format: `import [{bar}] {percentage}% | {written} bars written`,
            hideCursor: true,
          })
        : undefined;
    bar?.start(size, 0, { written: 0 });
    const parser = new CsvBarParser(timeframe, timeZone);
    const rejected: RowRejection[] = [];
    let rows = 0;
    let written = 0;
    let batch: Bar[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      written += (await this.writer.writeBatch({ symbol, timeframe }, batch, { source: 'csv' }))
        .written;
      batch = [];
      bar?.update({ written });
    };

    const input = fs.createReadStream(file);
    const records = input.pipe(
      parse({ info: true, relax_column_count: true, skip_empty_lines: true, bom: true }),
    );
    let header = true;
    try {
      for await (const { record, info } of records as AsyncIterable<{
        record: string[];
        info: { lines: number };
      }>) {
        if (header) {
          header = false;
          const problem = parser.readHeader(record);
          if (problem) throw new CliError(`${file} line ${info.lines}: ${problem}`);
          continue;
        }
        rows += 1;
        const parsed = parser.parse(record);
        if ('rejection' in parsed) rejected.push({ line: info.lines, reason: parsed.rejection });
        else batch.push(parsed.bar);
        if (batch.length >= BATCH_SIZE) {
          await flush();
          bar?.update(input.bytesRead, { written });
        }
      }
      await flush();
    } catch (error) {
      bar?.stop();
      if (error instanceof CliError) throw error;
      const code = (error as { code?: string }).code;
      if (code?.startsWith('CSV_')) throw new CliError(`${file}: ${(error as Error).message}`);
      throw error;
    }
    bar?.update(size, { written });
    bar?.stop();

    const summary = {
      file,
      symbol,
      timeframe,
      rows,
      accepted: rows - rejected.length,
      written,
      rejected,
    };
    // Rejected rows make the exit status 1 so scripts notice; the valid rows are stored anyway.
    if (rejected.length) process.exitCode = 1;
    if (options.json) return printJson(summary);
    printLine(
      `${symbol} ${timeframe}: ${rows} rows read, ${summary.accepted} accepted, ${written} bars written, ${rejected.length} rejected`,
    );
    for (const r of rejected.slice(0, SHOWN_REJECTIONS)) {
      process.stderr.write(`rejected line ${r.line}: ${r.reason}\n`);
    }
    if (rejected.length > SHOWN_REJECTIONS) {
      process.stderr.write(
        `... and ${rejected.length - SHOWN_REJECTIONS} more (--json lists them all)\n`,
      );
    }
  }

  @Option({ flags: '--file <path>', description: 'CSV file to import', required: true })
  parseFile(value: string): string {
    return value;
  }

  @Option({ flags: '--symbol <symbol>', description: 'tracked symbol, e.g. AAPL', required: true })
  parseSymbol(value: string): string {
    return value;
  }

  @Option({
    flags: '--timeframe <timeframe>',
    description: 'stored timeframe: 1m or 1d',
    required: true,
  })
  parseTimeframe(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON object' })
  parseJson(): boolean {
    return true;
  }
}

function checkOptions(options: ImportOptions): {
  file: string;
  symbol: string;
  timeframe: BaseTimeframe;
} {
  const problems: string[] = [];
  if (!options.file) problems.push('--file: is required');
  if (!options.symbol || !SYMBOL_PATTERN.test(options.symbol))
    problems.push(`--symbol: ${SYMBOL_RULE}`);
  if (!BASE_TIMEFRAMES.includes(options.timeframe as BaseTimeframe)) {
    problems.push(`--timeframe: must be one of ${BASE_TIMEFRAMES.join(', ')}`);
  }
  if (problems.length) throw new CliError(problems.join('; '), 2);
  return {
    file: options.file!,
    symbol: options.symbol!.toUpperCase(),
    timeframe: options.timeframe as BaseTimeframe,
  };
}
