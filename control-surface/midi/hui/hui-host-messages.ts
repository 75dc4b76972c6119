import { concatBytes, encodeMidiMessage, type MidiMessage } from '../midi-message.ts';
import { decodeRingByte, encodeRingByte, type RingState } from '../mcu/mcu-vpot-ring.ts';
import { clampInt, isIndex, NO_BYTES } from '../wire-values.ts';
import { FADER_LSB_CC, FADER_MSB_CC, HUI_FADERS, HuiPairing } from './hui-pairing.ts';
import { encodeHuiFader, HUI_VPOTS, type HuiUnknownReason } from './hui-surface-messages.ts';
import { PORT_ON, PORT_TO_SURFACE, ZONE_SELECT_TO_SURFACE } from './hui-switch.ts';
import {
  displayCodes,
  HUI_DISPLAY,
  huiSysexData,
  MAIN_SLICE_WIDTH,
  MAIN_SLICES,
  parseHuiSysex,
  SMALL_DISPLAY_WIDTH,
  SMALL_DISPLAYS,
  TIME_DIGITS,
} from './hui-sysex.ts';

/** V-Pot rings: `B0 10+n vv`, the same ring byte as Mackie Control. */
export const HUI_RING_CC = 0x10;
/** Meters: poly pressure `A0 <strip> <side << 4 | level>`, level 0..12. */
export const HUI_METER_LEVEL_MAX = 0x0c;
export type MeterSide = 'left' | 'right';

/** What the host sends to a HUI surface. */
export type HuiHostMessage =
  /** `90 00 00` once a second; without it a HUI surface goes offline. */
  | { readonly type: 'ping' }
  | { readonly type: 'fader'; readonly strip: number; readonly value: number }
  | { readonly type: 'led'; readonly zone: number; readonly port: number; readonly on: boolean }
  | { readonly type: 'ring'; readonly vpot: number; readonly ring: RingState }
  | { readonly type: 'meter'; readonly strip: number; readonly side: MeterSide; readonly level: number }
  /** Display 0..7 = strip, 8 = Select-Assign; 4 characters. */
  | { readonly type: 'smallDisplay'; readonly display: number; readonly text: string }
  /** Slice 0..7 of the 40 x 2 display (0..3 top row), 10 characters. */
  | { readonly type: 'mainDisplay'; readonly slice: number; readonly text: string }
  /** Up to 8 codes, rightmost digit first (`timeDisplayDigits`). */
  | { readonly type: 'timeDisplay'; readonly digits: readonly number[] }
  | { readonly type: 'unknown'; readonly reason: HuiUnknownReason; readonly message: MidiMessage };

const cc = (controller: number, value: number): Uint8Array =>
  encodeMidiMessage({ type: 'controlChange', channel: 0, controller, value });
const sysex = (type: number, payload: readonly number[]): Uint8Array =>
  encodeMidiMessage({ type: 'sysex', data: huiSysexData(type, payload) });

/** Wire bytes of a host message. Values clamped, text padded or cut; bad addresses: no bytes. */
export function encodeHuiHostMessage(message: HuiHostMessage): Uint8Array {
  switch (message.type) {
    case 'ping':
      return encodeMidiMessage({ type: 'noteOn', channel: 0, note: 0, velocity: 0 });
    case 'fader':
      return encodeHuiFader(message.strip, message.value);
    case 'led':
      if (!isIndex(message.zone, 0x7f) || !isIndex(message.port, 0x0f)) return NO_BYTES;
      return concatBytes([
        cc(ZONE_SELECT_TO_SURFACE, message.zone),
        cc(PORT_TO_SURFACE, (message.on ? PORT_ON : 0) | message.port),
      ]);
    case 'ring':
      if (!isIndex(message.vpot, HUI_VPOTS - 1)) return NO_BYTES;
      return cc(HUI_RING_CC + message.vpot, encodeRingByte(message.ring));
    case 'meter':
      if (!isIndex(message.strip, HUI_FADERS - 1)) return NO_BYTES;
      return encodeMidiMessage({
        type: 'polyPressure',
        channel: 0,
        note: message.strip,
        pressure: (message.side === 'right' ? 0x10 : 0) | clampInt(message.level, 0, HUI_METER_LEVEL_MAX),
      });
    case 'smallDisplay':
      if (!isIndex(message.display, SMALL_DISPLAYS - 1)) return NO_BYTES;
      return sysex(HUI_DISPLAY.small, [message.display, ...displayCodes(message.text, SMALL_DISPLAY_WIDTH)]);
    case 'mainDisplay':
      if (!isIndex(message.slice, MAIN_SLICES - 1)) return NO_BYTES;
      return sysex(HUI_DISPLAY.main, [message.slice, ...displayCodes(message.text, MAIN_SLICE_WIDTH)]);
    case 'timeDisplay':
      if (message.digits.length === 0) return NO_BYTES;
      return sysex(
        HUI_DISPLAY.time,
        message.digits.slice(0, TIME_DIGITS).map((code) => clampInt(code, 0, 0x7f)),
      );
    case 'unknown':
      return encodeMidiMessage(message.message);
  }
}

