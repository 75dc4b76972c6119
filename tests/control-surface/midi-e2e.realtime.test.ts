/**
 * The whole MIDI surface path over real ports: a Mackie Control emulator in its own process on
 * virtual JACK MIDI ports (easymidi with the JACK build of its addon, tests/support/
 * build-jack-midi.sh), the console's EasyMidiBackend -> McuSurfaceDriver (mcu profile, default
 * mapping) -> ParamStore -> feedback (issue 6, shown by 3, and hot-plug from deliver 7).
 * Runs on the test jackd named in LATHE_TEST_JACK_SERVER (tests/run.sh starts it).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EasyMidiBackend,
  findMidiPort,
  MIDI_PORT_ERROR_CODE,
  MidiPortError,
  type NativeMidi,
  type NativeMidiInput,
  type NativeMidiOutput,
} from '../../control-surface/midi/easymidi-port.ts';
import { loadMappingDocuments } from '../../control-surface/mapping/mapping-pages.ts';
import { composeLcd, LCD_ROW_LENGTH } from '../../control-surface/midi/mcu/mcu-lcd.ts';
import { faderValueFromPosition, MASTER_FADER } from '../../control-surface/midi/mcu/mcu-fader.ts';
import { McuSurfaceDriver } from '../../control-surface/midi/mcu-surface-driver.ts';
import { portNames, type MidiPort } from '../../control-surface/midi/midi-port.ts';
import { loadDeviceProfiles } from '../../control-surface/profiles/device-profile.ts';
import { consoleParamSpecs, ParamStore, ParamTable, type ParamChange } from '../../engine/index.ts';
import { REPO_ROOT } from '../support/cli-process.ts';
import { JACK_SERVER } from '../support/jack.ts';
import { McuEmulatorProcess, type EmulatorState } from '../support/mcu-emulator-process.ts';
import { waitFor } from '../support/simulator-process.ts';

const UNIT = 'Lathe Test MCU';
const STRIPS = 8;
/** What an MCU reports at the top of its travel (profile mcu, faderInputMaximum). */
const MCU_INPUT_MAXIMUM = 16240;
const ADDON = path.join(REPO_ROOT, 'node_modules/@julusian/midi/build/Release/midi.node');

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const faderId = (strip: number): string => `strip/${String(strip + 1).padStart(2, '0')}/fader`;

