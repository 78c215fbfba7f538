import * as fs from 'node:fs';
import * as path from 'node:path';

import { Browser, BrowserContext, chromium, ConsoleMessage, Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); playwright's own browser downloads are not used. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (git-ignored): look at them after a run. */
export const ARTIFACTS = path.resolve(__dirname, '../../artifacts');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/**
 * Headless Chromium with the house flags. `hostMap` resolves extra host names to 127.0.0.1,
 * so a page can be opened as http://warehouse.lan:PORT: an origin the browser does not treat
 * as secure (unlike localhost), like a LAN host serving plain HTTP.
 */
export async function launchBrowser(hostMap: string[] = []): Promise<Browser> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
  if (hostMap.length) {
    args.push(`--host-resolver-rules=${hostMap.map((host) => `MAP ${host} 127.0.0.1`).join(',')}`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** Console errors and uncaught exceptions of a page, collected from its first moment. */
export interface PageProblems {
  errors: string[];
}

export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.errors.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
  return problems;
}

export async function newPage(
  browser: Browser,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core's serious and critical violations of the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) allows it.
  await page.evaluate(source);
  // A string, run in the page: this file is compiled without the DOM's types.
  return page.evaluate<string[]>(`axe
    .run({ resultTypes: ['violations'] })
    .then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ' ' + v.id + ': ' + v.help + ' (' +
        v.nodes.map((n) => n.target.join(' ')).join('; ') + ')'))`);
}
