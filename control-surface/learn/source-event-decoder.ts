import type { MidiMessage } from '../midi/midi-message.ts';
import { NrpnParser, type NrpnCounters } from './nrpn-parser.ts';
import type { SourceEvent } from './source-event.ts';

export interface SourceEventCounters {
  readonly nrpn: NrpnCounters;
  /** Messages no learnable source sends (program change, aftertouch, sysex, clock): skipped. */
  ignored: number;
}

const UNKNOWN = -1;
const PAIRS = 32;

/**
 * Typed MIDI messages -> source events, holding the state some sources need: the latest MSB of
 * every 14-bit controller pair (MSB n / LSB n + 32, n < 32) and each channel's NRPN selection.
 * An LSB yields both its plain `cc` event and, once its MSB has been seen, a `cc14` event, so a
 * binding on either meaning finds it. Never throws.
 */
export class SourceEventDecoder {
  private readonly nrpn = new NrpnParser();
  private readonly msb = new Int16Array(16 * PAIRS).fill(UNKNOWN);
  readonly counters: SourceEventCounters = { nrpn: this.nrpn.counters, ignored: 0 };

  /** Forget pair MSBs and NRPN selections (the port was reopened). */
  reset(): void {
    this.nrpn.reset();
    this.msb.fill(UNKNOWN);
  }

  decode(message: MidiMessage): SourceEvent[] {
    switch (message.type) {
      case 'noteOn':
        return [
          {
            kind: 'note',
            channel: message.channel,
            note: message.note,
            velocity: message.velocity,
            on: message.velocity > 0,
          },
        ];
      case 'noteOff':
        return [
          {
            kind: 'note',
            channel: message.channel,
            note: message.note,
            velocity: message.velocity,
            on: false,
          },
        ];
      case 'pitchBend':
        return [{ kind: 'pitchBend', channel: message.channel, value: message.value }];
      case 'controlChange':
        return this.control(message.channel, message.controller, message.value);
      default:
        this.counters.ignored++;
        return [];
    }
  }

  private control(channel: number, controller: number, value: number): SourceEvent[] {
    const outcome = this.nrpn.control(channel, controller, value);
    if (outcome.consumed) return outcome.event === null ? [] : [outcome.event];
    const plain: SourceEvent = { kind: 'cc', channel, controller, value };
    if (controller < PAIRS) {
      this.msb[channel * PAIRS + controller] = value;
      return [plain];
    }
    if (controller < 2 * PAIRS) {
      const msb = this.msb[channel * PAIRS + controller - PAIRS]!;
      if (msb !== UNKNOWN)
        return [plain, { kind: 'cc14', channel, controller: controller - PAIRS, value: (msb << 7) | value }];
    }
    return [plain];
  }
}
