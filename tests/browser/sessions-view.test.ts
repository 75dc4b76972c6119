/**
 * The Sessions page in a real browser on the real `lathe start` (virtual audio, a private session
 * database): save a session, take a snapshot, move a fader over REST, open the recall dialog and
 * read the diff (that fader, from -> to), confirm: the engine parameter and the mixer's fader come
 * back; undo brings the change back; export downloads a document that imports back, and an
 * invalid document shows its coded error. Screenshots: sessions, sessions-recall-diff.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callConsole, startConsole, stopConsole, type RunningConsole } from '../support/console-process.ts';
import {
  HAS_CHROMIUM,
  launchBrowser,
  newPanelContext,
  openPanel,
  saveScreenshot,
} from './support/panel-browser.ts';

const FADER = 'strip/01/fader';

describe.skipIf(!HAS_CHROMIUM)('Sessions page in a browser', () => {
  let lathe: RunningConsole;
  let browser: Browser;
  let page: Page;

  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const reply = await callConsole<Record<string, unknown>>(lathe, method, path, body);
    expect(reply.ok, `${method} ${path}: ${reply.status}`).toBe(true);
    return reply.body;
  };
  const faderValue = async (): Promise<number> =>
    (await api('GET', `/api/params/${FADER}`))['value'] as number;
  const message = (): Promise<string> => page.locator('[data-message]').innerText();

  beforeAll(async () => {
    lathe = await startConsole(['--audio', 'virtual', '--port', '0']);
    browser = await launchBrowser();
    const context = await newPanelContext(browser);
    page = await openPanel(context, `${lathe.url}#/sessions`);
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    expect(await stopConsole(lathe)).toBe(0);
  });

  it('saves the console as a session and takes a snapshot', async () => {
    await api('PUT', `/api/params/${FADER}`, { value: -6 });
    await page.locator('form[data-form="create"] input[name="name"]').fill('Song');
    await page.locator('form[data-form="create"] input[name="notes"]').fill('rough mix');
    await page.locator('form[data-form="create"] button[type="submit"]').click();
    await page.locator('[data-session="Song"] .badge').waitFor();
    expect(await message()).toContain('Saved as new session "Song"');

    await page.locator('form[data-form="save"] button[type="submit"]').click();
    await page.locator('tr[data-version="2"]').waitFor();
    expect(await message()).toContain('Saved version 2');

    await page.locator('form[data-form="snapshot"] input[name="name"]').fill('Verse');
    await page.locator('form[data-form="snapshot"] button[type="submit"]').click();
    await page.locator('[data-snapshot="Verse"]').waitFor();
    expect(await message()).toContain('Took snapshot "Verse"');
  });

  it('shows the diff before recalling; the recall brings the fader back in the engine and the mixer; undo puts it back', async () => {
    await api('PUT', `/api/params/${FADER}`, { value: -20 });
    expect(await faderValue()).toBe(-20);

    await page.locator('[data-snapshot="Verse"] button').click();
    const row = page.locator(`tr[data-change="${FADER}"]`);
    await row.waitFor();
    expect(await row.locator('[data-from]').innerText()).toBe('-20.0 dB');
    expect(await row.locator('[data-to]').innerText()).toBe('-6.0 dB');
    // Nothing is recalled before the confirmation.
    expect(await faderValue()).toBe(-20);
    await saveScreenshot(page, 'sessions-recall-diff');

    // A scope that leaves the fader out: the diff no longer lists it.
    await page.locator('input[data-group="eq"]').check();
    await row.waitFor({ state: 'detached' });
    await page.locator('input[data-group="eq"]').uncheck();
    await row.waitFor();

    await page.locator('[data-action="confirm-recall"]').click();
    await page.locator('lathe-recall-dialog').waitFor({ state: 'detached' });
    expect(await faderValue()).toBe(-6);
    await expect.poll(message).toContain('Recalled: 1 parameter changed');
    await expect.poll(() => page.locator('tr[data-recall]').count()).toBe(1);

    await page.evaluate(() => (location.hash = '#/mixer'));
    await expect
      .poll(() => page.locator(`[data-param-value="${FADER}"]`).innerText(), { timeout: 5000 })
      .toBe('-6.0');
    await page.evaluate(() => (location.hash = '#/sessions'));

    await page.locator('[data-action="undo-recall"]').click();
    await expect.poll(faderValue, { timeout: 5000 }).toBe(-20);
    await expect.poll(() => page.locator('tr[data-recall] td:last-child').innerText()).toBe('undone');
    await page.evaluate(() => (location.hash = '#/mixer'));
    await expect
      .poll(() => page.locator(`[data-param-value="${FADER}"]`).innerText(), { timeout: 5000 })
      .toBe('-20.0');
    await page.evaluate(() => (location.hash = '#/sessions'));
  });

  it('exports a document that imports back; an invalid document shows its coded error', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action="export"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('Song.lathe-session.json');
    const file = await download.path();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      name: string;
      snapshots: { name: string }[];
    };
    expect(doc.format).toBe('lathe-session');
    expect(doc.snapshots.map((s) => s.name)).toEqual(['Verse']);

    await page.locator('form[data-form="import"] input[name="file"]').setInputFiles(file);
    await page.locator('form[data-form="import"] input[name="name"]').fill('Song copy');
    await page.locator('form[data-form="import"] button[type="submit"]').click();
    await page.locator('[data-session="Song copy"]').waitFor();
    expect(await message()).toContain('Imported "Song copy"');
    const listed = (await api('GET', '/api/sessions'))['sessions'] as {
      name: string;
      snapshotCount: number;
    }[];
    expect(listed.find((s) => s.name === 'Song copy')?.snapshotCount).toBe(1);
    await saveScreenshot(page, 'sessions');

    await page.locator('form[data-form="import"] input[name="file"]').setInputFiles({
      name: 'future.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'lathe-session', schemaVersion: 9 })),
    });
    await page.locator('form[data-form="import"] button[type="submit"]').click();
    await expect.poll(message).toContain('LATHE_SESSION_VERSION_UNSUPPORTED');
    await page.locator('form[data-form="import"] input[name="file"]').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": '),
    });
    await page.locator('form[data-form="import"] button[type="submit"]').click();
    await expect.poll(message).toContain('LATHE_MESSAGE_NOT_JSON');
    expect(await page.locator('[role="alert"][data-message]').count()).toBe(1);
  });
});
