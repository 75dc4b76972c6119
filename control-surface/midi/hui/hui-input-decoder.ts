import {
  MidiStreamParser,
  type MidiStreamCounters,
  type MidiStreamParserOptions,
} from '../midi-stream-parser.ts';
import { HuiSurfaceDecoder, type HuiSurfaceMessage, type HuiUnknownReason } from './hui-surface-messages.ts';

export type HuiUnknownMessage = Extract<HuiSurfaceMessage, { type: 'unknown' }>;

export interface HuiInputCounters {
  readonly decoded: number;
  readonly unknown: Readonly<Record<HuiUnknownReason, number>>;
  readonly stream: Readonly<MidiStreamCounters>;
}

export interface HuiInputDecoderOptions extends MidiStreamParserOptions {
  /** Sees each unknown message before it is dropped (for a debug log). */
  readonly onUnknown?: (message: HuiUnknownMessage) => void;
}

/**
 * Bytes from a HUI surface -> typed messages: running status (back-to-back CCs) through the
 * shared stream parser, pairs through `HuiSurfaceDecoder`. Unknown messages are counted and
 * dropped, so what `push` returns is safe to act on. Never throws. Pure: no I/O, no timers.
 */
export class HuiInputDecoder {
  private readonly parser: MidiStreamParser;
  private readonly decoder = new HuiSurfaceDecoder();
  private readonly onUnknown: ((message: HuiUnknownMessage) => void) | undefined;
  private decoded = 0;
  private readonly unknown: Record<HuiUnknownReason, number> = {
    realtime: 0,
    wrongChannel: 0,
    unsupported: 0,
    unknownSysex: 0,
    zeroDelta: 0,
    portWithoutZone: 0,
    badPortState: 0,
    lsbWithoutMsb: 0,
  };

  constructor(options: HuiInputDecoderOptions = {}) {
    this.parser = new MidiStreamParser(options);
    this.onUnknown = options.onUnknown;
  }

  get counters(): HuiInputCounters {
    return { decoded: this.decoded, unknown: { ...this.unknown }, stream: { ...this.parser.counters } };
  }

  push(chunk: Uint8Array): HuiSurfaceMessage[] {
    const out: HuiSurfaceMessage[] = [];
    for (const midi of this.parser.push(chunk)) {
      const message = this.decoder.decode(midi);
      if (message === null) continue;
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

  /** Forget partial input and half-received pairs (port reopened); counters are kept. */
  reset(): void {
    this.parser.reset();
    this.decoder.reset();
  }
}
