import { charCodes, displayChars } from '../display-text.ts';
import { encodeMidiMessage, type MidiMessage } from '../midi-message.ts';
import { identityRequestData, isIdentityRequest } from '../universal-identity.ts';
import { clampInt, data7, fixedLength, isIndex, NO_BYTES } from '../wire-values.ts';
import { LED_VELOCITY, ledStateFromVelocity, type LedState } from './mcu-buttons.ts';
import {
  COLOUR_STRIPS,
  XTOUCH_COLOUR,
  xtouchColourFromCode,
  type RgbColour,
  type XTouchColour,
} from './mcu-colour.ts';
import { FADER_VALUE_MAX, MASTER_FADER } from './mcu-fader.ts';
import { LCD_LENGTH } from './mcu-lcd.ts';
import {
  METER_LEVEL_MAX,
  METER_OVERLOAD_CLEAR,
  METER_OVERLOAD_SET,
  meterModeByte,
  meterModeFromByte,
  type MeterMode,
} from './mcu-meter.ts';
import { ASSIGNMENT_RIGHT_CC, TIMECODE_CC, TIMECODE_DIGITS } from './mcu-seven-segment.ts';
import {
  CHALLENGE_LENGTH,
  ICON_COLOUR_HEADER,
  MCU_SYSEX,
  mcuSysex,
  parseMcuSysex,
  SERIAL_LENGTH,
} from './mcu-sysex.ts';
import { decodeRingByte, encodeRingByte, RING_CC, type RingState } from './mcu-vpot-ring.ts';
import { VPOT_COUNT } from './mcu-vpot.ts';
import type { McuUnknownReason } from './mcu-surface-messages.ts';

/** Touch sensitivity range (sysex 0x0E); units default to 3. */
export const TOUCH_SENSITIVITY_MAX = 5;
/** The iCON/Qcon master meter: channel pressure on channel 2, side in the high nibble. */
export const ICON_MASTER_METER_CHANNEL = 1;

/**
 * What the host sends to a Mackie Control unit. Sysex messages carry the unit's model byte
 * (`MCU_MODEL`): an extender's LCD must go out as 0x15, the main unit's as 0x14.
 */
export type McuHostMessage =
  | { readonly type: 'fader'; readonly fader: number; readonly value: number }
  | { readonly type: 'led'; readonly note: number; readonly state: LedState }
  | { readonly type: 'ring'; readonly strip: number; readonly ring: RingState }
  /** Digit 0 = rightmost; code from `sevenSegmentCode`. */
  | { readonly type: 'timecodeDigit'; readonly digit: number; readonly code: number }
  /** Digit 0 = right (CC 0x4A), 1 = left (CC 0x4B). */
  | { readonly type: 'assignmentDigit'; readonly digit: number; readonly code: number }
  /** Level 0..13 (`meterLevel`). */
  | { readonly type: 'meter'; readonly strip: number; readonly level: number }
  | { readonly type: 'meterOverload'; readonly strip: number; readonly on: boolean }
  /** iCON/Qcon master meter, side 0 = left, 1 = right. */
  | { readonly type: 'iconMasterMeter'; readonly side: number; readonly level: number }
  | { readonly type: 'deviceQuery'; readonly model: number }
  | {
      readonly type: 'hostConnectionReply';
      readonly model: number;
      readonly serial: readonly number[];
      readonly response: readonly number[];
    }
  | { readonly type: 'versionRequest'; readonly model: number }
  /** Universal device inquiry, to every device on the port. */
  | { readonly type: 'identityRequest' }
  | { readonly type: 'reset'; readonly model: number }
  | { readonly type: 'transportClick'; readonly model: number; readonly on: boolean }
  /** LCD backlight saver after this many minutes; 0 = never. */
  | { readonly type: 'backlightSaver'; readonly model: number; readonly minutes: number }
  /** Faders report moves even when untouched. */
  | { readonly type: 'touchlessFaders'; readonly model: number; readonly enabled: boolean }
  | {
      readonly type: 'touchSensitivity';
      readonly model: number;
      readonly fader: number;
      readonly sensitivity: number;
    }
  /** Characters from `offset` (0..111), wrapping from the top row into the bottom one. */
  | { readonly type: 'lcd'; readonly model: number; readonly offset: number; readonly text: string }
  | { readonly type: 'meterMode'; readonly model: number; readonly strip: number; readonly mode: MeterMode }
  | { readonly type: 'globalLcdMeterMode'; readonly model: number; readonly vertical: boolean }
  | { readonly type: 'allFadersToMinimum'; readonly model: number }
  | { readonly type: 'allLedsOff'; readonly model: number }
  /** Eight strips; missing ones are sent white (black switches a strip's display off). */
  | { readonly type: 'xtouchColours'; readonly model: number; readonly colours: readonly XTouchColour[] }
  /** Eight strips, 7-bit RGB; missing ones are sent white. */
  | { readonly type: 'iconColours'; readonly colours: readonly RgbColour[] }
  | { readonly type: 'unknown'; readonly reason: McuUnknownReason; readonly message: MidiMessage };