function percentiles(samples: number[]): { min: number; p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { min: sorted[0]!, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}

const show = (p: ReturnType<typeof percentiles>): string =>
  `min ${p.min.toFixed(2)} / p50 ${p.p50.toFixed(2)} / p95 ${p.p95.toFixed(2)} / max ${p.max.toFixed(2)} ms`;

describe.skipIf(JACK_SERVER === undefined)('MCU emulator process <-> console over JACK MIDI', () => {
  let emulator: McuEmulatorProcess;
  let backend: EasyMidiBackend;
  let driver: McuSurfaceDriver;
  let params: ParamStore;
  const changes: { at: number; change: ParamChange }[] = [];
  const stops: (() => Promise<unknown>)[] = [];

  /** The top LCD row the driver must show for strips 1-8 of this console. */
  const namesRow = (): string =>
    composeLcd(
      Array.from({ length: STRIPS }, (_, s) => params.spec(faderId(s)).label.replace(/ fader$/, '')),
      [],
      'separated',
    ).slice(0, LCD_ROW_LENGTH);

  /** Every fader's setpoint on the emulator equals the console's position, and the names show. */
  async function fullStateShown(timeoutMs: number): Promise<EmulatorState> {
    let state: EmulatorState | undefined;
    const expected = (): number[] => [
      ...Array.from({ length: STRIPS }, (_, s) => faderValueFromPosition(params.position(faderId(s)))),
      faderValueFromPosition(params.position('master/fader')),
    ];
    const matches = (s: EmulatorState): boolean =>
      s.lcd[0] === namesRow() && expected().every((value, fader) => s.faders[fader]!.setpoint === value);
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      state = await emulator.dump();
      if (matches(state)) return state;
      await wait(50);
    }
    throw new Error(
      `emulator never showed the full state: lcd ${JSON.stringify(state?.lcd)}, setpoints ` +
        `${JSON.stringify(state?.faders.map((f) => f.setpoint))}, expected ${JSON.stringify(expected())}`,
    );
  }

  async function online(timeoutMs: number): Promise<void> {
    await waitFor(
      () => (driver.unitState(0) === 'online' ? true : undefined),
      timeoutMs,
      () => `unit is ${driver.unitState(0)}; emulator stderr: ${emulator.stderr}`,
    );
  }

  beforeAll(async () => {
    // The stock addon is ALSA-only and opens no ports on these machines.
    expect(
      existsSync(ADDON) && readFileSync(ADDON).includes('libjack.so'),
      `${ADDON} is not the JACK build: run tests/support/build-jack-midi.sh`,
    ).toBe(true);
    process.env['JACK_DEFAULT_SERVER'] = JACK_SERVER!;
    emulator = new McuEmulatorProcess(UNIT, JACK_SERVER!);
    // The hot-plug test replaces the emulator: stop whichever is current.
    stops.push(() => emulator.kill());
    await emulator.waitForEvent('ready', 20_000);

    const specs = consoleParamSpecs(STRIPS);
    params = new ParamStore(specs, ParamTable.create(specs.length));
    params.on('change', (change) => changes.push({ at: performance.now(), change }));
    const profile = (await loadDeviceProfiles()).find((p) => p.id === 'mcu')!;
    const mapping = (await loadMappingDocuments()).find((m) => m.name === 'default')!;
    backend = new EasyMidiBackend();
    stops.push(() => backend.close());
    const catalogue = await backend.list();
    expect(findMidiPort(catalogue.inputs, UNIT), JSON.stringify(catalogue)).toBeGreaterThanOrEqual(0);
    expect(findMidiPort(catalogue.outputs, UNIT), JSON.stringify(catalogue)).toBeGreaterThanOrEqual(0);
    driver = new McuSurfaceDriver({
      units: [{ port: portNames(UNIT), profile }],
      params,
      open: backend.open,
      mapping,
    });
    driver.start();
    stops.push(() => driver.stop());
    await online(5000);
  }, 60_000);

  afterAll(async () => {
    // Whatever beforeAll got to, last made first stopped.
    for (const stop of stops.reverse()) await stop();
  });

  it('a fader moved on the emulator changes the parameter; the MCU echo comes back', async () => {
    const oneWay: number[] = [];
    const echoes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const fader = i % STRIPS;
      const value = 1000 + ((i * 7919) % 14000);
      const id = faderId(fader);
      const from = emulator.events.length;
      const sentAt = performance.now();
      const seen = changes.length;
      emulator.command({ cmd: 'move', fader, value, touch: true });
      const change = await waitFor(
        () =>
          changes
            .slice(seen)
            .find(
              (c) => c.change.id === id && Math.abs(c.change.position - value / MCU_INPUT_MAXIMUM) < 1e-9,
            ),
        2000,
        () => `${id} is at ${params.position(id)}, hand at ${value / MCU_INPUT_MAXIMUM}`,
      );
      expect(change.change.source).toBe(driver.source);
      oneWay.push(change.at - sentAt);
      const echo = await emulator.waitForEvent('echo', 2000, from, (e) => e['fader'] === fader);
      expect(echo['value']).toBe(value);
      echoes.push(echo['rttMs'] as number);
      emulator.command({ cmd: 'release', fader });
    }
    const rtt = percentiles(echoes);
    console.log(`MIDI round trip (emulator move -> driver echo, JACK MIDI both ways): ${show(rtt)}`);
    console.log(
      `emulator command -> console parameter (stdin pipe + JACK MIDI): ${show(percentiles(oneWay))}`,
    );
    // JACK MIDI is delivered per period (256 frames at 48 kHz = 5.33 ms): a round trip takes about
    // two periods (platform reference §4.2: median 10.6 ms). Four periods allow for a busy core.
    expect(rtt.p50).toBeLessThan(4 * (256 / 48));
    expect(percentiles(oneWay).p95).toBeLessThan(100);
    // Nothing on the wire was malformed or unknown to the driver.
    const input = driver.counters(0)!.input;
    expect(Object.values(input.unknown).every((count) => count === 0)).toBe(true);
    const { strayDataBytes, incompleteMessages, truncatedSysex, undefinedStatus } = input.stream;
    expect(strayDataBytes + incompleteMessages + truncatedSysex + undefinedStatus).toBe(0);
  });

  it('a recall moves the emulator fader; the LCD shows the strip names', async () => {
    await wait(400); // past the release grace of the previous moves
    const latencies: number[] = [];
    for (let i = 0; i < 12; i++) {
      const fader = i % STRIPS;
      const id = faderId(fader);
      const from = emulator.events.length;
      params.set(id, -40 + i * 3, 'recall');
      const expected = faderValueFromPosition(params.position(id));
      const setAt = performance.now();
      await emulator.waitForEvent(
        'setpoint',
        2000,
        from,
        (e) => e['fader'] === fader && e['value'] === expected,
      );
      latencies.push(performance.now() - setAt);
    }
    params.set('master/fader', -7.5, 'recall');
    const state = await fullStateShown(2000);
    expect(state.faders[MASTER_FADER]!.setpoint).toBe(
      faderValueFromPosition(params.position('master/fader')),
    );
    // Untouched motors follow the setpoint.
    for (let fader = 0; fader < STRIPS; fader++)
      expect(state.faders[fader]!.position).toBe(state.faders[fader]!.setpoint);
    expect(state.lcd[0].slice(0, 14)).toBe('Ch 1   Ch 2   ');
    expect(state.lcd[0]).toBe(namesRow());
    const p = percentiles(latencies);
    console.log(
      `recall -> emulator fader setpoint (scheduler at 50 Hz + JACK MIDI + stdout pipe): ${show(p)}`,
    );
    // At most one 20 ms scheduler slot, two JACK periods and the pipe.
    expect(p.p95).toBeLessThan(100);
  });

  it('hot-plug: the emulator killed and restarted is re-attached with the full state', async () => {
    params.set('strip/02/mute', 1, 'recall');
    params.set('strip/04/fader', -12, 'recall');
    await wait(300);
    expect((await emulator.dump()).leds[String(0x11)]).toBe('on');
    const before = driver.counters(0)!;
    const states: string[] = [];
    driver.on('state', (_unit, state, reason) => states.push(`${state}: ${reason}`));

    await emulator.kill('SIGKILL');
    const killedAt = performance.now();
    await waitFor(
      () => (driver.unitState(0) !== 'online' ? true : undefined),
      3000,
      () => 'the driver did not notice the port going away',
    );
    const noticed = performance.now() - killedAt;
    // While it is gone the console moves on: the unit must get this too when it is back.
    params.set('strip/06/fader', -3, 'recall');
    params.set('strip/02/mute', 0, 'recall');
    params.set('strip/03/mute', 1, 'recall');

    emulator = new McuEmulatorProcess(UNIT, JACK_SERVER!);
    await emulator.waitForEvent('ready', 20_000);
    const readyAt = performance.now();
    await online(5000);
    const state = await fullStateShown(3000);
    const reattached = performance.now() - readyAt;
    console.log(
      `hot-plug: port loss noticed after ${noticed.toFixed(0)} ms; full state on the new unit ` +
        `${reattached.toFixed(0)} ms after it came up (reopen every 1 s); states: ${states.join(' | ')}`,
    );
    // The backend polls the port list every 250 ms.
    expect(noticed).toBeLessThan(1000);
    const after = driver.counters(0)!;
    expect(after.disconnects).toBe(before.disconnects + 1);
    expect(after.onlines).toBe(before.onlines + 1);
    expect(state.counts.deviceQueries).toBeGreaterThanOrEqual(1);
    expect(state.lcd[0]).toBe(namesRow());
    expect(state.faders[3]!.setpoint).toBe(faderValueFromPosition(params.position('strip/04/fader')));
    expect(state.faders[5]!.setpoint).toBe(faderValueFromPosition(params.position('strip/06/fader')));
    // Mute LEDs: notes 0x10 + strip; the whole set was pushed, not just what changed.
    expect(state.leds[String(0x11)]).toBe('off');
    expect(state.leds[String(0x12)]).toBe('on');
    expect(Object.keys(state.leds).length).toBeGreaterThanOrEqual(0x68);

    // And the path works both ways again.
    const seen = changes.length;
    emulator.command({ cmd: 'move', fader: 0, value: 8120, touch: true });
    await waitFor(
      () =>
        changes
          .slice(seen)
          .find((c) => c.change.id === faderId(0) && Math.abs(c.change.position - 0.5) < 1e-9),
      2000,
      () => `strip 1 is at ${params.position(faderId(0))}`,
    );
    emulator.command({ cmd: 'release', fader: 0 });
  }, 60_000);
});