const unknown = (reason: HuiUnknownReason, message: MidiMessage): HuiHostMessage => ({
  type: 'unknown',
  reason,
  message,
});

/**
 * Decodes what a host sends to a HUI surface (surface emulators). Stateful like
 * `HuiSurfaceDecoder`: null for the first half of a pair. Never throws. A multi-slice display
 * sysex (Logic sends them) is `unsupported`: this decoder reads what Lathe sends.
 */
export class HuiHostDecoder {
  private readonly pairing = new HuiPairing();

  decode(message: MidiMessage): HuiHostMessage | null {
    switch (message.type) {
      case 'noteOn':
      case 'noteOff':
        // Some MIDI stacks turn `90 00 00` into a note-off (MIDIKit accepts both).
        if (message.channel !== 0) return unknown('wrongChannel', message);
        return message.note === 0 && (message.type === 'noteOff' || message.velocity === 0)
          ? { type: 'ping' }
          : unknown('unsupported', message);
      case 'controlChange':
        return message.channel === 0 ? this.controlChange(message) : unknown('wrongChannel', message);
      case 'polyPressure':
        if (message.channel !== 0) return unknown('wrongChannel', message);
        if (
          message.note >= HUI_FADERS ||
          (message.pressure & 0x0f) > HUI_METER_LEVEL_MAX ||
          message.pressure > 0x1f
        )
          return unknown('unsupported', message);
        return {
          type: 'meter',
          strip: message.note,
          side: message.pressure >= 0x10 ? 'right' : 'left',
          level: message.pressure & 0x0f,
        };
      case 'sysex':
        return decodeSysex(message);
      case 'realtime':
        return unknown('realtime', message);
      default:
        return unknown('unsupported', message);
    }
  }

  reset(): void {
    this.pairing.reset();
  }

  private controlChange(message: Extract<MidiMessage, { type: 'controlChange' }>): HuiHostMessage | null {
    const { controller, value } = message;
    if (controller >= FADER_MSB_CC && controller < FADER_MSB_CC + HUI_FADERS) {
      this.pairing.faderMsb(controller - FADER_MSB_CC, value);
      return null;
    }
    if (controller >= FADER_LSB_CC && controller < FADER_LSB_CC + HUI_FADERS) {
      const strip = controller - FADER_LSB_CC;
      const paired = this.pairing.faderLsb(strip, value);
      return typeof paired === 'number' ? { type: 'fader', strip, value: paired } : unknown(paired, message);
    }
    if (controller === ZONE_SELECT_TO_SURFACE) {
      this.pairing.selectZone(value);
      return null;
    }
    if (controller === PORT_TO_SURFACE) {
      const paired = this.pairing.port(value);
      if (typeof paired === 'string') return unknown(paired, message);
      return { type: 'led', zone: paired.zone, port: paired.port, on: paired.on };
    }
    if (controller >= HUI_RING_CC && controller < HUI_RING_CC + HUI_VPOTS)
      return { type: 'ring', vpot: controller - HUI_RING_CC, ring: decodeRingByte(value) };
    return unknown('unsupported', message);
  }
}

function decodeSysex(message: Extract<MidiMessage, { type: 'sysex' }>): HuiHostMessage {
  const parsed = parseHuiSysex(message.data);
  if (!parsed) return unknown('unknownSysex', message);
  const { type, payload } = parsed;
  const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
  if (
    type === HUI_DISPLAY.small &&
    payload.length === SMALL_DISPLAY_WIDTH + 1 &&
    payload[0]! < SMALL_DISPLAYS
  )
    return { type: 'smallDisplay', display: payload[0]!, text: text(payload.subarray(1)) };
  if (type === HUI_DISPLAY.main && payload.length === MAIN_SLICE_WIDTH + 1 && payload[0]! < MAIN_SLICES)
    return { type: 'mainDisplay', slice: payload[0]!, text: text(payload.subarray(1)) };
  if (type === HUI_DISPLAY.time && payload.length >= 1 && payload.length <= TIME_DIGITS)
    return { type: 'timeDisplay', digits: Array.from(payload) };
  return unknown(
    type === HUI_DISPLAY.small || type === HUI_DISPLAY.main ? 'unsupported' : 'unknownSysex',
    message,
  );
}
