import { Browser, Page, Request } from 'playwright-core';

import { DESKTOP, newPage, PageProblems } from './browser';

/** Chromium logs every non-2xx fetch; pages that provoke a 400 on purpose expect those. */
const EXPECTED_400 = /^console\.error: Failed to load resource: .* status of 400 \(Bad Request\)$/;

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Put in the tab's session storage before the page loads, as the admin form would. */
  adminKey?: string;
  /** The page provokes 400s on purpose: Chromium's log lines for them are not problems. */
  expect400?: boolean;
}

/**
 * Dashboard pages of one served app, each in its own browser context, with every page's
 * console errors kept so a suite can assert at its end that there were none.
 */
export class DashboardPages {
  readonly problems: PageProblems[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  /** A page watched for console errors, not yet navigated. */
  async blank(viewport = DESKTOP): Promise<Page> {
    const { page, problems } = await newPage(this.browser, viewport);
    this.problems.push(problems);
    return page;
  }

  /** The dashboard at `search` (e.g. `?view=chart&symbol=AAPL`). */
  async open(search: string, options: OpenOptions = {}): Promise<Page> {
    const { page, problems } = await newPage(this.browser, options.viewport ?? DESKTOP);
    this.problems.push(problems);
    if (options.expect400) {
      page.on('close', () => {
        problems.errors = problems.errors.filter((error) => !EXPECTED_400.test(error));
      });
    }
    if (options.adminKey) {
      await page.addInitScript(
        `sessionStorage.setItem('mdw.adminKey', ${JSON.stringify(options.adminKey)})`,
      );
    }
    await page.goto(`${this.baseUrl}/dashboard/${search}`);
    return page;
  }

  /** Console errors and warnings of every page opened so far. */
  errors(): string[] {
    return this.problems.flatMap((p) => p.errors);
  }
}

/** Requests the page makes to a path of the API, recorded from now on. */
export function record(page: Page, path: string): URL[] {
  const seen: URL[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname === path) seen.push(url);
  });
  return seen;
}