// ---- the adapter on a scripted native layer (no JACK needed) -------------------------------

class ScriptedSystem {
  /** Port names as the native layer lists them: sources (inputs) and destinations (outputs). */
  sources: string[] = [];
  destinations: string[] = [];
  readonly sent: number[][] = [];
  readonly inputs: ScriptedInput[] = [];
  openFails = false;
  released = 0;

  native(): NativeMidi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const system = this;
    return {
      Input: class implements NativeMidiInput {
        listener: ((deltaTime: number, message: Uint8Array) => void) | null = null;
        ignored: boolean[] = [];
        constructor() {
          system.inputs.push(this);
        }
        getPortCount = (): number => system.sources.length;
        getPortName = (port: number): string => system.sources[port] ?? '';
        ignoreTypes(sysex: boolean, timing: boolean, activeSensing: boolean): void {
          this.ignored = [sysex, timing, activeSensing];
        }
        openPort(): void {
          if (system.openFails) throw new Error('Internal RtMidi error');
        }
        closePort(): void {
          // `destroy` counts the release.
        }
        destroy(): void {
          system.released++;
        }
        on(_event: 'messageBuffer', listener: (deltaTime: number, message: Uint8Array) => void): unknown {
          this.listener = listener;
          return this;
        }
      },
      Output: class implements NativeMidiOutput {
        getPortCount = (): number => system.destinations.length;
        getPortName = (port: number): string => system.destinations[port] ?? '';
        openPort(): void {
          // Output opens always succeed here; input failures are scripted.
        }
        closePort(): void {
          // `destroy` counts the release.
        }
        destroy(): void {
          system.released++;
        }
        sendMessage(message: Buffer): void {
          system.sent.push([...message]);
        }
      },
    };
  }
}

