import { clampInt, data7, NO_BYTES } from './wire-values.ts';

/**
 * Typed short MIDI messages and system exclusive, and their wire encoding. Pure: no I/O.
 * Channels are 0-based (0 = MIDI channel 1). A note-on with velocity 0 stays a note-on here: the
 * protocols give it their own meanings (HUI's ping is `90 00 00`, MCU reads it as a release).
 */
export type MidiMessage =
  | { readonly type: 'noteOff'; readonly channel: number; readonly note: number; readonly velocity: number }
  | { readonly type: 'noteOn'; readonly channel: number; readonly note: number; readonly velocity: number }
  | {
      readonly type: 'polyPressure';
      readonly channel: number;
      readonly note: number;
      readonly pressure: number;
    }
  | {
      readonly type: 'controlChange';
      readonly channel: number;
      readonly controller: number;
      readonly value: number;
    }
  | { readonly type: 'programChange'; readonly channel: number; readonly program: number }
  | { readonly type: 'channelPressure'; readonly channel: number; readonly pressure: number }
  /** 14-bit, 0..16383 (8192 = centre): `(MSB << 7) | LSB`. */
  | { readonly type: 'pitchBend'; readonly channel: number; readonly value: number }
  /** The bytes between F0 and F7, both excluded. */
  | { readonly type: 'sysex'; readonly data: Uint8Array }
  /** F1 (MTC quarter frame), F2 (song position), F3 (song select), F6 (tune request). */
  | { readonly type: 'systemCommon'; readonly status: number; readonly data: readonly number[] }
  /** F8..FF: clock, start, continue, stop, active sensing, reset (and the undefined F9, FD). */
  | { readonly type: 'realtime'; readonly status: number };

export type MidiMessageType = MidiMessage['type'];

export const STATUS = {
  noteOff: 0x80,
  noteOn: 0x90,
  polyPressure: 0xa0,
  controlChange: 0xb0,
  programChange: 0xc0,
  channelPressure: 0xd0,
  pitchBend: 0xe0,
  sysexStart: 0xf0,
  sysexEnd: 0xf7,
} as const;

/** Data bytes that follow a channel status (high nibble 8..E). */
export function channelDataLength(status: number): number {
  const kind = status & 0xf0;
  return kind === 0xc0 || kind === 0xd0 ? 1 : 2;
}

/** Data bytes that follow a system common status; -1 for the undefined F4 and F5. */
export function systemCommonDataLength(status: number): number {
  switch (status) {
    case 0xf1:
    case 0xf3:
      return 1;
    case 0xf2:
      return 2;
    case 0xf6:
      return 0;
    default:
      return -1;
  }
}

const channel4 = (value: number): number => clampInt(value, 0, 15);

/**
 * Wire bytes of one message, with full status (no running status on output: it saves little at
 * MIDI-over-USB rates and a lost byte would shift every later message). Out-of-range numbers are
 * clamped (channel 0..15, data 0..127, pitch bend 0..16383); sysex data bytes are masked to 7 bits
 * so the frame stays valid. A `realtime` or `systemCommon` status outside its range encodes to
 * nothing.
 */
export function encodeMidiMessage(message: MidiMessage): Uint8Array {
  switch (message.type) {
    case 'noteOff':
      return Uint8Array.of(0x80 | channel4(message.channel), data7(message.note), data7(message.velocity));
    case 'noteOn':
      return Uint8Array.of(0x90 | channel4(message.channel), data7(message.note), data7(message.velocity));
    case 'polyPressure':
      return Uint8Array.of(0xa0 | channel4(message.channel), data7(message.note), data7(message.pressure));
    case 'controlChange':
      return Uint8Array.of(0xb0 | channel4(message.channel), data7(message.controller), data7(message.value));
    case 'programChange':
      return Uint8Array.of(0xc0 | channel4(message.channel), data7(message.program));
    case 'channelPressure':
      return Uint8Array.of(0xd0 | channel4(message.channel), data7(message.pressure));
    case 'pitchBend': {
      const value = clampInt(message.value, 0, 0x3fff);
      return Uint8Array.of(0xe0 | channel4(message.channel), value & 0x7f, value >> 7);
    }
    case 'sysex': {
      const out = new Uint8Array(message.data.length + 2);
      out[0] = STATUS.sysexStart;
      for (let i = 0; i < message.data.length; i++) out[i + 1] = message.data[i]! & 0x7f;
      out[out.length - 1] = STATUS.sysexEnd;
      return out;
    }
    case 'systemCommon': {
      const length = systemCommonDataLength(message.status);
      if (length < 0) return NO_BYTES;
      const out = new Uint8Array(1 + length);
      out[0] = message.status;
      for (let i = 0; i < length; i++) out[i + 1] = data7(message.data[i] ?? 0);
      return out;
    }
    case 'realtime':
      return message.status >= 0xf8 && message.status <= 0xff ? Uint8Array.of(message.status) : NO_BYTES;
  }
}

/** Several messages back to back, in one buffer (what a driver writes in one go). */
export function encodeMidiMessages(messages: readonly MidiMessage[]): Uint8Array {
  return concatBytes(messages.map(encodeMidiMessage));
}

/** Concatenates byte arrays (encoders build multi-message feedback from parts). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
