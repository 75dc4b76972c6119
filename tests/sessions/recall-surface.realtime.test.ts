/**
 * Recall moves the faders of an attached surface (issue 7, shown by point 3): the serial fader
 * driver and `lathe surface-sim` as a separate process on a socat pty pair, a session recalled
 * through the console model; the simulator's motors end at the recalled positions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaderSurfaceDriver, openSerialPortLink } from '../../control-surface/index.ts';
import { ConsoleSession } from '../../sessions/index.ts';
import { startPtyPair, type PtyPair } from '../support/pty-pair.ts';
import { consoleModel, createSessionFrom, temporaryStore } from '../support/session-fixture.ts';
import { SimulatorProcess, waitFor, type SimulatorEvent } from '../support/simulator-process.ts';

const FADERS = 4;
const wire = (position: number): number => Math.round(position * 65535);

let pty: PtyPair;
let simulator: SimulatorProcess;
let driver: FaderSurfaceDriver;
let model: ReturnType<typeof consoleModel>;
let fixture: ReturnType<typeof temporaryStore>;

async function faderPositions(): Promise<number[]> {
  const from = simulator.events.length;
  simulator.command({ cmd: 'dump' });
  const state = (await simulator.waitForEvent('state', 2000, from)) as SimulatorEvent & {
    faders: { position: number }[];
  };
  return state.faders.map((f) => f.position);
}

/** Polls the simulator until every fader is within one wire step of `target` (1/4096 of travel). */
async function settledAt(target: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let now = await faderPositions();
  while (!now.every((p, f) => Math.abs(p - target[f]!) <= 16) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    now = await faderPositions();
  }
  return now;
}

beforeEach(async () => {
  fixture = temporaryStore();
  model = consoleModel(8);
  pty = await startPtyPair();
  simulator = new SimulatorProcess(pty.a, FADERS);
  await simulator.waitForEvent('ready', 20_000);
  driver = new FaderSurfaceDriver({ path: pty.b, open: openSerialPortLink, params: model.params });
  driver.start();
  await waitFor(
    () => (driver.state === 'online' ? true : undefined),
    5000,
    () => `driver is ${driver.state}`,
  );
}, 40_000);

afterEach(async () => {
  await driver.stop();
  await simulator.kill();
  await pty.stop();
  fixture.cleanup();
});

describe('recall with a motor-fader surface attached', () => {
  it('moves the surface faders to the recalled positions (and back on undo); safe faders stay', async () => {
    const id = createSessionFrom(fixture.store, model, 'Surface');
    const session = ConsoleSession.open(fixture.store, model.console, id);
    const recalled = [-12, -3.5, 2, -30];
    recalled.forEach((db, f) => model.params.set(`strip/0${f + 1}/fader`, db, 'panel'));
    const snapshot = session.snapshot('Mix').id;
    [0, -1, -2, -3].forEach((db, f) => model.params.set(`strip/0${f + 1}/fader`, db, 'panel'));
    const before = [0, 1, 2, 3].map((f) => wire(model.params.position(`strip/0${f + 1}/fader`)));

    session.recall(snapshot, { safes: ['strip/03/fader'] });
    const target = [0, 1, 2, 3].map((f) => wire(model.params.position(`strip/0${f + 1}/fader`)));
    expect(model.params.get('strip/03/fader')).toBe(-2); // safe
    let positions = await settledAt(target, 3000);
    positions.forEach((p, f) => {
      expect(Math.abs(p - target[f]!), `fader ${f}: ${p} vs ${target[f]!}`).toBeLessThanOrEqual(16);
    });
    expect(Math.abs(positions[2]! - before[2]!)).toBeLessThanOrEqual(16);

    session.undoRecall();
    positions = await settledAt(before, 3000);
    positions.forEach((p, f) => {
      expect(Math.abs(p - before[f]!), `fader ${f} after undo`).toBeLessThanOrEqual(16);
    });
    session.close();
  }, 30_000);
});