interface ScriptedInput extends NativeMidiInput {
  listener: ((deltaTime: number, message: Uint8Array) => void) | null;
  ignored: boolean[];
}

describe('EasyMidiBackend on a scripted native layer', () => {
  it('finds ports by exact name or by the JACK port part after "client:"', () => {
    const ports = ['RtMidi Output Client-01:X-Touch', 'X-Touch Ext', 'Other:X-Touch Ext'];
    expect(findMidiPort(ports, 'X-Touch')).toBe(0);
    expect(findMidiPort(ports, 'X-Touch Ext')).toBe(1);
    expect(findMidiPort(ports, 'Touch')).toBe(-1);
    expect(findMidiPort(ports, 'RtMidi Output Client-01:X-Touch')).toBe(0);
  });

  it('opens a pair with sysex passed, splits writes into single messages, reports lost ports', async () => {
    const system = new ScriptedSystem();
    system.sources = ['RtMidi Output Client:Unit'];
    system.destinations = ['RtMidi Input Client:Unit'];
    const backend = new EasyMidiBackend({ pollMs: 10, native: () => system.native() });
    const port: MidiPort = await backend.open(portNames('Unit'));
    const input = system.inputs.at(-1)!;
    expect(input.ignored).toEqual([false, false, false]);

    const received: number[][] = [];
    port.onBytes((bytes) => received.push([...bytes]));
    input.listener!(0, Uint8Array.of(0xf0, 0x00, 0x00, 0x66, 0x14, 0x01, 0xf7));
    expect(received).toEqual([[0xf0, 0x00, 0x00, 0x66, 0x14, 0x01, 0xf7]]);

    const errors: string[] = [];
    port.onError((error) => errors.push(error.message));
    port.send(Uint8Array.of(0x90, 0x10, 0x7f, 0xb0, 0x30, 0x05, 0xf0, 0x00, 0x66, 0xf7, 0xe1, 0x00, 0x40));
    expect(system.sent).toEqual([
      [0x90, 0x10, 0x7f],
      [0xb0, 0x30, 0x05],
      [0xf0, 0x00, 0x66, 0xf7],
      [0xe1, 0x00, 0x40],
    ]);
    // Running status leaves as full messages; an undefined status byte is reported, not sent.
    port.send(Uint8Array.of(0x10, 0x20));
    expect(system.sent.at(-1)).toEqual([0xe1, 0x10, 0x20]);
    port.send(Uint8Array.of(0xf4));
    expect(system.sent).toHaveLength(5);
    expect(errors).toHaveLength(1);

    const closed: string[] = [];
    port.onClose((reason) => closed.push(reason));
    system.sources = [];
    await waitFor(
      () => (closed.length > 0 ? true : undefined),
      1000,
      () => 'no close reported',
    );
    expect(closed[0]).toContain('disappeared');
    // Bytes after the loss go nowhere, and nothing throws.
    port.send(Uint8Array.of(0x90, 0x10, 0x7f));
    expect(system.sent).toHaveLength(5);
    await backend.close();
  });

  it('rejects with coded errors: port missing, open failure, MIDI unavailable', async () => {
    const system = new ScriptedSystem();
    system.sources = ['A:Unit'];
    system.destinations = [];
    const backend = new EasyMidiBackend({ native: () => system.native() });
    const missing = await backend.open(portNames('Unit')).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(MidiPortError);
    expect((missing as MidiPortError).reason).toBe('notFound');
    expect((missing as MidiPortError).code).toBe(MIDI_PORT_ERROR_CODE.notFound);

    system.destinations = ['B:Unit'];
    system.openFails = true;
    const released = system.released;
    const failed = await backend.open(portNames('Unit')).catch((error: unknown) => error);
    expect((failed as MidiPortError).reason).toBe('openFailed');
    expect(system.released).toBe(released + 2);

    const none = new EasyMidiBackend({
      native: () => {
        throw new MidiPortError('unavailable', 'MIDI unavailable: Failed to initialise RtMidi');
      },
    });
    await expect(none.list()).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(none.open(portNames('Unit'))).rejects.toMatchObject({ reason: 'unavailable' });
    await backend.close();
  });
});
