import { channelDataLength, systemCommonDataLength, type MidiMessage } from './midi-message.ts';

export interface MidiStreamCounters {
  /** Complete messages returned (sysex and realtime included). */
  messages: number;
  sysex: number;
  /** A sysex cut short by a status byte (or a new F0) before its F7: dropped. */
  truncatedSysex: number;
  /** A sysex longer than `maxSysexLength`: dropped at its F7. */
  oversizedSysex: number;
  /** Data bytes with no status to belong to (stream start, after system common): skipped. */
  strayDataBytes: number;
  /** A channel or system common message cut short by the next status byte: dropped. */
  incompleteMessages: number;
  /** F4, F5, or an F7 outside a sysex: skipped. */
  undefinedStatus: number;
}

export interface MidiStreamParserOptions {
  /** Longest sysex kept, F0 and F7 excluded; longer ones are dropped and counted. */
  readonly maxSysexLength?: number;
}

const NO_STATUS = 0;

/**
 * Splits a MIDI byte stream into messages, as a receiver must (MIDI 1.0 §2): running status for
 * channel messages; realtime bytes (F8..FF) anywhere, even inside a sysex or between a status and
 * its data, without disturbing either; system common cancels running status. Anything that cannot
 * be a message is counted and skipped. Chunks may split messages anywhere. Never throws.
 * Pure: bytes in, messages out.
 */
export class MidiStreamParser {
  readonly counters: MidiStreamCounters = {
    messages: 0,
    sysex: 0,
    truncatedSysex: 0,
    oversizedSysex: 0,
    strayDataBytes: 0,
    incompleteMessages: 0,
    undefinedStatus: 0,
  };
  private readonly sysexBuffer: Uint8Array;
  private sysexLength = 0;
  private inSysex = false;
  private sysexOverflowed = false;
  /** Status the next data bytes belong to (running status for channel messages). */
  private status = NO_STATUS;
  private needed = 0;
  private readonly data = [0, 0];
  private have = 0;
  /** A status byte arrived and no message has completed on it yet. */
  private awaitingFirst = false;

  constructor(options: MidiStreamParserOptions = {}) {
    this.sysexBuffer = new Uint8Array(Math.max(0, Math.floor(options.maxSysexLength ?? 4096)));
  }

  /** Messages completed by this chunk, in order. */
  push(chunk: Uint8Array): MidiMessage[] {
    const out: MidiMessage[] = [];
    for (const byte of chunk) this.byte(byte, out);
    this.counters.messages += out.length;
    return out;
  }

  /** Forget partial input (the port was reopened). Counters are kept. */
  reset(): void {
    this.inSysex = false;
    this.sysexLength = 0;
    this.sysexOverflowed = false;
    this.status = NO_STATUS;
    this.have = 0;
    this.awaitingFirst = false;
  }

  private byte(byte: number, out: MidiMessage[]): void {
    if (byte >= 0xf8) {
      out.push({ type: 'realtime', status: byte });
      return;
    }
    if (byte < 0x80) {
      this.dataByte(byte, out);
      return;
    }
    // Any other status ends a sysex: F7 completes it, everything else truncates it.
    if (this.inSysex) {
      if (byte === 0xf7) {
        this.finishSysex(out);
        return;
      }
      this.counters.truncatedSysex++;
      this.inSysex = false;
    } else if (this.have > 0 || this.awaitingFirst) {
      this.counters.incompleteMessages++;
    }
    this.have = 0;
    this.awaitingFirst = false;
    if (byte < 0xf0) {
      this.status = byte;
      this.needed = channelDataLength(byte);
      this.awaitingFirst = true;
      return;
    }
    // System common and sysex cancel running status.
    this.status = NO_STATUS;
    if (byte === 0xf0) {
      this.inSysex = true;
      this.sysexLength = 0;
      this.sysexOverflowed = false;
      return;
    }
    const length = systemCommonDataLength(byte);
    if (length < 0) {
      this.counters.undefinedStatus++;
      return;
    }
    if (length === 0) {
      out.push({ type: 'systemCommon', status: byte, data: [] });
      return;
    }
    this.status = byte;
    this.needed = length;
    this.awaitingFirst = true;
  }

  private dataByte(byte: number, out: MidiMessage[]): void {
    if (this.inSysex) {
      if (this.sysexLength < this.sysexBuffer.length) this.sysexBuffer[this.sysexLength++] = byte;
      else this.sysexOverflowed = true;
      return;
    }
    if (this.status === NO_STATUS) {
      this.counters.strayDataBytes++;
      return;
    }
    this.data[this.have++] = byte;
    if (this.have < this.needed) return;
    this.have = 0;
    this.awaitingFirst = false;
    const status = this.status;
    if (status >= 0xf0) {
      // System common has no running status: further data bytes are stray.
      this.status = NO_STATUS;
      out.push({ type: 'systemCommon', status, data: this.data.slice(0, this.needed) });
      return;
    }
    out.push(channelMessage(status, this.data[0]!, this.data[1]!));
  }

  private finishSysex(out: MidiMessage[]): void {
    this.inSysex = false;
    if (this.sysexOverflowed) {
      this.counters.oversizedSysex++;
      return;
    }
    this.counters.sysex++;
    out.push({ type: 'sysex', data: this.sysexBuffer.slice(0, this.sysexLength) });
  }
}

function channelMessage(status: number, first: number, second: number): MidiMessage {
  const channel = status & 0x0f;
  switch (status & 0xf0) {
    case 0x80:
      return { type: 'noteOff', channel, note: first, velocity: second };
    case 0x90:
      return { type: 'noteOn', channel, note: first, velocity: second };
    case 0xa0:
      return { type: 'polyPressure', channel, note: first, pressure: second };
    case 0xb0:
      return { type: 'controlChange', channel, controller: first, value: second };
    case 0xc0:
      return { type: 'programChange', channel, program: first };
    case 0xd0:
      return { type: 'channelPressure', channel, pressure: first };
    default:
      return { type: 'pitchBend', channel, value: (second << 7) | first };
  }
}
