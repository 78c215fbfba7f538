import { Browser } from 'playwright-core';

import { startTestApp, TestApp } from '../support/test-app';
import {
  accessibilityViolations,
  DESKTOP,
  launchBrowser,
  newPage,
  PHONE,
  screenshot,
} from './support/browser';
import { DashboardData, seedDashboardData } from './support/dashboard-data';
import { DashboardPages, record } from './support/dashboard-pages';

/**
 * The dashboard as a user sees it: served by the API at /dashboard, driven in headless Chromium
 * against a warehouse with known data (demo mode: no POLYGON_API_KEY, so backfills use the
 * synthetic source). Screenshots of every view at 1280 and 375 px go to test/artifacts/.
 */
describe('dashboard in a browser', () => {
  let app: TestApp;
  let data: DashboardData;
  let browser: Browser;
  /** Pages that talk to a healthy API: none may log a console error. */
  let pages: DashboardPages;

  beforeAll(async () => {
    app = await startTestApp();
    data = await seedDashboardData(app.dataSource);
    browser = await launchBrowser(['warehouse.lan']);
    pages = new DashboardPages(browser, app.url);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const open = (search: string, viewport = DESKTOP, adminKey?: string, expect400 = false) =>
    pages.open(search, { viewport, adminKey, expect400 });

  it('lists the known symbols with their coverage and calendar freshness', async () => {
    const page = await open('?view=symbols');
    const row = (symbol: string) => page.locator(`tr[data-symbol="${symbol}"]`);
    await row('AAPL').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(3);
    await expect(row('AAPL').locator('.badge').textContent()).resolves.toBe('Healthy');
    // Crypto trades every day: six days without a bar is stale, whatever the weekday.
    await expect(row('X:BTCUSD').locator('.badge').textContent()).resolves.toBe('Stale');
    const aaplBars = await row('AAPL').locator('td.num').first().textContent();
    expect(Number(aaplBars!.replace(/\D/g, ''))).toBeGreaterThan(data.minuteBars);
    await expect(row('MSFT').locator('td.num').nth(2).textContent()).resolves.toBe('1');

    await page.getByLabel('Filter').fill('x:');
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    expect(page.url()).toContain('q=x%3A');
    await page.getByLabel('Filter').fill('');
    await page.getByRole('button', { name: 'Freshness' }).click();
    await page.getByRole('button', { name: 'Freshness' }).click();
    await expect(page.locator('tbody tr').first().getAttribute('data-symbol')).resolves.toBe(
      'X:BTCUSD',
    );
    expect(page.url()).toContain('sort=freshness&dir=desc');
    await page.close();
  });

  it('opens a symbol chart: a canvas, drawn from the API with that timeframe and range', async () => {
    const page = await open('?view=symbols');
    const bars = record(page, '/api/v1/historical/AAPL');
    await page.getByRole('link', { name: 'Open chart of AAPL' }).click();
    await page.getByText(/\d+ bars in 1 page/).waitFor();
    const canvas = page.locator('[data-testid="chart"] canvas').first();
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(200);
    const from = await page.getByLabel('From').inputValue();
    const to = await page.getByLabel('To').inputValue();
    expect(bars.at(-1)!.searchParams.get('timeframe')).toBe('1d');
    expect(bars.at(-1)!.searchParams.get('start')).toBe(from);
    expect(bars.at(-1)!.searchParams.get('end')).toBe(to);
    expect(new URL(page.url()).searchParams.get('symbol')).toBe('AAPL');

    await page.getByLabel('Timeframe').selectOption('1w');
    await page.waitForURL(/timeframe=1w/);
    await page.getByText(/\d+ bars in 1 page/).waitFor();
    expect(bars.at(-1)!.searchParams.get('timeframe')).toBe('1w');

    // The URL is the view: opened afresh, it shows the same selection.
    const shared = await open(new URL(page.url()).search);
    await shared.getByText(/\d+ bars in 1 page/).waitFor();
    await expect(shared.getByLabel('Timeframe').inputValue()).resolves.toBe('1w');
    await shared.close();
    await page.close();
  });

  it('draws a long range whole by following nextCursor', async () => {
    const page = await pages.blank();
    // Recorded before the page loads: its first request goes out at once.
    const bars = record(page, '/api/v1/historical/AAPL');
    await page.goto(
      `${app.url}/dashboard/?view=chart&symbol=AAPL&timeframe=1m&start=${data.minuteStart}&end=${data.today}`,
    );
    await page.getByText('6,000 bars in 2 pages').waitFor();
    expect(bars.map((url) => url.searchParams.has('cursor'))).toEqual([false, true]);
    await page.close();
  });

  it.each([
    ['adjustment', 'Adjustment', 'split', '1d'],
    ['session', 'Session', 'regular', '1m'],
  ])('the %s toggle asks the API, and shows its answer', async (param, label, value, tf) => {
    const probe = await fetch(
      `${app.url}/api/v1/historical/AAPL?timeframe=${tf}&start=${data.minuteStart}&${param}=${value}`,
    );
    const page = await open(
      `?view=chart&symbol=AAPL&timeframe=${tf}&start=${data.minuteStart}`,
      DESKTOP,
      undefined,
      probe.status === 400,
    );
    await page.getByText(/bars in \d+ page/).waitFor();
    const bars = record(page, '/api/v1/historical/AAPL');
    await page.getByLabel(label).selectOption(value);
    await page.waitForURL(new RegExp(`${param}=${value}`));
    if (probe.status === 400) {
      // Not served yet: the API's own words, next to the toggle.
      const problem = (await probe.json()) as { errors: { field: string; message: string }[] };
      const message = problem.errors.find((e) => e.field === param)!.message;
      await expect(page.locator(`#error-${param}`).textContent()).resolves.toBe(message);
      await expect(page.getByLabel(label).getAttribute('aria-describedby')).resolves.toBe(
        `error-${param}`,
      );
    } else {
      expect(probe.status).toBe(200);
      await page.getByText(/bars in \d+ page/).waitFor();
    }
    expect(bars.at(-1)!.searchParams.get(param)).toBe(value);
    await page.close();
  });

  it('shows the demo banner and the overview figures', async () => {
    const page = await open('');
    await page.getByTestId('demo-banner').waitFor();
    await expect(page.getByTestId('demo-banner').textContent()).resolves.toMatch(/synthetic/);
    await page.getByText('Synthetic (demo)').waitFor();
    await page.getByText('Up', { exact: true }).waitFor();
    await page.locator('#card-requests ~ dl').waitFor();
    await page.close();
  });

  it('needs an admin key for backfills; a triggered run shows its progress to completion', async () => {
    const page = await open('?view=admin', DESKTOP, undefined, true);
    await expect(page.getByRole('heading', { name: 'Runs' }).count()).resolves.toBe(0);
    await page.getByLabel('Admin API key').fill(data.adminKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(page.url()).not.toContain(data.adminKey);
    // Browser-side expressions are strings: this file is compiled without the DOM's types.
    await expect(page.evaluate("sessionStorage.getItem('mdw.adminKey')")).resolves.toBe(
      data.adminKey,
    );
    await expect(page.evaluate('localStorage.length')).resolves.toBe(0);

    // The API's validation message appears next to the field it is about.
    await page.getByRole('checkbox', { name: 'AAPL' }).check();
    await page.getByRole('checkbox', { name: '1d' }).check();
    await page.getByLabel('From').fill('2024-13-45');
    await page.getByRole('button', { name: 'Start backfill' }).click();
    await page.locator('#error-from').waitFor();
    await expect(page.locator('#error-from').textContent()).resolves.toMatch(/date/);
    await expect(page.getByLabel('From').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('From').fill(data.minuteStart);
    await page.getByRole('button', { name: 'Start backfill' }).click();
    const started = await page.getByText(/Run \w{8} started/).textContent();
    const runId = /Run (\w{8})/.exec(started!)![1];
    const run = page.locator(`tr[data-run^="${runId}"]`);
    await run.waitFor();
    await page.locator(`tr[data-run^="${runId}"][data-status="succeeded"]`).waitFor();
    await expect(run.locator('progress').getAttribute('value')).resolves.toBe('100');

    // The open gap, repaired with its button.
    await page.getByRole('button', { name: /Repair the 1 open gaps of MSFT/ }).click();
    await page.getByText(/Repair run \w{8} started/).waitFor();
    await page.locator('tr[data-status] td', { hasText: 'repair' }).first().waitFor();
    await page.close();
  });

  it('says so when the API fails or cannot be reached', async () => {
    const { page } = await newPage(browser);
    await page.route('**/api/v1/status', (route) =>
      route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '5' },
        body: JSON.stringify({ status: 503, detail: 'The database is unavailable.' }),
      }),
    );
    await page.route('**/api/v1/symbols/detailed', (route) => route.abort('connectionrefused'));
    await page.goto(`${app.url}/dashboard/`);
    await page
      .getByRole('alert')
      .filter({ hasText: 'The API is unavailable, retry in 5 s: The database is unavailable.' })
      .waitFor();
    await page.getByRole('link', { name: 'Symbols' }).click();
    await page.getByRole('alert').filter({ hasText: 'Cannot reach the API' }).waitFor();
    await page.close();
  });

  it('shows "rate limited, retrying in N s" from Retry-After, then the data', async () => {
    const { page } = await newPage(browser);
    let limited = false;
    await page.route('**/api/v1/symbols/detailed', (route) => {
      if (limited) return route.continue();
      limited = true;
      return route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '2' },
        body: JSON.stringify({ status: 429, detail: 'Rate limit exceeded.' }),
      });
    });
    await page.goto(`${app.url}/dashboard/?view=symbols`);
    await page.getByText(/Rate limited, retrying in [12] s/).waitFor();
    await page.locator('tr[data-symbol="AAPL"]').waitFor();
    await expect(page.getByText(/Rate limited/).count()).resolves.toBe(0);
    await page.close();
  });

  it('works over plain HTTP on a LAN host name, and so does Swagger UI', async () => {
    const port = new URL(app.url).port;
    const page = await pages.blank();
    await page.goto(`http://warehouse.lan:${port}/dashboard/?view=symbols`);
    await page.locator('tr[data-symbol="AAPL"]').waitFor();
    await page.goto(`http://warehouse.lan:${port}/docs`);
    await page.locator('.opblock').first().waitFor();
    await page.close();
  });

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])('has no serious accessibility violation (%s), screenshots', async (name, viewport) => {
    const views = [
      ['overview', ''],
      ['symbols', '?view=symbols'],
      ['chart', '?view=chart&symbol=AAPL'],
      ['admin', '?view=admin'],
    ];
    for (const [view, search] of views) {
      const page = await open(search, viewport, data.adminKey);
      await page.locator('main h2').waitFor();
      // Polled from here: waitForFunction would eval in the page, which its CSP refuses.
      for (let i = 0; (await page.locator('[aria-busy="true"]').count()) > 0; i++) {
        if (i > 100) throw new Error(`${view} is still loading after 10 s`);
        await page.waitForTimeout(100);
      }
      if (view === 'chart') await page.getByText(/bars in 1 page/).waitFor();
      if (view === 'symbols') await page.locator('tr[data-symbol]').first().waitFor();
      if (view === 'admin') await page.locator('tr[data-run]').first().waitFor();
      expect({ view, violations: await accessibilityViolations(page) }).toEqual({
        view,
        violations: [],
      });
      await screenshot(page, `dashboard-${view}-${viewport.width}`);
      await page.close();
    }
  });

  it('logged no console error or warning on any page above', () => {
    expect(pages.errors()).toEqual([]);
  });
});
