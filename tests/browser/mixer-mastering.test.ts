/**
 * The Mixer and Mastering pages in a real browser on a real `lathe start --audio virtual`:
 * keyboard faders reach the engine in plain dB steps, a strip's detail shows every parameter it
 * has, an EQ change in the detail reaches the engine and redraws the curve, the mastering page
 * shows every master processor with its controls and curves, gain reduction bars read values,
 * and both pages fit a 1280x800 tablet. Screenshots: mixer, mixer-detail, mastering (1280x800),
 * mixer-desktop (1920x1080).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callConsole, startConsole, stopConsole, type RunningConsole } from '../support/console-process.ts';
import {
  HAS_CHROMIUM,
  launchBrowser,
  newPanelContext,
  openPanel,
  saveScreenshot,
} from './support/panel-browser.ts';

interface ParamReading {
  param: string;
  value: number;
}

describe.skipIf(!HAS_CHROMIUM)('mixer and mastering pages in a browser', () => {
  let lathe: RunningConsole;
  let browser: Browser;
  let tablet: BrowserContext;
  let page: Page;
  let allParams: string[];

  const api = async <T>(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<T> => {
    const reply = await callConsole<T>(lathe, method, path, body);
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const valueOf = async (id: string): Promise<number> =>
    (await api<ParamReading>('GET', `/api/params/${id}`)).value;
  const waitForValue = async (id: string, expected: number): Promise<number> => {
    const deadline = Date.now() + 3000;
    let value = await valueOf(id);
    while (Math.abs(value - expected) > 1e-4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      value = await valueOf(id);
    }
    return value;
  };
  const press = async (control: Locator, key: string, times: number): Promise<void> => {
    await control.focus();
    for (let i = 0; i < times; i++) await control.press(key);
  };
  /** The sum of a curve's dB values from the plot's summary ("name:max/min/sum ..."). */
  const curveSum = async (plot: Locator, name: string): Promise<number> => {
    const summary = (await plot.getAttribute('data-curve')) ?? '';
    const match = new RegExp(`${name}:(-?[\\d.]+)/(-?[\\d.]+)/(-?[\\d.]+)`).exec(summary);
    return match ? Number(match[3]) : Number.NaN;
  };
  /** Waits until the plot has drawn the current values (the summary is the same twice 300 ms apart). */
  const settled = async (plot: Locator): Promise<string> => {
    let last = await plot.getAttribute('data-curve');
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = await plot.getAttribute('data-curve');
      if (now === last && now !== 'none') return now!;
      last = now;
    }
  };
  const canvasOf = (plot: Locator): Promise<string> =>
    plot.evaluate((element) => element.shadowRoot!.querySelector('canvas')!.toDataURL());

  beforeAll(async () => {
    lathe = await startConsole(['--audio', 'virtual', '--port', '0']);
    allParams = (await api<ParamReading[]>('GET', '/api/params')).map((p) => p.param);
    browser = await launchBrowser();
    tablet = await newPanelContext(browser, { width: 1280, height: 800 });
    page = await openPanel(tablet, `${lathe.url}#/mixer`);
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    expect(await stopConsole(lathe)).toBe(0);
  });

  it('a fader moved with the keyboard changes the engine parameter in 0.5 dB steps near unity', async () => {
    await api('PUT', '/api/params/strip/01/fader', { value: 0 });
    const fader = page.locator('lathe-strip[data-strip="strip/01"] [data-param="strip/01/fader"]');
    await expect.poll(() => fader.evaluate((input) => (input as HTMLInputElement).value)).not.toBe('');
    // The accessible name carries the strip's name and the unit.
    const name = await page.locator('lathe-strip[data-strip="strip/01"] button.name').innerText();
    const label = await fader.getAttribute('aria-label');
    expect(label).toContain(name.trim());
    expect(label).toContain('dB');

    await press(fader, 'ArrowUp', 4);
    expect(await waitForValue('strip/01/fader', 2)).toBeCloseTo(2, 6);
    await expect.poll(() => fader.getAttribute('aria-valuetext')).toBe('2.0 dB');
    // PageDown: six arrows (3 dB); ArrowDown once more: 0.5 dB.
    await press(fader, 'PageDown', 1);
    await press(fader, 'ArrowDown', 1);
    expect(await waitForValue('strip/01/fader', -1.5)).toBeCloseTo(-1.5, 6);
    // The pan steps 1 % per arrow.
    await api('PUT', '/api/params/strip/01/pan', { value: 0 });
    const pan = page.locator('lathe-strip[data-strip="strip/01"] [data-param="strip/01/pan"]');
    await press(pan, 'ArrowRight', 3);
    expect(await waitForValue('strip/01/pan', 0.03)).toBeCloseTo(0.03, 6);
    await api('PUT', '/api/params/strip/01/pan', { value: 0 });
    await api('PUT', '/api/params/strip/01/fader', { value: 0 });
  });

  it('solo is a toggle that sets the engine parameter', async () => {
    const solo = page.locator('lathe-strip[data-strip="strip/02"] [data-param="strip/02/solo"]');
    await solo.click();
    expect(await waitForValue('strip/02/solo', 1)).toBe(1);
    await expect.poll(() => solo.getAttribute('aria-pressed')).toBe('true');
    await solo.click();
    expect(await waitForValue('strip/02/solo', 0)).toBe(0);
  });

  it('opening a strip shows all its parameters; an EQ change there reaches the engine and redraws the curves', async () => {
    await page.locator('[data-strip-open="strip/01"]').press('Enter');
    const detail = page.locator('[data-strip-detail="strip/01"]');
    await detail.waitFor();
    const expected = allParams.filter((id) => id.startsWith('strip/01/'));
    await expect.poll(() => detail.locator('[data-param]').count()).toBe(expected.length);
    const shown = await detail
      .locator('[data-param]')
      .evaluateAll((elements) => elements.map((e) => e.getAttribute('data-param')));
    expect(shown.sort()).toEqual([...expected].sort());

    await api('PUT', '/api/params/strip/01/eq/2/gain', { value: 0 });
    const plot = detail.locator('lathe-response-plot');
    const thumb = page.locator('lathe-strip[data-strip="strip/01"] lathe-response-plot');
    const before = await settled(plot);
    const beforeSum = await curveSum(plot, 'eq');
    const beforePixels = await canvasOf(plot);
    const beforeThumb = await settled(thumb);

    const gain = detail.locator('[data-param="strip/01/eq/2/gain"]');
    expect(await gain.getAttribute('aria-label')).toMatch(/EQ 2 .*gain \(dB\)$/);
    await press(gain, 'ArrowUp', 12);
    expect(await waitForValue('strip/01/eq/2/gain', 6)).toBeCloseTo(6, 6);
    // The curve was redrawn with the boost (its dB sum rose), the canvas changed; the strip's thumbnail too.
    await expect.poll(() => plot.getAttribute('data-curve'), { timeout: 3000 }).not.toBe(before);
    await settled(plot);
    expect(await curveSum(plot, 'eq')).toBeGreaterThan(beforeSum + 10);
    expect(await canvasOf(plot)).not.toBe(beforePixels);
    await expect.poll(() => thumb.getAttribute('data-curve'), { timeout: 3000 }).not.toBe(beforeThumb);
    await saveScreenshot(page, 'mixer-detail');

    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await api('PUT', '/api/params/strip/01/eq/2/gain', { value: 0 });
  });

  it('gain reduction bars read the engine: strip compressor and master limiter', async () => {
    await api('PUT', '/api/params/strip/01/comp/on', { value: 1 });
    await api('PUT', '/api/params/strip/01/comp/threshold', { value: -50 });
    await api('PUT', '/api/params/strip/01/comp/ratio', { value: 10 });
    const comp = page.locator('lathe-strip[data-strip="strip/01"] lathe-gr-bar[label="strip/01/comp"]');
    await expect
      .poll(async () => Number(await comp.getAttribute('data-gr-db')), { timeout: 5000 })
      .toBeGreaterThan(1);
    const limiter = page.locator('lathe-strip[data-strip="master"] lathe-gr-bar[label="master/limiter"]');
    await expect.poll(() => limiter.getAttribute('data-gr-db'), { timeout: 5000 }).toMatch(/^\d+\.\d$/);
    await api('PUT', '/api/params/strip/01/comp/on', { value: 0 });
  });

  it('the mixer fits a 1280x800 tablet with touch-sized controls', async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const fader = await page
      .locator('lathe-strip[data-strip="strip/01"] [data-param="strip/01/fader"]')
      .boundingBox();
    const mute = await page
      .locator('lathe-strip[data-strip="strip/01"] [data-param="strip/01/mute"]')
      .boundingBox();
    expect(fader!.width).toBeGreaterThanOrEqual(28);
    expect(fader!.height).toBeGreaterThanOrEqual(200);
    expect(mute!.height).toBeGreaterThanOrEqual(26);
    // The whole fader is on screen without scrolling the page vertically.
    expect(fader!.y + fader!.height).toBeLessThanOrEqual(800);
    await saveScreenshot(page, 'mixer');
  });

  it('mixer on a 1920x1080 desktop', async () => {
    const desktop = await newPanelContext(browser, { width: 1920, height: 1080 });
    const wide = await openPanel(desktop, `${lathe.url}#/mixer`);
    await expect.poll(() => wide.locator('lathe-strip').count()).toBeGreaterThan(8);
    await saveScreenshot(wide, 'mixer-desktop');
    await desktop.close();
  }, 60_000);

  it('the mastering page shows every master processor with all its controls, the curves and the limiter', async () => {
    const mastering = await openPanel(tablet, `${lathe.url}#/mastering`);
    const sections: [string, (id: string) => boolean][] = [
      ['master/eq', (id) => id.startsWith('master/eq/')],
      ['master/multiband', (id) => id.startsWith('master/multiband/')],
      ['master/width', (id) => id.startsWith('master/width/')],
      ['master/limiter', (id) => id.startsWith('master/limiter/')],
      ['master/output', (id) => id === 'master/output' || id.startsWith('master/dither/')],
      ['master/chain', (id) => id === 'master/chain-order'],
    ];
    let counted = 0;
    for (const [processor, belongs] of sections) {
      const section = mastering.locator(`section[data-processor="${processor}"]`);
      const expected = allParams.filter(belongs);
      expect(expected.length).toBeGreaterThan(0);
      const shown = await section
        .locator('[data-param]')
        .evaluateAll((elements) => elements.map((e) => e.getAttribute('data-param')));
      expect({ processor, shown: shown.sort() }).toEqual({ processor, shown: [...expected].sort() });
      counted += expected.length;
    }
    // Every master processor parameter is on the page (plus the master channel's fader, pan, mute).
    expect(counted + 3).toBe(allParams.filter((id) => id.startsWith('master/')).length);

    // The EQ curve follows a band gain; the multiband plot shows the crossover points.
    await api('PUT', '/api/params/master/eq/band/3/gain', { value: 0 });
    const eqPlot = mastering.locator('[data-curve-for="master/eq"]');
    const before = await settled(eqPlot);
    expect(before).toMatch(/^mid:.* side:/);
    const beforeSum = await curveSum(eqPlot, 'mid');
    await press(mastering.locator('[data-param="master/eq/band/3/gain"]'), 'ArrowDown', 8);
    expect(await waitForValue('master/eq/band/3/gain', -4)).toBeCloseTo(-4, 6);
    await expect.poll(() => eqPlot.getAttribute('data-curve'), { timeout: 3000 }).not.toBe(before);
    await settled(eqPlot);
    expect(await curveSum(eqPlot, 'mid')).toBeLessThan(beforeSum - 10);
    await expect
      .poll(() => mastering.locator('[data-curve-for="master/multiband"]').getAttribute('data-curve'))
      .toMatch(/^low:.* mid:.* high:/);
    for (const band of ['low', 'mid', 'high']) {
      await expect
        .poll(() =>
          mastering.locator(`lathe-gr-bar[label="master/multiband/${band}"]`).getAttribute('data-gr-db'),
        )
        .toMatch(/^\d+\.\d$/);
    }
    await expect
      .poll(() =>
        mastering.locator('section[data-processor="master/limiter"] lathe-gr-bar').getAttribute('data-gr-db'),
      )
      .toMatch(/^\d+\.\d$/);

    // The loudness target preset, through the meters routes.
    const target = mastering.locator('[data-loudness-target]');
    await expect.poll(() => target.locator('option').count()).toBeGreaterThan(1);
    const choices = await target
      .locator('option')
      .evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value));
    const other = choices.find((v) => v !== '' && v !== (choices[0] ?? ''))!;
    await target.selectOption(other);
    await expect
      .poll(async () => (await api<{ preset: string }>('GET', '/api/meters/target')).preset)
      .toBe(other);

    const overflow = await mastering.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(mastering, 'mastering');
    await api('PUT', '/api/params/master/eq/band/3/gain', { value: 0 });
    await mastering.close();
  });
});