export type McuHostMessageType = McuHostMessage['type'];

const WHITE: RgbColour = { r: 0x7f, g: 0x7f, b: 0x7f };
const cc = (controller: number, value: number): Uint8Array =>
  encodeMidiMessage({ type: 'controlChange', channel: 0, controller, value });
const pressure = (channel: number, value: number): Uint8Array =>
  encodeMidiMessage({ type: 'channelPressure', channel, pressure: value });

/**
 * Wire bytes of a host message. Values are clamped (fader 0..16383, ring 0..11, meter 0..13,
 * sensitivity 0..5, LCD text cut at the end of the display); an address outside the unit
 * (fader 9, strip 8, LCD offset 112) encodes to no bytes.
 */
export function encodeMcuHostMessage(message: McuHostMessage): Uint8Array {
  switch (message.type) {
    case 'fader':
      if (!isIndex(message.fader, MASTER_FADER)) return NO_BYTES;
      return encodeMidiMessage({
        type: 'pitchBend',
        channel: message.fader,
        value: clampInt(message.value, 0, FADER_VALUE_MAX),
      });
    case 'led':
      return encodeMidiMessage({
        type: 'noteOn',
        channel: 0,
        note: data7(message.note),
        velocity: LED_VELOCITY[message.state],
      });
    case 'ring':
      if (!isIndex(message.strip, VPOT_COUNT - 1)) return NO_BYTES;
      return cc(RING_CC + message.strip, encodeRingByte(message.ring));
    case 'timecodeDigit':
      if (!isIndex(message.digit, TIMECODE_DIGITS - 1)) return NO_BYTES;
      return cc(TIMECODE_CC + message.digit, data7(message.code));
    case 'assignmentDigit':
      if (!isIndex(message.digit, 1)) return NO_BYTES;
      return cc(ASSIGNMENT_RIGHT_CC + message.digit, data7(message.code));
    case 'meter':
      if (!isIndex(message.strip, 7)) return NO_BYTES;
      return pressure(0, (message.strip << 4) | clampInt(message.level, 0, METER_LEVEL_MAX));
    case 'meterOverload':
      if (!isIndex(message.strip, 7)) return NO_BYTES;
      return pressure(0, (message.strip << 4) | (message.on ? METER_OVERLOAD_SET : METER_OVERLOAD_CLEAR));
    case 'iconMasterMeter':
      if (!isIndex(message.side, 1)) return NO_BYTES;
      return pressure(
        ICON_MASTER_METER_CHANNEL,
        (message.side << 4) | clampInt(message.level, 0, METER_LEVEL_MAX),
      );
    case 'deviceQuery':
      return mcuSysex(message.model, MCU_SYSEX.deviceQuery);
    case 'hostConnectionReply':
      return mcuSysex(message.model, MCU_SYSEX.hostConnectionReply, [
        ...fixedLength(message.serial, SERIAL_LENGTH),
        ...fixedLength(message.response, CHALLENGE_LENGTH),
      ]);
    case 'versionRequest':
      return mcuSysex(message.model, MCU_SYSEX.versionRequest, [0]);
    case 'identityRequest':
      return encodeMidiMessage({ type: 'sysex', data: identityRequestData() });
    case 'reset':
      return mcuSysex(message.model, MCU_SYSEX.reset, [0]);
    case 'transportClick':
      return mcuSysex(message.model, MCU_SYSEX.transportClick, [message.on ? 1 : 0]);
    case 'backlightSaver':
      return mcuSysex(message.model, MCU_SYSEX.backlightSaver, [data7(message.minutes)]);
    case 'touchlessFaders':
      return mcuSysex(message.model, MCU_SYSEX.touchlessFaders, [message.enabled ? 1 : 0]);
    case 'touchSensitivity':
      if (!isIndex(message.fader, MASTER_FADER)) return NO_BYTES;
      return mcuSysex(message.model, MCU_SYSEX.touchSensitivity, [
        message.fader,
        clampInt(message.sensitivity, 0, TOUCH_SENSITIVITY_MAX),
      ]);
    case 'lcd': {
      if (!isIndex(message.offset, LCD_LENGTH - 1)) return NO_BYTES;
      const text = displayChars(message.text).slice(0, LCD_LENGTH - message.offset);
      return mcuSysex(message.model, MCU_SYSEX.lcd, [message.offset, ...charCodes(text)]);
    }
    case 'meterMode':
      if (!isIndex(message.strip, 7)) return NO_BYTES;
      return mcuSysex(message.model, MCU_SYSEX.meterMode, [message.strip, meterModeByte(message.mode)]);
    case 'globalLcdMeterMode':
      return mcuSysex(message.model, MCU_SYSEX.globalLcdMeterMode, [message.vertical ? 1 : 0]);
    case 'allFadersToMinimum':
      return mcuSysex(message.model, MCU_SYSEX.allFadersToMinimum);
    case 'allLedsOff':
      return mcuSysex(message.model, MCU_SYSEX.allLedsOff);
    case 'xtouchColours': {
      const codes: number[] = [];
      for (let i = 0; i < COLOUR_STRIPS; i++) codes.push(XTOUCH_COLOUR[message.colours[i] ?? 'white']);
      return mcuSysex(message.model, MCU_SYSEX.xtouchColours, codes);
    }
    case 'iconColours': {
      const data: number[] = [...ICON_COLOUR_HEADER];
      for (let i = 0; i < COLOUR_STRIPS; i++) {
        const colour = message.colours[i] ?? WHITE;
        data.push(data7(colour.r), data7(colour.g), data7(colour.b));
      }
      return encodeMidiMessage({ type: 'sysex', data: Uint8Array.from(data) });
    }
    case 'unknown':
      return encodeMidiMessage(message.message);
  }
}

