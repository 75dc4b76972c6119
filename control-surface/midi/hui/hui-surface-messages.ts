import { concatBytes, encodeMidiMessage, type MidiMessage } from '../midi-message.ts';
import { clampInt, isIndex, NO_BYTES } from '../wire-values.ts';
import { FADER_LSB_CC, FADER_MSB_CC, HUI_FADERS, HuiPairing, type HuiPairError } from './hui-pairing.ts';
import {
  PORT_FROM_SURFACE,
  PORT_ON,
  STRIP_PORT,
  STRIP_ZONES,
  ZONE_SELECT_FROM_SURFACE,
} from './hui-switch.ts';

/** V-Pots (8 strips, then the parameter-edit pots): deltas at CC 0x40 + n, rings at CC 0x10 + n. */
export const HUI_VPOTS = 13;
export const HUI_VPOT_DELTA_CC = 0x40;
export const HUI_JOG_CC = 0x0d;
export const HUI_FADER_MAX = 0x3fff;

/** Why a message from a HUI surface was not understood (counted by the input decoder). */
export type HuiUnknownReason =
  | 'realtime'
  | 'wrongChannel'
  | 'unsupported'
  | 'unknownSysex'
  /** A relative move of zero ticks: no meaning, never acted on. */
  | 'zeroDelta'
  | HuiPairError;

/** What a HUI surface sends to the host. */
export type HuiSurfaceMessage =
  /** The answer `90 00 7F` to the host's once-a-second ping. */
  | { readonly type: 'pingReply' }
  | { readonly type: 'fader'; readonly strip: number; readonly value: number }
  | { readonly type: 'faderTouch'; readonly strip: number; readonly touched: boolean }
  /** Every other switch; `stripPortName(zone, port)` names the strip ones. */
  | { readonly type: 'switch'; readonly zone: number; readonly port: number; readonly pressed: boolean }
  /** Signed ticks, ±1..63. */
  | { readonly type: 'vpot'; readonly vpot: number; readonly delta: number }
  | { readonly type: 'jog'; readonly delta: number }
  | { readonly type: 'unknown'; readonly reason: HuiUnknownReason; readonly message: MidiMessage };

/**
 * HUI relative byte: bit 6 set = clockwise (+), bits 0..5 ticks. The opposite sign convention to
 * Mackie Control (Reaper babyhui, MIDIKit decodeHUIDelta). Zero ticks: null.
 */
export function decodeHuiDelta(byte: number): number | null {
  const ticks = byte & 0x3f;
  if (ticks === 0) return null;
  return (byte & 0x40) !== 0 ? ticks : -ticks;
}

export function encodeHuiDelta(delta: number): number {
  const ticks = clampInt(Math.abs(delta), 1, 0x3f);
  return delta < 0 ? ticks : 0x40 | ticks;
}

const cc = (controller: number, value: number): Uint8Array =>
  encodeMidiMessage({ type: 'controlChange', channel: 0, controller, value });

/** A 14-bit value as its MSB then LSB control changes (`B0 0s MM B0 2s LL`). */
export function encodeHuiFader(strip: number, value: number): Uint8Array {
  if (!isIndex(strip, HUI_FADERS - 1)) return NO_BYTES;
  const v = clampInt(value, 0, HUI_FADER_MAX);
  return concatBytes([cc(FADER_MSB_CC + strip, v >> 7), cc(FADER_LSB_CC + strip, v & 0x7f)]);
}

/** Wire bytes of a surface's message (surface emulators, tests). Out-of-range addresses: none. */
export function encodeHuiSurfaceMessage(message: HuiSurfaceMessage): Uint8Array {
  switch (message.type) {
    case 'pingReply':
      return encodeMidiMessage({ type: 'noteOn', channel: 0, note: 0, velocity: 0x7f });
    case 'fader':
      return encodeHuiFader(message.strip, message.value);
    case 'faderTouch':
      if (!isIndex(message.strip, STRIP_ZONES - 1)) return NO_BYTES;
      return concatBytes([
        cc(ZONE_SELECT_FROM_SURFACE, message.strip),
        cc(PORT_FROM_SURFACE, (message.touched ? PORT_ON : 0) | STRIP_PORT.faderTouch),
      ]);
    case 'switch':
      if (!isIndex(message.zone, 0x7f) || !isIndex(message.port, 0x0f)) return NO_BYTES;
      return concatBytes([
        cc(ZONE_SELECT_FROM_SURFACE, message.zone),
        cc(PORT_FROM_SURFACE, (message.pressed ? PORT_ON : 0) | message.port),
      ]);
    case 'vpot':
      if (!isIndex(message.vpot, HUI_VPOTS - 1)) return NO_BYTES;
      return cc(HUI_VPOT_DELTA_CC + message.vpot, encodeHuiDelta(message.delta));
    case 'jog':
      return cc(HUI_JOG_CC, encodeHuiDelta(message.delta));
    case 'unknown':
      return encodeMidiMessage(message.message);
  }
}

const unknown = (reason: HuiUnknownReason, message: MidiMessage): HuiSurfaceMessage => ({
  type: 'unknown',
  reason,
  message,
});

/**
 * Decodes what a HUI surface sends, one MIDI message at a time. Stateful (zone/port and
 * MSB/LSB pairs, see `HuiPairing`): `decode` returns null when a message is the first half of a
 * pair. Only channel 1 is HUI (one port per unit, as Pro Tools addresses them). Never throws.
 */
export class HuiSurfaceDecoder {
  private readonly pairing = new HuiPairing();

  decode(message: MidiMessage): HuiSurfaceMessage | null {
    switch (message.type) {
      case 'noteOn':
        if (message.channel !== 0) return unknown('wrongChannel', message);
        return message.note === 0 && message.velocity === 0x7f
          ? { type: 'pingReply' }
          : unknown('unsupported', message);
      case 'controlChange':
        return message.channel === 0 ? this.controlChange(message) : unknown('wrongChannel', message);
      case 'realtime':
        return unknown('realtime', message);
      case 'sysex':
        return unknown('unknownSysex', message);
      default:
        return unknown('unsupported', message);
    }
  }

  reset(): void {
    this.pairing.reset();
  }

  private controlChange(message: Extract<MidiMessage, { type: 'controlChange' }>): HuiSurfaceMessage | null {
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
    if (controller === ZONE_SELECT_FROM_SURFACE) {
      this.pairing.selectZone(value);
      return null;
    }
    if (controller === PORT_FROM_SURFACE) {
      const paired = this.pairing.port(value);
      if (typeof paired === 'string') return unknown(paired, message);
      if (paired.zone < STRIP_ZONES && paired.port === STRIP_PORT.faderTouch)
        return { type: 'faderTouch', strip: paired.zone, touched: paired.on };
      return { type: 'switch', zone: paired.zone, port: paired.port, pressed: paired.on };
    }
    if (controller >= HUI_VPOT_DELTA_CC && controller < HUI_VPOT_DELTA_CC + HUI_VPOTS) {
      const delta = decodeHuiDelta(value);
      return delta === null
        ? unknown('zeroDelta', message)
        : { type: 'vpot', vpot: controller - HUI_VPOT_DELTA_CC, delta };
    }
    if (controller === HUI_JOG_CC) {
      const delta = decodeHuiDelta(value);
      return delta === null ? unknown('zeroDelta', message) : { type: 'jog', delta };
    }
    return unknown('unsupported', message);
  }
}
