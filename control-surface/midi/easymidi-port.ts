import { createRequire } from 'node:module';
import { LatheError, type ErrorCode } from '../../engine/index.ts';
import { encodeMidiMessage } from './midi-message.ts';
import type { MidiBackend, MidiPort, MidiPortCatalogue, MidiPortNames } from './midi-port.ts';
import { MidiStreamParser } from './midi-stream-parser.ts';

/**
 * The real MIDI transport: easymidi's native layer (@julusian/midi, RtMidi), resolved through
 * easymidi so it is the very copy easymidi uses. easymidi's own classes are not enough for a
 * driver: its Input hands out parsed objects (the raw bytes are gone) and its Output has no raw
 * send. RtMidi delivers one complete message per callback (sysex reassembled); JACK MIDI carries
 * one message per event, so writes are split into messages before they go out.
 */

/** The part of @julusian/midi's Input this adapter uses. */
export interface NativeMidiInput {
  getPortCount(): number;
  getPortName(port: number): string;
  ignoreTypes(sysex: boolean, timing: boolean, activeSensing: boolean): void;
  openPort(port: number): void;
  closePort(): void;
  destroy(): void;
  on(event: 'messageBuffer', listener: (deltaTime: number, message: Uint8Array) => void): unknown;
}

/** The part of @julusian/midi's Output this adapter uses. */
export interface NativeMidiOutput {
  getPortCount(): number;
  getPortName(port: number): string;
  openPort(port: number): void;
  closePort(): void;
  destroy(): void;
  sendMessage(message: Buffer): void;
}

export interface NativeMidi {
  readonly Input: new () => NativeMidiInput;
  readonly Output: new () => NativeMidiOutput;
}

export type MidiPortErrorReason = 'unavailable' | 'notFound' | 'openFailed';

/**
 * Stable codes per reason. Wanted in engine/errors.ts: LATHE_MIDI_UNAVAILABLE,
 * LATHE_MIDI_PORT_NOT_FOUND, LATHE_MIDI_PORT_OPEN_FAILED; the closest existing codes meanwhile.
 */
export const MIDI_PORT_ERROR_CODE: Readonly<Record<MidiPortErrorReason, ErrorCode>> = {
  unavailable: 'LATHE_MIDI_UNAVAILABLE',
  notFound: 'LATHE_MIDI_PORT_NOT_FOUND',
  openFailed: 'LATHE_MIDI_PORT_OPEN_FAILED',
};

export class MidiPortError extends LatheError {
  readonly reason: MidiPortErrorReason;

