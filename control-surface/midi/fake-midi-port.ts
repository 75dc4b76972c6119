import type { MidiBackend, MidiPort, MidiPortCatalogue, MidiPortNames } from './midi-port.ts';

export interface FakeMidiOptions {
  /**
   * `sync` (default): bytes reach the other side inside `send`, so tests drive time by hand and
   * see the effect at once. `microtask`: on the next microtask, like a real port.
   */
  readonly delivery?: 'sync' | 'microtask';
}

type Listener<T> = (value: T) => void;

/**
 * The device end of a fake unit: what the host sent (`received`, one entry per `send`), and a
 * way to send as the unit. `unplug()` closes the host's port as a cable pull would; `plug()`
 * makes the name openable again.
 */
export class FakeMidiDevice {
  readonly name: string;
  readonly received: Uint8Array[] = [];
  private readonly delivery: 'sync' | 'microtask';
  private hostListeners: Listener<Uint8Array>[] = [];
  private hostCloseListeners: Listener<string>[] = [];
  private hostErrorListeners: Listener<Error>[] = [];
  private readonly deviceListeners: Listener<Uint8Array>[] = [];
  private plugged = true;
  private open = false;
  /** Bumped on every open and unplug, so a stale port's writes go nowhere. */
  private session = 0;

  constructor(name: string, options: FakeMidiOptions = {}) {
    this.name = name;
    this.delivery = options.delivery ?? 'sync';
  }

  get isOpen(): boolean {
    return this.open;
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Sees every host write (an emulator answers from here). */
  onHostBytes(listener: (bytes: Uint8Array) => void): void {
    this.deviceListeners.push(listener);
  }

  /** Sends bytes as the unit; dropped when no host has the port open. */
  send(bytes: Uint8Array | readonly number[]): void {
    if (!this.open) return;
    const copy = Uint8Array.from(bytes);
    const session = this.session;
    this.deliver(() => {
      if (this.open && session === this.session) for (const listener of this.hostListeners) listener(copy);
    });
  }

  /** A transport error on the host side (the port stays open). */
  fail(message: string): void {
    for (const listener of this.hostErrorListeners) listener(new Error(message));
  }

  unplug(): void {
    this.plugged = false;
    if (!this.open) return;
    this.open = false;
    this.session++;
    const listeners = this.hostCloseListeners;
    this.dropHost();
    for (const listener of listeners) listener('unplugged');
  }

  plug(): void {
    this.plugged = true;
  }

  /** Everything the host sent, concatenated. */
  receivedBytes(): Uint8Array {
    let length = 0;
    for (const chunk of this.received) length += chunk.length;
    const out = new Uint8Array(length);
    let at = 0;
    for (const chunk of this.received) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  clearReceived(): void {
    this.received.length = 0;
  }

  /** The host side; called by the backend's `open`. */
  connect(names: MidiPortNames): MidiPort {
    this.session++;
    this.open = true;
    this.dropHost();
    const session = this.session;
    const live = (): boolean => this.open && session === this.session;
    return {
      names,
      send: (bytes) => {
        if (!live()) return;
        const copy = Uint8Array.from(bytes);
        this.received.push(copy);
        this.deliver(() => {
          for (const listener of this.deviceListeners) listener(copy);
        });
      },
      onBytes: (listener) => {
        if (live()) this.hostListeners.push(listener);
      },
      onClose: (listener) => {
        if (live()) this.hostCloseListeners.push(listener);
      },
      onError: (listener) => {
        if (live()) this.hostErrorListeners.push(listener);
      },
      close: () => {
        if (live()) {
          this.open = false;
          this.session++;
          this.dropHost();
        }
        return Promise.resolve();
      },
    };
  }

  private dropHost(): void {
    this.hostListeners = [];
    this.hostCloseListeners = [];
    this.hostErrorListeners = [];
  }

  private deliver(run: () => void): void {
    if (this.delivery === 'sync') run();
    else queueMicrotask(run);
  }
}

/**
 * In-process MIDI ports for tests: each `device(name)` is one unit whose input and output share
 * the name. `open` rejects for names not plugged in, or already open (MIDI ports are exclusive
 * on most systems).
 */
export class FakeMidiBackend implements MidiBackend {
  private readonly devices = new Map<string, FakeMidiDevice>();
  private readonly options: FakeMidiOptions;
  /** Every `open` call, in order (tests check reconnect attempts). */
  readonly opens: string[] = [];

  constructor(options: FakeMidiOptions = {}) {
    this.options = options;
  }

  device(name: string): FakeMidiDevice {
    let device = this.devices.get(name);
    if (device === undefined) {
      device = new FakeMidiDevice(name, this.options);
      this.devices.set(name, device);
    }
    return device;
  }

  list(): Promise<MidiPortCatalogue> {
    const names = [...this.devices.values()].filter((d) => d.isPlugged).map((d) => d.name);
    return Promise.resolve({ inputs: names, outputs: [...names] });
  }

  readonly open = (names: MidiPortNames): Promise<MidiPort> => {
    this.opens.push(names.input);
    const device = this.devices.get(names.input);
    if (!device?.isPlugged) return Promise.reject(new Error(`no MIDI port named "${names.input}"`));
    if (device.isOpen) return Promise.reject(new Error(`MIDI port "${names.input}" is already open`));
    return Promise.resolve(device.connect(names));
  };
}
