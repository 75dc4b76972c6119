/**
 * The panel, the engine and a motor-fader board together: `lathe start --serial` with the board
 * simulator (`lathe surface-sim`) on a socat pty pair, and headless chromium on the panel.
 * A fader moved in the browser changes the engine parameter and the board's motor follows; a
 * snapshot recall moves the browser's faders and the board's motors (issue 9, shown by 2).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, stopConsole, type RunningConsole } from '../support/console-process.ts';
import { startPtyPair, type PtyPair } from '../support/pty-pair.ts';
import { SimulatorProcess, waitFor, type SimulatorEvent } from '../support/simulator-process.ts';
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
  let pty: PtyPair | undefined;
  let simulator!: SimulatorProcess;
  let lathe: RunningConsole;
  let browser: Browser | undefined;
  let page: Page;

  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${lathe.url}${route.replace(/^\//, '')}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  const param = (id: string): Promise<ParamReading> => api<ParamReading>('GET', `/api/params/${id}`);

  /** The board's motor positions (wire units), from the simulator's state dump. */
  const boardPositions = async (): Promise<number[]> => {
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

  beforeAll(async () => {
    pty = await startPtyPair();
    simulator = new SimulatorProcess(pty.a, FADERS);
    await simulator.waitForEvent('ready', 20_000);
    lathe = await startConsole(['--audio', 'virtual', '--port', '0', '--serial', pty.b]);
    await waitFor(() => (lathe.output().includes(': online (') ? true : undefined), 10_000, lathe.output);
    browser = await launchBrowser();
    page = await openPanel(await newPanelContext(browser), `${lathe.url}#/mixer`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    expect(await stopConsole(lathe)).toBe(0);
    await simulator.kill();
    await pty?.stop();
  });

  it('a fader moved in the browser (keyboard) changes the engine parameter and the motor follows', async () => {
    const fader = page.locator('[data-param="strip/02/fader"]');
    for (const key of ['End', 'Home', 'End'] as const) {
      await fader.focus();
      await page.keyboard.press(key);
      // End and Home put the control at its ends: the fader's top (+6 dB) and its bottom (-inf).
      expect(Number(await fader.inputValue()), `control after ${key}`).toBeCloseTo(key === 'End' ? 1 : 0, 2);
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
    await page.waitForFunction(
      (expected) => {
        const w = window as unknown as { deepFind: (s: string) => Element | null };
        return expected.every((p, f) => {
          const input = w.deepFind(`[data-param="strip/0${f + 1}/fader"]`) as HTMLInputElement | null;
          return input !== null && Math.abs(Number(input.value) - p) < 1e-3;
        });
      },
      target,
      { polling: 20, timeout: 3000 },
    );
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
    await page.waitForFunction(
      (expected) => {
        const w = window as unknown as { deepFind: (s: string) => Element | null };
        return expected.every((p, f) => {
          const input = w.deepFind(`[data-param="strip/0${f + 1}/fader"]`) as HTMLInputElement | null;
          return input !== null && Math.abs(Number(input.value) - p) < 1e-3;
        });
      },
      before,
      { polling: 20, timeout: 3000 },
    );
    const back = await boardSettlesAt(before.map(wire));
    back.forEach((p, f) => {
      expect(Math.abs(p - wire(before[f]!)), `motor ${f + 1} after undo`).toBeLessThanOrEqual(WIRE_STEP);
    });
  }, 30_000);
});
