/**
 * The Surfaces & devices page in a real browser on the real `lathe start --serial` with the
 * motor-fader board simulator on a socat pty pair: the board is listed as connected with its bank
 * (and its state follows when the board goes and comes back); the audio device, rate, block size,
 * DSP load and xruns are shown live; MIDI learn with no MIDI surface shows its coded error.
 * Screenshot: surfaces.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callConsole, type RunningConsole } from '../support/console-process.ts';
import { startConsoleWithBoard, type ConsoleWithBoard } from '../support/panel-board.ts';
import {
  HAS_CHROMIUM,
  launchBrowser,
  newPanelContext,
  openPanel,
  saveScreenshot,
} from './support/panel-browser.ts';

const FADERS = 4;

describe.skipIf(!HAS_CHROMIUM)('Surfaces & devices page in a browser', () => {
  let rig: ConsoleWithBoard | undefined;
  let lathe: RunningConsole;
  let browser: Browser | undefined;
  let page: Page;

  const api = async (method: string, route: string): Promise<unknown> => {
    const reply = await callConsole(lathe, method, route);
    expect(reply.ok, `${method} ${route}: ${reply.status}`).toBe(true);
    return reply.body;
  };
  const boardRow = (): ReturnType<Page['locator']> => page.locator('tr[data-surface="serial-1"]');

  beforeAll(async () => {
    rig = await startConsoleWithBoard(FADERS);
    lathe = rig.lathe;
    browser = await launchBrowser();
    page = await openPanel(await newPanelContext(browser), `${lathe.url}#/surfaces`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    expect(await rig?.stop()).toBe(0);
  });

  it('lists the fader board as connected with its bank, as GET /api/surfaces has it', async () => {
    // On a loaded machine the board can drop a heartbeat and reconnect: wait for it to be online.
    const surfaces = async (): Promise<unknown> => api('GET', '/api/surfaces');
    await expect
      .poll(async () => ((await surfaces()) as { surfaces: { state: string }[] }).surfaces[0]?.state, {
        timeout: 10_000,
        message: lathe.output(),
      })
      .toBe('online');
    expect(await surfaces()).toEqual({
      surfaces: [
        {
          id: 'serial-1',
          profile: 'lathe-fader-board',
          port: rig!.pty.b,
          kind: 'serial',
          state: 'online',
          bankOffset: 0,
          bankSize: FADERS,
          page: null,
        },
      ],
    });
    await boardRow().locator('[data-state="online"]').waitFor();
    expect(await boardRow().locator('[data-state]').innerText()).toBe('connected');
    expect(await boardRow().locator('[data-bank]').innerText()).toContain(`strips 1–${FADERS}`);
    expect(await boardRow().innerText()).toContain(rig!.pty.b);
  });

  it('shows the audio device, rate, block size, and DSP load and xruns live from the socket', async () => {
    const status = (await api('GET', '/api/status')) as { sampleRate: number; blockSize: number };
    expect(await page.locator('[data-audio="device"]').innerText()).toMatch(/^virtual — /);
    expect(await page.locator('[data-audio="rate"]').innerText()).toBe(`${status.sampleRate} Hz`);
    expect(await page.locator('[data-audio="block"]').innerText()).toContain(`${status.blockSize} frames`);
    const load = page.locator('[data-audio="dsp-load"]');
    expect(await load.innerText()).toMatch(/^\d+\.\d %$/);
    // Status updates arrive every 500 ms: the reading changes while the page stays as it is.
    const first = await load.innerText();
    await expect.poll(() => load.innerText(), { timeout: 5000 }).not.toBe(first);
    const xruns = page.locator('[data-audio="xruns"]');
    expect(await xruns.innerText()).toMatch(/^\d+$/);
    const before = Number(await xruns.innerText());
    await page.locator('[data-action="reset-xruns"]').click();
    if (before > 0) {
      await expect.poll(async () => Number(await xruns.innerText()), { timeout: 5000 }).toBeLessThan(before);
    }
    await saveScreenshot(page, 'surfaces');
  });

  it('lists the devices (as `lathe devices` does): GET /api/devices and the page', async () => {
    const started = performance.now();
    const devices = (await api('GET', '/api/devices')) as Record<string, { reason?: unknown }>;
    const took = performance.now() - started;
    console.log(`GET /api/devices (listing cached from the page's request): ${took.toFixed(0)} ms`);
    expect(Object.keys(devices).sort()).toEqual(['audio', 'midi', 'serial', 'status']);
    expect(devices['status']).toMatchObject({ backend: 'virtual' });
    await page.locator('[data-devices="audio"]').waitFor();
    await page.locator('[data-devices="midi"]').waitFor();
    expect(await page.locator('[data-devices="serial"]').innerText()).not.toBe('');
  });

  it('MIDI learn without a MIDI surface shows LATHE_SURFACE_NOT_ATTACHED', async () => {
    await page.locator('select[data-learn-param]').selectOption('strip/01/fader');
    await page.locator('[data-action="learn"]').click();
    await expect
      .poll(() => page.locator('[data-learn-result]').innerText(), { timeout: 5000 })
      .toContain('LATHE_SURFACE_NOT_ATTACHED');
    expect(await page.locator('[data-action="learn"]').isEnabled()).toBe(true);
  });

  it('the board going away and coming back shows in its state', async () => {
    await rig!.simulator.kill();
    await expect
      .poll(() => boardRow().locator('[data-state]').getAttribute('data-state'), { timeout: 8000 })
      .not.toBe('online');
    await rig!.restartBoard();
    await boardRow().locator('[data-state="online"]').waitFor({ timeout: 10_000 });
  });
});
