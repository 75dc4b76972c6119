import { FakeMidiBackend, type FakeMidiDevice } from '../../../control-surface/midi/fake-midi-port.ts';
import { HuiHostDecoder, type HuiHostMessage } from '../../../control-surface/midi/hui/hui-host-messages.ts';
import {
  encodeHuiSurfaceMessage,
  type HuiSurfaceMessage,
} from '../../../control-surface/midi/hui/hui-surface-messages.ts';
import {
  HuiSurfaceDriver,
  type HuiSurfaceOptions,
  type HuiUnitState,
} from '../../../control-surface/midi/hui-surface-driver.ts';
import type { RingState } from '../../../control-surface/midi/mcu/mcu-vpot-ring.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import { portNames } from '../../../control-surface/midi/midi-port.ts';
import { ManualSurfaceClock } from '../../../control-surface/midi/surface-clock.ts';
import { consoleParamSpecs, ParamStore, ParamTable } from '../../../engine/index.ts';
import { flush, shippedData } from './mcu-rig.ts';

export { flush };

/** A HUI unit as the host sees it: decodes what the driver sends, answers pings, sends like a unit. */
export class HuiEmulator {
  readonly device: FakeMidiDevice;
  /** Every host message with the simulated time it arrived. */
  readonly log: { at: number; message: HuiHostMessage }[] = [];
  readonly faders = new Int32Array(8).fill(-1);
  /** `zone/port` -> lit. */
  readonly leds = new Map<string, boolean>();
  readonly rings = new Map<number, RingState>();
  /** The 4-character strip displays 0..7 and the Select-Assign display 8. */
  readonly displays: string[] = new Array<string>(9).fill('    ');
  /** `strip/side` -> level. */
  readonly meters = new Map<string, number>();
  answerPings = true;
  private readonly parser = new MidiStreamParser();
  private readonly decoder = new HuiHostDecoder();
  private readonly clock: ManualSurfaceClock;

  constructor(device: FakeMidiDevice, clock: ManualSurfaceClock) {
    this.device = device;
    this.clock = clock;
    device.onHostBytes((bytes) => {
      for (const midi of this.parser.push(bytes)) {
        const message = this.decoder.decode(midi);
        if (message !== null) this.apply(message);
      }
    });
  }

  private apply(message: HuiHostMessage): void {
    this.log.push({ at: this.clock.now(), message });
    switch (message.type) {
      case 'ping':
        if (this.answerPings) this.send({ type: 'pingReply' });
        return;
      case 'fader':
        this.faders[message.strip] = message.value;
        return;
      case 'led':
        this.leds.set(`${message.zone}/${message.port}`, message.on);
        return;
      case 'ring':
        this.rings.set(message.vpot, message.ring);
        return;
      case 'smallDisplay':
        this.displays[message.display] = message.text;
        return;
      case 'meter':
        this.meters.set(`${message.strip}/${message.side}`, message.level);
        return;
      default:
        return;
    }
  }

  send(message: HuiSurfaceMessage): void {
    this.device.send(encodeHuiSurfaceMessage(message));
  }

  move(strip: number, value: number): void {
    this.send({ type: 'fader', strip, value });
  }

  touch(strip: number, touched: boolean): void {
    this.send({ type: 'faderTouch', strip, touched });
  }

  press(zone: number, port: number): void {
    this.send({ type: 'switch', zone, port, pressed: true });
    this.send({ type: 'switch', zone, port, pressed: false });
  }

  turn(vpot: number, delta: number): void {
    this.send({ type: 'vpot', vpot, delta });
  }

  led(zone: number, port: number): boolean | undefined {
    return this.leds.get(`${zone}/${port}`);
  }

  messages<T extends HuiHostMessage['type']>(type: T, since = 0): Extract<HuiHostMessage, { type: T }>[] {
    return this.log
      .filter((entry) => entry.at >= since && entry.message.type === type)
      .map((entry) => entry.message as Extract<HuiHostMessage, { type: T }>);
  }

  /** Forget what was shown (as a unit that lost power would). */
  blank(): void {
    this.faders.fill(-1);
    this.leds.clear();
    this.rings.clear();
    this.displays.fill('    ');
    this.meters.clear();
  }

  clearLog(): void {
    this.log.length = 0;
  }
}

export interface HuiRig {
  readonly clock: ManualSurfaceClock;
  readonly backend: FakeMidiBackend;
  readonly params: ParamStore;
  readonly driver: HuiSurfaceDriver;
  readonly states: { unit: number; state: HuiUnitState; at: number }[];
  unit(port: string): HuiEmulator;
}

/** A console of `strips` strips, HUI units on fake ports, time by hand; started and online. */
export async function huiRig(
  ports: readonly string[] = ['HUI'],
  strips = 8,
  extra: Partial<Omit<HuiSurfaceOptions, 'units' | 'params' | 'open' | 'clock'>> = {},
): Promise<HuiRig> {
  const { profiles, mapping } = await shippedData();
  const profile = profiles.find((p) => p.id === 'hui');
  if (profile === undefined) throw new Error('no hui profile');
  const clock = new ManualSurfaceClock();
  const backend = new FakeMidiBackend();
  const specs = consoleParamSpecs(strips);
  const params = new ParamStore(specs, ParamTable.create(specs.length));
  const emulators = new Map<string, HuiEmulator>();
  for (const port of ports) emulators.set(port, new HuiEmulator(backend.device(port), clock));
  const driver = new HuiSurfaceDriver({
    units: ports.map((port) => ({ port: portNames(port), profile })),
    params,
    open: backend.open,
    mapping,
    clock,
    ...extra,
  });
  const states: HuiRig['states'] = [];
  driver.on('state', (unit, state) => states.push({ unit, state, at: clock.now() }));
  driver.start();
  await flush();
  clock.advance(100);
  return {
    clock,
    backend,
    params,
    driver,
    states,
    unit: (port) => {
      const emulator = emulators.get(port);
      if (emulator === undefined) throw new Error(`no unit ${port}`);
      return emulator;
    },
  };
}

/** Small deterministic PRNG (mulberry32), so a failing flood can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
