import {
  decodeMcuHostMessage,
  encodeMcuSurfaceMessage,
  MidiStreamParser,
  type LedState,
  type McuHostMessage,
  type McuSurfaceMessage,
  type RingState,
} from '../../../control-surface/index.ts';
import { FakeMidiBackend, type FakeMidiDevice } from '../../../control-surface/midi/fake-midi-port.ts';
import {
  McuSurfaceDriver,
  type McuSurfaceOptions,
} from '../../../control-surface/midi/mcu-surface-driver.ts';
import { portNames } from '../../../control-surface/midi/midi-port.ts';
import { ManualSurfaceClock } from '../../../control-surface/midi/surface-clock.ts';
import {
  loadMappingDocuments,
  type MappingDocument,
} from '../../../control-surface/mapping/mapping-pages.ts';
import { loadDeviceProfiles, type DeviceProfile } from '../../../control-surface/profiles/device-profile.ts';
import { consoleParamSpecs, ParamStore, ParamTable } from '../../../engine/index.ts';

/** A Mackie unit as the host sees it: decodes what the driver sends, sends like a unit. */
export class McuEmulator {
  readonly device: FakeMidiDevice;
  readonly model: number;
  /** Every host message with the simulated time it arrived. */
  readonly log: { at: number; message: McuHostMessage }[] = [];
  readonly faders = new Int32Array(9).fill(-1);
  lcd = ' '.repeat(112);
  readonly leds = new Map<number, LedState>();
  readonly rings = new Map<number, RingState>();
  answerQueries = true;
  private readonly parser = new MidiStreamParser();
  private readonly clock: ManualSurfaceClock;

  constructor(device: FakeMidiDevice, clock: ManualSurfaceClock, model: number) {
    this.device = device;
    this.clock = clock;
    this.model = model;
    device.onHostBytes((bytes) => {
      for (const midi of this.parser.push(bytes)) this.apply(decodeMcuHostMessage(midi));
    });
  }

  private apply(message: McuHostMessage): void {
    this.log.push({ at: this.clock.now(), message });
    switch (message.type) {
      case 'deviceQuery':
        if (this.answerQueries) this.powerUp();
        return;
      case 'fader':
        this.faders[message.fader] = message.value;
        return;
      case 'lcd':
        this.lcd =
          this.lcd.slice(0, message.offset) +
          message.text +
          this.lcd.slice(message.offset + message.text.length);
        return;
      case 'led':
        this.leds.set(message.note, message.state);
        return;
      case 'ring':
        this.rings.set(message.strip, message.ring);
        return;
      default:
        return;
    }
  }

  /** The unit's Host Connection Query: sent at power-up, reset, and in answer to a query. */
  powerUp(): void {
    this.send({
      type: 'hostConnectionQuery',
      model: this.model,
      serial: [0x58, 0x59, 0x5a, 0x57, 0x18, 0x61, 0x05],
      challenge: [0x57, 0x18, 0x61, 0x05],
    });
  }

  send(message: McuSurfaceMessage): void {
    this.device.send(encodeMcuSurfaceMessage(message));
  }

  move(fader: number, value: number): void {
    this.send({ type: 'fader', fader, value });
  }

  touch(fader: number, touched: boolean): void {
    this.send({ type: 'faderTouch', fader, touched });
  }

  press(note: number): void {
    this.send({ type: 'button', note, pressed: true });
    this.send({ type: 'button', note, pressed: false });
  }

  turn(strip: number, delta: number): void {
    this.send({ type: 'vpot', strip, delta });
  }

  /** Text of one strip's 7-column cell. */
  cell(strip: number, row: 0 | 1): string {
    const at = strip * 7 + row * 56;
    return this.lcd.slice(at, at + 7);
  }

  messages<T extends McuHostMessage['type']>(type: T, since = 0): Extract<McuHostMessage, { type: T }>[] {
    return this.log
      .filter((entry) => entry.at >= since && entry.message.type === type)
      .map((entry) => entry.message as Extract<McuHostMessage, { type: T }>);
  }

  clearLog(): void {
    this.log.length = 0;
  }
}

let profiles: DeviceProfile[] | null = null;
let mappings: MappingDocument[] | null = null;

export async function shippedData(): Promise<{ profiles: DeviceProfile[]; mapping: MappingDocument }> {
  profiles ??= await loadDeviceProfiles();
  mappings ??= await loadMappingDocuments();
  return { profiles, mapping: mappings.find((m) => m.name === 'default')! };
}

export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface RigUnit {
  readonly port: string;
  readonly profile: string;
}

export interface Rig {
  readonly clock: ManualSurfaceClock;
  readonly backend: FakeMidiBackend;
  readonly params: ParamStore;
  readonly driver: McuSurfaceDriver;
  /** Emulators by port name. */
  readonly units: Map<string, McuEmulator>;
  unit(port: string): McuEmulator;
}

/** A console of `strips` strips, MCU units on fake ports, time by hand; started and online. */
export async function mcuRig(
  units: readonly RigUnit[],
  strips = 8,
  extra: Partial<Omit<McuSurfaceOptions, 'units' | 'params' | 'open' | 'clock'>> = {},
): Promise<Rig> {
  const { profiles, mapping } = await shippedData();
  const clock = new ManualSurfaceClock();
  const backend = new FakeMidiBackend();
  const specs = consoleParamSpecs(strips);
  const params = new ParamStore(specs, ParamTable.create(specs.length));
  const emulators = new Map<string, McuEmulator>();
  const configs = units.map((u) => {
    const profile = profiles.find((p) => p.id === u.profile);
    if (profile === undefined) throw new Error(`no profile ${u.profile}`);
    emulators.set(u.port, new McuEmulator(backend.device(u.port), clock, profile.modelId));
    return { port: portNames(u.port), profile };
  });
  const driver = new McuSurfaceDriver({
    units: configs,
    params,
    open: backend.open,
    mapping,
    clock,
    ...extra,
  });
  driver.start();
  await flush();
  clock.advance(1000);
  return {
    clock,
    backend,
    params,
    driver,
    units: emulators,
    unit: (port) => {
      const emulator = emulators.get(port);
      if (emulator === undefined) throw new Error(`no unit ${port}`);
      return emulator;
    },
  };
}
