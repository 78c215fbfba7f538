import { Browser, Locator } from 'playwright-core';

import { startTestApp, TestApp } from '../support/test-app';
import { launchBrowser, screenshot } from './support/browser';
import { DashboardPages, record } from './support/dashboard-pages';

const DAY = 86_400_000;

interface ApiBar {
  timestamp: string;
  open: number;
  close: number;
}
interface ApiPage {
  count: number;
  bars: ApiBar[];
  nextCursor: string | null;
}
interface ApiProblem {
  status: number;
  errors: { field: string; message: string }[];
}

/**
 * The chart's adjustment and session toggles on the demo warehouse (what `npm start` without a
 * Polygon key shows): NVDA splits 2-for-1 every June and pays quarterly dividends, and stock
 * minute bars run from pre-market to post-market. Switching a toggle must change what the chart
 * draws, to exactly what the API answers; a combination the API refuses shows its message at
 * the control, not an empty chart.
 */
describe('chart toggles on demo data', () => {
  let app: TestApp;
  let browser: Browser;
  let pages: DashboardPages;
  const today = new Date().toISOString().slice(0, 10);
  const dateBefore = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

  beforeAll(async () => {
    app = await startTestApp({ env: { DEMO_SEED: 'true' } });
    await demoSeeded(app);
    browser = await launchBrowser();
    pages = new DashboardPages(browser, app.url);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function apiBars(query: string): Promise<ApiPage> {
    const response = await fetch(`${app.url}/api/v1/historical/NVDA?${query}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as ApiPage;
    expect(page.nextCursor).toBeNull();
    return page;
  }

  async function apiRefusal(symbol: string, query: string): Promise<string> {
    const response = await fetch(
      `${app.url}/api/v1/historical/${encodeURIComponent(symbol)}?${query}`,
    );
    const problem = (await response.json()) as ApiProblem;
    expect(problem.status).toBe(400);
    return problem.errors.find((e) => e.field === 'session')!.message;
  }

  it('adjustment: the chart redraws NVDA with split- and dividend-adjusted prices', async () => {
    const start = dateBefore(365);
    const range = `timeframe=1d&start=${start}&end=${today}`;
    const raw = await apiBars(range);
    const split = await apiBars(`${range}&adjustment=split`);
    const dividend = await apiBars(`${range}&adjustment=dividend`);
    const all = await apiBars(`${range}&adjustment=all`);
    // The demo's June split lies in any year-long range: before it, split-adjusted prices halve.
    expect(split.bars[0].open / raw.bars[0].open).toBeCloseTo(0.5, 3);
    expect(dividend.bars[0].open).toBeLessThan(raw.bars[0].open);
    expect(dividend.bars[0].open).toBeGreaterThan(raw.bars[0].open * 0.9);

    const page = await pages.open(`?view=chart&symbol=NVDA&start=${start}&end=${today}`);
    const requests = record(page, '/api/v1/historical/NVDA');
    const summary = page.getByTestId('chart-summary');
    const chart = page.locator('[data-testid="chart"]');
    await page.getByText(`${raw.count.toLocaleString('en-US')} bars in 1 page`).waitFor();
    await untilFirstOpen(summary, raw.bars[0].open);
    const drawnRaw = await chart.screenshot();

    for (const [value, label, answer] of [
      ['split', 'Split-adjusted', split],
      ['dividend', 'Dividend-adjusted', dividend],
      ['all', 'Split and dividend', all],
    ] as const) {
      await page.getByLabel('Adjustment').selectOption({ label });
      await page.waitForURL(new RegExp(`adjustment=${value}`));
      await untilFirstOpen(summary, answer.bars[0].open);
      expect(requests.at(-1)!.searchParams.get('adjustment')).toBe(value);
    }
    // The canvas itself changed, not only the text beside it.
    expect((await chart.screenshot()).equals(drawnRaw)).toBe(false);
    await screenshot(page, 'dashboard-chart-nvda-adjusted-1280');

    // Back to raw: the default leaves the URL and the request.
    await page.getByLabel('Adjustment').selectOption('raw');
    await untilFirstOpen(summary, raw.bars[0].open);
    expect(new URL(page.url()).searchParams.has('adjustment')).toBe(false);
    expect(requests.at(-1)!.searchParams.has('adjustment')).toBe(false);
    await page.close();
  });

  it.each([
    ['a daily timeframe', 'NVDA', '1d'],
    ['crypto', 'X:BTCUSD', '1m'],
  ])('session on %s: the API refusal is shown at the Session control', async (_, symbol, tf) => {
    const message = await apiRefusal(symbol, `timeframe=${tf}&session=regular`);
    // A shared link with that selection.
    const page = await pages.open(
      `?view=chart&symbol=${encodeURIComponent(symbol)}&timeframe=${tf}&session=regular`,
      { expect400: true },
    );
    await page.locator('#error-session').waitFor();
    await expect(page.locator('#error-session').textContent()).resolves.toBe(message);
    const control = page.getByLabel('Session');
    await expect(control.getAttribute('aria-describedby')).resolves.toBe('error-session');
    await expect(control.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByRole('alert').filter({ hasText: 'Bars: Invalid request' }).waitFor();
    // The refusal replaces the chart: no empty canvas beside it.
    await expect(page.locator('[data-testid="chart"]').count()).resolves.toBe(0);
    await expect(page.getByTestId('chart-summary').count()).resolves.toBe(0);
    await page.close();
  });

  it('logged no console error or warning beyond the refusals provoked above', () => {
    expect(pages.errors()).toEqual([]);
  });
});

/** Waits (up to 100 s) until the demo warehouse's two seeding runs have finished, successfully. */
async function demoSeeded(app: TestApp): Promise<void> {
  const deadline = Date.now() + 100_000;
  let runs: { status: string; error: string | null }[] = [];
  while (Date.now() < deadline) {
    runs = await app.dataSource.query(
      `SELECT status, error FROM backfill_runs WHERE trigger = 'demo' ORDER BY created_at`,
    );
    if (runs.length === 2 && runs.every((run) => !['queued', 'running'].includes(run.status))) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(runs).toEqual([
    { status: 'succeeded', error: null },
    { status: 'succeeded', error: null },
  ]);
}

/** Polls the chart's summary until its first open is `open` (as the page rounds it). */
async function untilFirstOpen(summary: Locator, open: number): Promise<void> {
  let seen: string | null = null;
  for (let i = 0; i < 150; i++) {
    seen = (await summary.count()) ? await summary.textContent() : null;
    const shown = seen && /: open ([\d,.]+)\./.exec(seen);
    if (shown && Math.abs(Number(shown[1].replace(/,/g, '')) - open) < 0.0001) return;
    await summary.page().waitForTimeout(100);
  }
  throw new Error(`the chart's summary never showed a first open of ${open}: ${seen}`);
}