const unknown = (reason: McuUnknownReason, message: MidiMessage): McuHostMessage => ({
  type: 'unknown',
  reason,
  message,
});

/**
 * Decodes one MIDI message from the host (what a surface emulator does). Never throws; anything
 * undefined is `unknown`. Seven-segment CCs are accepted on channel 16 too (some hosts use it).
 */
export function decodeMcuHostMessage(message: MidiMessage): McuHostMessage {
  switch (message.type) {
    case 'pitchBend':
      return message.channel <= MASTER_FADER
        ? { type: 'fader', fader: message.channel, value: message.value }
        : unknown('wrongChannel', message);
    case 'noteOn':
    case 'noteOff':
      if (message.channel !== 0) return unknown('wrongChannel', message);
      return {
        type: 'led',
        note: message.note,
        state: message.type === 'noteOff' ? 'off' : ledStateFromVelocity(message.velocity),
      };
    case 'controlChange':
      return decodeControlChange(message);
    case 'channelPressure': {
      const high = message.pressure >> 4;
      const low = message.pressure & 0x0f;
      if (message.channel === ICON_MASTER_METER_CHANNEL) {
        return high <= 1 && low <= METER_LEVEL_MAX
          ? { type: 'iconMasterMeter', side: high, level: low }
          : unknown('unsupported', message);
      }
      if (message.channel !== 0) return unknown('wrongChannel', message);
      if (low === METER_OVERLOAD_SET || low === METER_OVERLOAD_CLEAR)
        return { type: 'meterOverload', strip: high, on: low === METER_OVERLOAD_SET };
      return { type: 'meter', strip: high, level: low };
    }
    case 'sysex':
      return decodeHostSysex(message);
    case 'realtime':
      return unknown('realtime', message);
    default:
      return unknown('unsupported', message);
  }
}

