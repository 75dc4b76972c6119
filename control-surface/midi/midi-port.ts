/**
 * A MIDI unit's connection as drivers see it: one input and one output, opened together by name
 * (a Mackie unit and its extenders each have their own pair). Injected into drivers so tests run
 * on an in-process fake and the real backend (easymidi) lives in one adapter.
 */
export interface MidiPortNames {
  readonly input: string;
  readonly output: string;
}

export interface MidiPort {
  readonly names: MidiPortNames;
  /** Writes raw bytes (whole messages; several may be concatenated). Never throws. */
  send(bytes: Uint8Array): void;
  /** Bytes from the unit, in arrival order; chunks may split messages anywhere. */
  onBytes(listener: (bytes: Uint8Array) => void): void;
  /** The port went away (unplugged, closed by the system). Not called for `close()`. */
  onClose(listener: (reason: string) => void): void;
  /** A transport error that did not close the port (a dropped write, an overrun). */
  onError(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** Opens both directions by name; rejects when either cannot be opened. */
export type MidiPortOpener = (names: MidiPortNames) => Promise<MidiPort>;

/** What the system offers now (for profile matching and hot-plug). */
export interface MidiPortCatalogue {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** The transport as a whole: list ports, open a pair. */
export interface MidiBackend {
  list(): Promise<MidiPortCatalogue>;
  open: MidiPortOpener;
}

/** Most units name both directions alike; `portNames('X-Touch')` = the pair. */
export function portNames(name: string, output: string = name): MidiPortNames {
  return { input: name, output };
}
