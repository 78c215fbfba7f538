import { execFile } from 'node:child_process';
import path from 'node:path';

import { insertBars, makeBars } from '../../factories/bars';
import { insertSymbols } from '../../factories/symbols';
import { startTestApp, TestApp } from '../../support/test-app';

const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 2, 14, 30);
/**
 * A Python with pandas, pyarrow, polars, duckdb and requests (.ci/run makes one from the
 * machine's wheelhouse); without it this suite does not run, and says so.
 */
const PYTHON = process.env.NOTEBOOK_PYTHON;
const SCRIPT = path.join(__dirname, '../../notebooks/read_bars.py');

(PYTHON ? describe : describe.skip)('Reading bars the way docs/notebooks.md shows', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await insertSymbols(t.dataSource, [{ symbol: 'AAPL' }, { symbol: 'MSFT' }]);
    await insertBars(
      t.dataSource,
      'AAPL',
      '1m',
      makeBars(START, 300, MINUTE, { seed: 3, missingVwapEvery: 9 }),
    );
    await insertBars(
      t.dataSource,
      'MSFT',
      '1m',
      makeBars(START, 200, MINUTE, { seed: 4, fractionalVolume: true }),
    );
  });
  afterAll(() => t.close());

  it("reads the JSON answer's bars from Arrow, CSV and JSON with pandas, polars and DuckDB", async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(PYTHON!, [SCRIPT, t.url], { timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(output).toMatch(/^8 passed, 0 failed$/m);
    expect(code).toBe(0);
  }, 150_000);
});

if (!PYTHON) {
  console.warn('notebook-read: NOTEBOOK_PYTHON is not set, the Python notebook reads did not run');
}
