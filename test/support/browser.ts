import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { findWebDist } from '../../src/core/http/web-app';
import type { TestApp } from './app';

// Debian's Chromium (scripts/browser-deps.cjs installs it); Playwright's own download is unreachable.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // without these Chromium keeps calling Google's services, on a network that has none
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots of every screen, kept by the run (git ignores test-results/). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-results/screenshots');

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  baseUrl: string;
  /** Saves a full-page PNG as test-results/screenshots/<suite>/<nn>-<name>.png. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Listens on a free port and opens a fresh Chromium profile on it. */
export async function openBrowser(t: TestApp, suite: string): Promise<BrowserSession> {
  if (!findWebDist()) throw new Error('web/dist is missing: the test command builds it (node scripts/build-web.mjs)');
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const profile = mkdtempSync(path.join(tmpdir(), 'asset-chromium-'));
  // launchPersistentContext is the way to give Chromium its own --user-data-dir
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1280, height: 800 },
    baseURL: baseUrl,
  });
  const browser = context.browser() as Browser;
  const page = context.pages()[0] ?? (await context.newPage());
  const dir = path.join(SCREENSHOT_DIR, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    browser,
    context,
    page,
    baseUrl,
    async screenshot(name) {
      const file = path.join(dir, `${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until an expression is true in the page. Not page.waitForFunction: when it has to poll, it
 * evaluates the string inside the page, which the app's CSP (script-src 'self') refuses.
 */
export async function until(page: Page, expression: string, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}
