import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATHE, REPO, startConsole, stopConsole, type RunningConsole } from '../support/console-process.ts';
import {
  HAS_CHROMIUM,
  launchBrowser,
  newPanelContext,
  openPanel,
  type DeepFindWindow,
} from './support/panel-browser.ts';

const run = promisify(execFile);

// Two real browsers (separate contexts) on the real `lathe start`, with the built Lit panel.
describe.skipIf(!HAS_CHROMIUM)('web panel in a browser', () => {
  let lathe: RunningConsole;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    lathe = await startConsole(['--audio', 'virtual', '--port', '0']);
    browser = await launchBrowser();
    pageA = await openPanel(await newPanelContext(browser), lathe.url);
    pageB = await openPanel(await newPanelContext(browser), lathe.url);
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    expect(await stopConsole(lathe)).toBe(0);
  });

  it('shows every strip and the master, on the virtual interface', async () => {
    await expect(pageA.locator('[data-param="strip/08/fader"]').count()).resolves.toBe(1);
    await expect(pageA.locator('[data-param="master/fader"]').count()).resolves.toBe(1);
    await expect(pageA.locator('[data-status]').innerText()).resolves.toMatch(/virtual/);
    mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
    await pageA.setViewportSize({ width: 1400, height: 800 });
    await pageA.screenshot({ path: path.join(REPO, 'test-results', 'panel.png') });
  });

  it('a fader moved in one browser shows in the other within 100 ms', async () => {
    for (const position of [0.5, 0.25, 0.9]) {
      const sentAt = await pageA.evaluate((p) => {
        const input = (window as unknown as DeepFindWindow).deepFind(
          '[data-param="strip/01/fader"]',
        ) as HTMLInputElement;
        input.value = String(p);
        const at = Date.now();
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
        return at;
      }, position);
      const seenAt = await pageB.waitForFunction(
        (p) => {
          const input = (window as unknown as DeepFindWindow).deepFind(
            '[data-param="strip/01/fader"]',
          ) as HTMLInputElement | null;
          return input !== null && Math.abs(Number(input.value) - p) < 1e-3 ? Date.now() : false;
        },
        position,
        { polling: 5, timeout: 5000 },
      );
      const delay = Number(await seenAt.jsonValue()) - sentAt;
      console.log(`fader ${position}: shown in the other browser after ${delay} ms`);
      expect(delay).toBeLessThan(100);
    }
    // The readout follows in plain units: position 0.9 on the fader law is about +3.4 dB.
    await expect(pageB.locator('[data-param-value="strip/01/fader"]').innerText()).resolves.toMatch(
      /^\+?3\.\d$/,
    );
  });

  it('a change made from the command line shows in the browser', async () => {
    await run(process.execPath, [LATHE, 'set', 'strip/02/mute', '1', '--port', String(lathe.port)], {
      cwd: REPO,
    });
    await pageA.waitForFunction(
      () =>
        (window as unknown as DeepFindWindow)
          .deepFind('[data-param="strip/02/mute"]')
          ?.getAttribute('aria-pressed') === 'true',
      undefined,
      { polling: 10, timeout: 2000 },
    );
  });

  it('meters move while the demo multitrack plays', async () => {
    const read = () => pageA.locator('[data-meter="master"]').getAttribute('data-peak-db');
    const readings = new Set<string | null>();
    for (let i = 0; i < 10; i++) {
      readings.add(await read());
      await pageA.waitForTimeout(100);
    }
    const numeric = [...readings].filter((r): r is string => r !== null && r !== '-inf').map(Number);
    expect(numeric.length).toBeGreaterThan(2);
    expect(Math.max(...numeric)).toBeGreaterThan(-40);
  });
});
