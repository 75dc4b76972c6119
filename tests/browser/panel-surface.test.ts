/**
 * The panel, the engine and a motor-fader board together: `lathe start --serial` with the board
 * simulator (`lathe surface-sim`) on a socat pty pair, and headless chromium on the panel.
 * A fader moved in the browser changes the engine parameter and the board's motor follows; a
 * snapshot recall moves the browser's faders and the board's motors (issue 9, shown by 2).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callConsole, type RunningConsole } from '../support/console-process.ts';
import { startConsoleWithBoard, type ConsoleWithBoard } from '../support/panel-board.ts';
import type { SimulatorEvent } from '../support/simulator-process.ts';
import {
  HAS_CHROMIUM,
  launchBrowser,
  newPanelContext,
  openPanel,
  saveScreenshot,
} from './support/panel-browser.ts';

const FADERS = 4;
/** The board's 16-bit wire position of a normalized fader position. */
const wire = (position: number): number => Math.round(position * 65535);
/** The board reports its motor position within one 16-count step of the setpoint. */
const WIRE_STEP = 16;

interface ParamReading {
  value: number;
  position: number;
}

describe.skipIf(!HAS_CHROMIUM)('panel, engine and motor-fader board', () => {
  let rig: ConsoleWithBoard | undefined;
  let lathe: RunningConsole;
  let browser: Browser | undefined;
  let page: Page;

  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const reply = await callConsole<T>(lathe, method, route, body);
    if (!reply.ok) throw new Error(`${method} ${route}: ${reply.status} ${reply.text}`);
    return reply.body;
  };
  const param = (id: string): Promise<ParamReading> => api<ParamReading>('GET', `/api/params/${id}`);

  /** The board's motor positions (wire units), from the simulator's state dump. */
  const boardPositions = async (): Promise<number[]> => {
    const simulator = rig!.simulator;
    const from = simulator.events.length;
    simulator.command({ cmd: 'dump' });
    const state = (await simulator.waitForEvent('state', 2000, from)) as SimulatorEvent & {
      faders: { position: number }[];
    };
    return state.faders.map((fader) => fader.position);
  };
  const boardSettlesAt = async (target: readonly number[], timeoutMs = 3000): Promise<number[]> => {
    const deadline = Date.now() + timeoutMs;
    let now = await boardPositions();
    while (!now.every((p, f) => Math.abs(p - target[f]!) <= WIRE_STEP) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      now = await boardPositions();
    }
    return now;
  };
  /** The browser's fader control positions (0..1) for strips 1..FADERS. */
  const browserPositions = (): Promise<number[]> =>
    Promise.all(
      Array.from({ length: FADERS }, async (_, f) =>
        Number(await page.locator(`[data-param="strip/0${f + 1}/fader"]`).inputValue()),
      ),
    );

  /** Waits until the browser's fader controls for strips 1.. stand at `expected` (0..1). */
  const browserShows = (expected: readonly number[]): Promise<unknown> =>
    page.waitForFunction(
      (positions) => {
        const w = window as unknown as { deepFind: (s: string) => Element | null };
        return positions.every((p, f) => {
          const input = w.deepFind(`[data-param="strip/0${f + 1}/fader"]`) as HTMLInputElement | null;
          return input !== null && Math.abs(Number(input.value) - p) < 1e-3;
        });
      },
      expected,
      { polling: 20, timeout: 3000 },
    );

  beforeAll(async () => {
    rig = await startConsoleWithBoard(FADERS);
    lathe = rig.lathe;
    browser = await launchBrowser();
    page = await openPanel(await newPanelContext(browser), `${lathe.url}#/mixer`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    expect(await rig?.stop()).toBe(0);
  });

  it('a fader moved in the browser (keyboard) changes the engine parameter and the motor follows', async () => {
    const fader = page.locator('[data-param="strip/02/fader"]');
    for (const key of ['End', 'Home', 'End'] as const) {
      await fader.focus();
      await page.keyboard.press(key);
      // End and Home put the control at its ends: the fader's top (+6 dB) and its bottom (-inf).
      // The control shows the engine's answer, so it may settle a moment after the key.
      await page.waitForFunction(
        ([selector, target]) => {
          const w = window as unknown as { deepFind: (s: string) => Element | null };
          const input = w.deepFind(selector) as HTMLInputElement | null;
          return input !== null && Math.abs(Number(input.value) - target) < 0.01;
        },
        ['[data-param="strip/02/fader"]', key === 'End' ? 1 : 0] as const,
        { polling: 20, timeout: 3000 },
      );
      const expectedDb = key === 'End' ? 6 : -144;
      let engine: ParamReading = await param('strip/02/fader');
      const deadline = Date.now() + 2000;
      while (engine.value !== expectedDb && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        engine = await param('strip/02/fader');
      }
      expect(engine.value, `engine after ${key}`).toBe(expectedDb);
      const expected = engine.position;
      const board = await boardSettlesAt([
        wire((await param('strip/01/fader')).position),
        wire(expected),
        wire((await param('strip/03/fader')).position),
        wire((await param('strip/04/fader')).position),
      ]);
      expect(Math.abs(board[1]! - wire(expected)), `motor after ${key}: ${board[1]}`).toBeLessThanOrEqual(
        WIRE_STEP,
      );
    }
  });

  it('a snapshot recall moves the browser faders and the motors; undo moves them back', async () => {
    const session = await api<{ id: string }>('POST', '/api/sessions', { name: 'Board recall' });
    const recalled = [-12, -3.5, 2, -30];
    for (const [f, db] of recalled.entries())
      await api('PUT', `/api/params/strip/0${f + 1}/fader`, { value: db });
    const snapshot = await api<{ id: string }>('POST', `/api/sessions/${session.id}/snapshots`, {
      name: 'Verse',
    });
    for (const f of [0, 1, 2, 3]) await api('PUT', `/api/params/strip/0${f + 1}/fader`, { value: -f });
    const before = await Promise.all(
      [0, 1, 2, 3].map(async (f) => (await param(`strip/0${f + 1}/fader`)).position),
    );
    await boardSettlesAt(before.map(wire));

    await api('POST', `/api/sessions/${session.id}/recall`, { snapshot: snapshot.id });
    const target = await Promise.all(
      [0, 1, 2, 3].map(async (f) => (await param(`strip/0${f + 1}/fader`)).position),
    );
    target.forEach((p, f) => {
      expect(p, `engine strip ${f + 1}`).not.toBeCloseTo(before[f]!, 3);
    });
    await browserShows(target);
    const shown = await browserPositions();
    shown.forEach((p, f) => {
      expect(p, `browser strip ${f + 1}`).toBeCloseTo(target[f]!, 3);
    });
    const board = await boardSettlesAt(target.map(wire));
    board.forEach((p, f) => {
      expect(Math.abs(p - wire(target[f]!)), `motor ${f + 1}: ${p}`).toBeLessThanOrEqual(WIRE_STEP);
    });
    await saveScreenshot(page, 'mixer-after-recall');

    await api('POST', `/api/sessions/${session.id}/undo-recall`);
    await browserShows(before);
    const back = await boardSettlesAt(before.map(wire));
    back.forEach((p, f) => {
      expect(Math.abs(p - wire(before[f]!)), `motor ${f + 1} after undo`).toBeLessThanOrEqual(WIRE_STEP);
    });
  }, 30_000);
});
