/**
 * Shared set-up for the browser end-to-end tests: Debian's chromium, headless, driven by
 * playwright-core; a `deepFind` helper installed in every page (the panel is all shadow roots);
 * and the folder screenshots are saved in as test artifacts.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from '../../support/console-process.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Screenshots of each view land here (CI keeps the folder as an artifact). */
export const SCREENSHOT_DIR = path.join(REPO, 'test-results', 'screenshots');

export type DeepFindWindow = Window & {
  deepFind: (selector: string) => Element | null;
  __latheReady?: boolean;
};

/** Installed in every page: the first element matching `selector`, through open shadow roots. */
function installDeepFind(): void {
  const find = (root: ParentNode, selector: string): Element | null => {
    const direct = root.querySelector(selector);
    if (direct !== null) return direct;
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot === null) continue;
      const found = find(element.shadowRoot, selector);
      if (found !== null) return found;
    }
    return null;
  };
  (window as unknown as { deepFind: (selector: string) => Element | null }).deepFind = (selector) =>
    find(document, selector);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (own cookies) with deepFind installed, at `viewport`. */
export async function newPanelContext(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(installDeepFind);
  return context;
}

/** Opens `url` (e.g. `http://127.0.0.1:PORT/#/meters`) and waits until the panel has rendered its page. */
export async function openPanel(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as DeepFindWindow).__latheReady === true);
  return page;
}

/** Saves a full-page screenshot as test-results/screenshots/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
