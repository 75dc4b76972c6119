/**
 * `lathe start --surface mcu:PORT` (issue 6, Deliver point 7) as a real process, with a Mackie
 * emulator as another process on real JACK MIDI ports: the console attaches it, its LCD shows
 * the console's strip names, a fader moved on the emulator changes the parameter the REST API
 * reads, and a parameter set through REST moves the emulator's fader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  composeLcd,
  faderPositionFromValue,
  faderValueFromPosition,
  LCD_ROW_LENGTH,
  loadDeviceProfiles,
} from '../../control-surface/index.ts';
import { LatheRunner } from '../support/cli-process.ts';
import { JACK_SERVER } from '../support/jack.ts';
import { McuEmulatorProcess, type EmulatorState } from '../support/mcu-emulator-process.ts';

const runner = new LatheRunner();
let emulator: McuEmulatorProcess | undefined;
afterEach(async () => {
  await runner.killAll();
  await emulator?.kill();
});
afterAll(() => runner.dispose());

const UNIT = 'Lathe CLI Test MCU';
const RUNNING = /Lathe is running: http:\/\/127\.0\.0\.1:(\d+)\/\n/;

async function poll<T>(
  read: () => Promise<T | undefined>,
  timeoutMs: number,
  what: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await read();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(JACK_SERVER === undefined)('lathe start --surface', () => {
  it('attaches an MCU on a JACK MIDI port: LCD names, hand move -> parameter, parameter -> motor', async () => {
    process.env['JACK_DEFAULT_SERVER'] = JACK_SERVER!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-surface-'));
    const mix = path.join(dir, 'mix.json');
    writeFileSync(
      mix,
      JSON.stringify({ format: 'lathe-mix', version: 1, strips: [{ label: 'Vocal' }, { label: 'Bass' }] }),
    );
    emulator = new McuEmulatorProcess(UNIT, JACK_SERVER!);
    await emulator.waitForEvent('ready', 20_000);
    const console = runner.spawn([
      'start',
      '--audio',
      'virtual',
      '--port',
      '0',
      '--mix',
      mix,
      '--surface',
      `mcu:${UNIT}`,
    ]);
    const port = Number((await console.waitForStdout(RUNNING, 60_000))[1]);
    const api = async (method: string, url: string, body?: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`http://127.0.0.1:${port}${url}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const sim = emulator;
    let last: EmulatorState | undefined;
    const names = composeLcd(['Vocal', 'Bass'], [], 'separated').slice(0, LCD_ROW_LENGTH);
    await poll(
      async () => {
        last = await sim.dump();
        return last.lcd[0] === names ? true : undefined;
      },
      10_000,
      () => `the LCD to read ${JSON.stringify(names)}; it reads ${JSON.stringify(last?.lcd[0])}`,
    );

    // The engineer's hand on fader 1.
    sim.command({ cmd: 'move', fader: 0, value: 9000, touch: true });
    const mcu = (await loadDeviceProfiles()).find((p) => p.id === 'mcu')!;
    const expected = faderPositionFromValue(9000, mcu.faderInputMaximum);
    await poll(
      async () => {
        const p = (await api('GET', '/api/params/strip/01/fader'))['position'] as number;
        return Math.abs(p - expected) < 1e-6 ? true : undefined;
      },
      5000,
      () => `strip/01/fader to reach position ${expected}`,
    );
    sim.command({ cmd: 'release', fader: 0 });

    // A value from elsewhere (REST) moves fader 2's motor.
    const set = await api('PUT', '/api/params/strip/02/fader', { value: -10 });
    const target = faderValueFromPosition(set['position'] as number);
    await poll(
      async () => {
        last = await sim.dump();
        return last.faders[1]!.setpoint === target ? true : undefined;
      },
      5000,
      () => `fader 2's setpoint ${target}; it is ${String(last?.faders[1]?.setpoint)}`,
    );
    console.kill('SIGTERM');
    expect((await console.waitForExit(30_000)).code).toBe(0);
  }, 90_000);

  it('an unknown profile is a clear error listing the profiles', async () => {
    const result = await runner.run([
      'start',
      '--audio',
      'virtual',
      '--port',
      '0',
      '--surface',
      'mackie-9000:Port',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no device profile "mackie-9000"; profiles: .*x-touch/);
  }, 60_000);
});
