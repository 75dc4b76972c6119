import {
  MidiStreamParser,
  type MidiStreamCounters,
  type MidiStreamParserOptions,
} from '../midi-stream-parser.ts';
import {
  decodeMcuSurfaceMessage,
  type McuSurfaceMessage,
  type McuUnknownReason,
} from './mcu-surface-messages.ts';

export interface McuInputCounters {
  /** Messages the protocol defines. */
  readonly decoded: number;
  readonly unknown: Readonly<Record<McuUnknownReason, number>>;
  /** Byte-level problems (truncated sysex, stray bytes, …). */
  readonly stream: Readonly<MidiStreamCounters>;
}

export type McuUnknownMessage = Extract<McuSurfaceMessage, { type: 'unknown' }>;

export interface McuInputDecoderOptions extends MidiStreamParserOptions {
  /** Sees each unknown message before it is dropped (for a debug log). */
  readonly onUnknown?: (message: McuUnknownMessage) => void;
}

/**
 * Bytes from one unit's MIDI input -> typed messages, with counters for everything skipped.
 * `unknown` messages are dropped here (counted by reason): what `push` returns is safe to act on.
 * Never throws. Pure: no I/O, no timers.
 */
export class McuInputDecoder {
  private readonly parser: MidiStreamParser;
  private decoded = 0;
  private readonly unknown: Record<McuUnknownReason, number> = {
    realtime: 0,
    wrongChannel: 0,
    unsupported: 0,
    unknownSysex: 0,
    malformedSysex: 0,
  };

  private readonly onUnknown: ((message: McuUnknownMessage) => void) | undefined;

  constructor(options: McuInputDecoderOptions = {}) {
    this.parser = new MidiStreamParser(options);
    this.onUnknown = options.onUnknown;
  }

  get counters(): McuInputCounters {
    return { decoded: this.decoded, unknown: { ...this.unknown }, stream: { ...this.parser.counters } };
  }

  /** Messages completed by this chunk, in order; unknown ones are counted, not returned. */
  push(chunk: Uint8Array): McuSurfaceMessage[] {
    const out: McuSurfaceMessage[] = [];
    for (const midi of this.parser.push(chunk)) {
      const message = decodeMcuSurfaceMessage(midi);
      if (message.type === 'unknown') {
        this.unknown[message.reason]++;
        this.onUnknown?.(message);
        continue;
      }
      this.decoded++;
      out.push(message);
    }
    return out;
  }

  /** Forget partial input (port reopened); counters are kept. */
  reset(): void {
    this.parser.reset();
  }
}