  constructor(reason: MidiPortErrorReason, message: string, options?: ErrorOptions) {
    super(MIDI_PORT_ERROR_CODE[reason], message, options);
    this.name = 'MidiPortError';
    this.reason = reason;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

let nativeMidi: NativeMidi | null = null;

/**
 * Loads easymidi's native layer on first use, so a console without MIDI (no addon, no ALSA
 * sequencer, no JACK) starts and only MIDI fails. Throws MidiPortError('unavailable').
 */
export function loadEasyMidiNative(): NativeMidi {
  if (nativeMidi !== null) return nativeMidi;
  try {
    const require = createRequire(import.meta.url);
    const fromEasymidi = createRequire(require.resolve('easymidi'));
    // Requiring the package entry throws when the native binding cannot load.
    nativeMidi = fromEasymidi('@julusian/midi') as NativeMidi;
    return nativeMidi;
  } catch (error) {
    throw new MidiPortError('unavailable', `MIDI unavailable: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Index of the port called `wanted` in `available`, or -1: the exact name, else a port whose name
 * after its client prefix is `wanted`. JACK names ports `client:port`, and RtMidi's client names
 * are numbered in creation order ("RtMidi Output Client-01:X-Touch"), so only the port part is
 * stable across a unit's restart.
 */
export function findMidiPort(available: readonly string[], wanted: string): number {
  const exact = available.indexOf(wanted);
  if (exact >= 0) return exact;
  return available.findIndex((name) => {
    const colon = name.indexOf(':');
    return colon >= 0 && name.slice(colon + 1) === wanted;
  });
}

function portNamesOf(lister: NativeMidiInput | NativeMidiOutput): string[] {
  const names: string[] = [];
  const count = lister.getPortCount();
  for (let port = 0; port < count; port++) names.push(lister.getPortName(port));
  return names;
}

/** RtMidi objects fail to construct when the system has no MIDI API at all (no ALSA sequencer). */
function createNative<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new MidiPortError('unavailable', `MIDI unavailable: ${messageOf(error)}`, { cause: error });
  }
}

function release(handle: NativeMidiInput | NativeMidiOutput | null): void {
  if (handle === null) return;
  try {
    handle.closePort();
    handle.destroy();
  } catch {
    // Already gone with its server; nothing left to release.
  }
}

export interface EasyMidiBackendOptions {
  /** How often open ports are checked against the system's port list (hot-plug). */
  readonly pollMs?: number;
  /** The native layer; default: easymidi's, loaded on first use. */
  readonly native?: () => NativeMidi;
}

/** A unit's port pair on the native layer; the backend's poll reports its disappearance. */
class EasyMidiPort implements MidiPort {
  readonly names: MidiPortNames;
  private input: NativeMidiInput | null;
  private output: NativeMidiOutput | null;
  private readonly backend: EasyMidiBackend;
  /** Splits writes into single messages (one per JACK MIDI event). */
  private readonly splitter = new MidiStreamParser({ maxSysexLength: 16_384 });
  private readonly byteListeners: ((bytes: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private open = true;

  constructor(
    names: MidiPortNames,
    input: NativeMidiInput,
    output: NativeMidiOutput,
    backend: EasyMidiBackend,
  ) {
    this.names = names;
    this.input = input;
    this.output = output;
    this.backend = backend;
    input.on('messageBuffer', (_deltaTime, message) => {
      if (!this.open) return;
      for (const listener of this.byteListeners) listener(message);
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(bytes: Uint8Array): void {
    const output = this.output;
    if (!this.open || output === null) return;
    const counters = this.splitter.counters;
    const invalidBefore =
      counters.strayDataBytes +
      counters.incompleteMessages +
      counters.undefinedStatus +
      counters.truncatedSysex;
    try {
      for (const message of this.splitter.push(bytes)) {
        const wire = encodeMidiMessage(message);
        output.sendMessage(Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength));
      }
    } catch (error) {
      this.fail(new Error(`MIDI write to "${this.names.output}" failed: ${messageOf(error)}`));
      return;
    }
    const invalid =
      counters.strayDataBytes +
      counters.incompleteMessages +
      counters.undefinedStatus +
      counters.truncatedSysex -
      invalidBefore;
    if (invalid > 0) this.fail(new Error(`${invalid} malformed MIDI message(s) not sent`));
  }

  onBytes(listener: (bytes: Uint8Array) => void): void {
    this.byteListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  close(): Promise<void> {
    this.shut();
    return Promise.resolve();
  }

  /** The port left the system: release it and tell the driver (which reopens by name). */
  lost(reason: string): void {
    if (!this.open) return;
    this.shut();
    for (const listener of this.closeListeners) listener(reason);
  }

  private shut(): void {
    if (!this.open) return;
    this.open = false;
    this.backend.forget(this);
    release(this.input);
    release(this.output);
    this.input = null;
    this.output = null;
  }

  private fail(error: Error): void {
    for (const listener of this.errorListeners) listener(error);
  }
}

/**
 * MidiBackend over easymidi. Ports are opened by name (`findMidiPort`); while any is open, the
 * system's port list is checked every `pollMs` and a port whose input or output is gone is closed
 * and reported through `onClose`, so the driver's reopen loop re-attaches it (with a full state
 * push) when it comes back. RtMidi has no disconnect event, so a unit that vanishes and returns
 * within one poll is not seen to go.
 */
export class EasyMidiBackend implements MidiBackend {
  private readonly pollMs: number;
  private readonly nativeLoader: () => NativeMidi;
  private readonly ports = new Set<EasyMidiPort>();
  /** One client each for listing, kept: RtMidi opens a JACK client per object. */
  private inputLister: NativeMidiInput | null = null;
  private outputLister: NativeMidiOutput | null = null;
  private poll: NodeJS.Timeout | null = null;

  constructor(options: EasyMidiBackendOptions = {}) {
    this.pollMs = Math.max(10, options.pollMs ?? 250);
    this.nativeLoader = options.native ?? loadEasyMidiNative;
  }

  /** Rejects with MidiPortError('unavailable') when MIDI cannot be used at all. */
  list(): Promise<MidiPortCatalogue> {
    try {
      return Promise.resolve(this.catalogue());
    } catch (error) {
      return Promise.reject(this.asMidiError(error, 'unavailable', 'cannot list MIDI ports'));
    }
  }

  readonly open = (names: MidiPortNames): Promise<MidiPort> => {
    try {
      return Promise.resolve(this.openNow(names));
    } catch (error) {
      return Promise.reject(this.asMidiError(error, 'openFailed', `cannot open MIDI port "${names.input}"`));
    }
  };

  /** Closes every port (without onClose) and the listing clients. */
  async close(): Promise<void> {
    await Promise.all([...this.ports].map((port) => port.close()));
    this.dropListers();
  }

  /** Called by a port that closed. */
  forget(port: EasyMidiPort): void {
    this.ports.delete(port);
    if (this.ports.size === 0 && this.poll !== null) {
      clearInterval(this.poll);
      this.poll = null;
    }
  }

  private openNow(names: MidiPortNames): MidiPort {
    const native = this.nativeLoader();
    const input = createNative(() => new native.Input());
    let output: NativeMidiOutput | null = null;
    try {
      // Sysex carries the handshake and the LCD; timing and active sensing pass to the parser.
      input.ignoreTypes(false, false, false);
      const inputIndex = findMidiPort(portNamesOf(input), names.input);
      if (inputIndex < 0) throw new MidiPortError('notFound', `no MIDI input named "${names.input}"`);
      output = createNative(() => new native.Output());
      const outputIndex = findMidiPort(portNamesOf(output), names.output);
      if (outputIndex < 0) throw new MidiPortError('notFound', `no MIDI output named "${names.output}"`);
      input.openPort(inputIndex);
      output.openPort(outputIndex);
    } catch (error) {
      release(input);
      release(output);
      throw error;
    }
    const port = new EasyMidiPort(names, input, output, this);
    this.ports.add(port);
    if (this.poll === null) {
      this.poll = setInterval(() => {
        this.checkPorts();
      }, this.pollMs);
      // Watching ports must not keep a finished process alive.
      this.poll.unref();
    }
    return port;
  }

  private catalogue(): MidiPortCatalogue {
    const native = this.nativeLoader();
    this.inputLister ??= createNative(() => new native.Input());
    this.outputLister ??= createNative(() => new native.Output());
    const inputs = portNamesOf(this.inputLister);
    const outputs = portNamesOf(this.outputLister);
    // No ports at all may mean the listers' JACK server went away: start afresh next time.
    if (inputs.length === 0 && outputs.length === 0) this.dropListers();
    return { inputs, outputs };
  }

  private checkPorts(): void {
    let catalogue: MidiPortCatalogue;
    try {
      catalogue = this.catalogue();
    } catch {
      catalogue = { inputs: [], outputs: [] };
    }
    for (const port of [...this.ports]) {
      if (findMidiPort(catalogue.inputs, port.names.input) < 0)
        port.lost(`MIDI input "${port.names.input}" disappeared`);
      else if (findMidiPort(catalogue.outputs, port.names.output) < 0)
        port.lost(`MIDI output "${port.names.output}" disappeared`);
    }
  }

  private dropListers(): void {
    release(this.inputLister);
    release(this.outputLister);
    this.inputLister = null;
    this.outputLister = null;
  }

  private asMidiError(error: unknown, reason: MidiPortErrorReason, what: string): MidiPortError {
    if (error instanceof MidiPortError) return error;
    return new MidiPortError(reason, `${what}: ${messageOf(error)}`, { cause: error });
  }
}

/** The MIDI backend the console uses. */
export function createEasyMidiBackend(options: EasyMidiBackendOptions = {}): EasyMidiBackend {
  return new EasyMidiBackend(options);
}