function decodeControlChange(message: Extract<MidiMessage, { type: 'controlChange' }>): McuHostMessage {
  const { controller, value, channel } = message;
  const sevenSegment = controller >= TIMECODE_CC && controller <= ASSIGNMENT_RIGHT_CC + 1;
  if (channel !== 0 && !(channel === 15 && sevenSegment)) return unknown('wrongChannel', message);
  if (controller >= RING_CC && controller < RING_CC + VPOT_COUNT)
    return { type: 'ring', strip: controller - RING_CC, ring: decodeRingByte(value) };
  if (controller >= TIMECODE_CC && controller < TIMECODE_CC + TIMECODE_DIGITS)
    return { type: 'timecodeDigit', digit: controller - TIMECODE_CC, code: value };
  if (sevenSegment) return { type: 'assignmentDigit', digit: controller - ASSIGNMENT_RIGHT_CC, code: value };
  return unknown('unsupported', message);
}

function isIconColours(data: Uint8Array): boolean {
  return ICON_COLOUR_HEADER.every((byte, i) => data[i] === byte);
}

function decodeHostSysex(message: Extract<MidiMessage, { type: 'sysex' }>): McuHostMessage {
  const { data } = message;
  if (isIdentityRequest(data)) return { type: 'identityRequest' };
  if (isIconColours(data)) {
    if (data.length !== ICON_COLOUR_HEADER.length + COLOUR_STRIPS * 3)
      return unknown('malformedSysex', message);
    const colours: RgbColour[] = [];
    for (let at = ICON_COLOUR_HEADER.length; at < data.length; at += 3)
      colours.push({ r: data[at]!, g: data[at + 1]!, b: data[at + 2]! });
    return { type: 'iconColours', colours };
  }
  const parts = parseMcuSysex(data);
  if (!parts) return unknown('unknownSysex', message);
  const { model, command, payload } = parts;
  const length = (expected: number, decoded: () => McuHostMessage): McuHostMessage =>
    payload.length === expected ? decoded() : unknown('malformedSysex', message);
  switch (command) {
    case MCU_SYSEX.deviceQuery:
      return length(0, () => ({ type: 'deviceQuery', model }));
    case MCU_SYSEX.hostConnectionReply:
      return length(SERIAL_LENGTH + CHALLENGE_LENGTH, () => ({
        type: 'hostConnectionReply',
        model,
        serial: Array.from(payload.subarray(0, SERIAL_LENGTH)),
        response: Array.from(payload.subarray(SERIAL_LENGTH)),
      }));
    case MCU_SYSEX.versionRequest:
      return length(1, () => ({ type: 'versionRequest', model }));
    case MCU_SYSEX.reset:
      return length(1, () => ({ type: 'reset', model }));
    case MCU_SYSEX.transportClick:
      return length(1, () => ({ type: 'transportClick', model, on: payload[0] !== 0 }));
    case MCU_SYSEX.backlightSaver:
      return length(1, () => ({ type: 'backlightSaver', model, minutes: payload[0]! }));
    case MCU_SYSEX.touchlessFaders:
      return length(1, () => ({ type: 'touchlessFaders', model, enabled: payload[0] !== 0 }));
    case MCU_SYSEX.touchSensitivity:
      return length(2, () => ({
        type: 'touchSensitivity',
        model,
        fader: payload[0]!,
        sensitivity: payload[1]!,
      }));
    case MCU_SYSEX.lcd: {
      const offset = payload[0] ?? LCD_LENGTH;
      if (offset >= LCD_LENGTH || payload.length - 1 > LCD_LENGTH - offset)
        return unknown('malformedSysex', message);
      return { type: 'lcd', model, offset, text: String.fromCharCode(...payload.subarray(1)) };
    }
    case MCU_SYSEX.meterMode:
      return length(2, () => ({
        type: 'meterMode',
        model,
        strip: payload[0]!,
        mode: meterModeFromByte(payload[1]!),
      }));
    case MCU_SYSEX.globalLcdMeterMode:
      return length(1, () => ({ type: 'globalLcdMeterMode', model, vertical: payload[0] !== 0 }));
    case MCU_SYSEX.allFadersToMinimum:
      return length(0, () => ({ type: 'allFadersToMinimum', model }));
    case MCU_SYSEX.allLedsOff:
      return length(0, () => ({ type: 'allLedsOff', model }));
    case MCU_SYSEX.xtouchColours:
      return length(COLOUR_STRIPS, () => ({
        type: 'xtouchColours',
        model,
        colours: Array.from(payload, xtouchColourFromCode),
      }));
    default:
      return unknown('unknownSysex', message);
  }
}
