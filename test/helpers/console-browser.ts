// Drives the review console in Debian's Chromium (playwright-core, no browser download) for the end-to-end
// test and the console benchmark. Any console error or uncaught exception in the page is collected, so the
// caller can fail on it.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './processes.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots of the end-to-end run (gitignored). */
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts', 'console');

export interface ConsoleBrowser {
  browser: Browser;
  /** A new tab at `viewport`, its errors collected into `errors`. */
  open(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  errors: string[];
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const errors: string[] = [];
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return {
    browser,
    errors,
    async open(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport, colorScheme: 'light' });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      return { context, page };
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    close: () => browser.close(),
  };
}

/** Opens the console at `baseUrl` and signs in with `key`. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
