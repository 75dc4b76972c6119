import { encodeMidiMessage, type MidiMessage } from '../midi-message.ts';
import { identityReplyData, parseIdentityReply, type DeviceIdentity } from '../universal-identity.ts';
import { clampInt, data7, fixedLength, isIndex, NO_BYTES } from '../wire-values.ts';
import { isPressVelocity } from './mcu-buttons.ts';
import { FADER_TOUCH_NOTE, FADER_VALUE_MAX, isFaderTouchNote, MASTER_FADER } from './mcu-fader.ts';
import { CHALLENGE_LENGTH, MCU_SYSEX, mcuSysex, parseMcuSysex, SERIAL_LENGTH } from './mcu-sysex.ts';
import {
  decodeRelativeTicks,
  encodeRelativeTicks,
  EXTERNAL_CONTROLLER_CC,
  JOG_CC,
  VPOT_CC,
  VPOT_COUNT,
} from './mcu-vpot.ts';

/** Why a message from a unit was not understood (counted by the input decoder). */
export type McuUnknownReason =
  /** Realtime bytes (clock, active sensing): harmless, ignored. */
  | 'realtime'
  /** A channel message on a channel Mackie Control does not use for it. */
  | 'wrongChannel'
  /** A message kind or controller number the protocol does not define. */
  | 'unsupported'
  /** Sysex without the Mackie header or with an unknown command. */
  | 'unknownSysex'
  /** Mackie sysex with a known command but the wrong length. */
  | 'malformedSysex';

/** What a Mackie Control unit sends to the host. */
export type McuSurfaceMessage =
  /** Fader 0..7 (strips) or 8 (master); raw 14-bit value, see `faderPositionFromValue`. */
  | { readonly type: 'fader'; readonly fader: number; readonly value: number }
  | { readonly type: 'faderTouch'; readonly fader: number; readonly touched: boolean }
  /** Any other note: see `stripButtonOfNote` and `buttonNameOfNote`. */
  | { readonly type: 'button'; readonly note: number; readonly pressed: boolean }
  /** Signed ticks, ±1..63. */
  | { readonly type: 'vpot'; readonly strip: number; readonly delta: number }
  | { readonly type: 'jog'; readonly delta: number }
  | { readonly type: 'externalController'; readonly value: number }
  | {
      readonly type: 'hostConnectionQuery';
      readonly model: number;
      readonly serial: readonly number[];
      readonly challenge: readonly number[];
    }
  | { readonly type: 'connectionConfirmation'; readonly model: number; readonly serial: readonly number[] }
  | { readonly type: 'connectionError'; readonly model: number; readonly serial: readonly number[] }
  | { readonly type: 'deviceReady'; readonly model: number }
  | { readonly type: 'versionReply'; readonly model: number; readonly version: string }
  | { readonly type: 'identityReply'; readonly identity: DeviceIdentity }
  | { readonly type: 'unknown'; readonly reason: McuUnknownReason; readonly message: MidiMessage };

export type McuSurfaceMessageType = McuSurfaceMessage['type'];

const unknown = (reason: McuUnknownReason, message: MidiMessage): McuSurfaceMessage => ({
  type: 'unknown',
  reason,
  message,
});

/**
 * Decodes one MIDI message from a unit. Never throws; anything the protocol does not define is
 * `unknown` with a reason, so a caller can count it and must not act on it. Note-off and note-on
 * with velocity <= 64 both release (buttons and touch).
 */
export function decodeMcuSurfaceMessage(message: MidiMessage): McuSurfaceMessage {
  switch (message.type) {
    case 'pitchBend':
      return message.channel <= MASTER_FADER
        ? { type: 'fader', fader: message.channel, value: message.value }
        : unknown('wrongChannel', message);
    case 'noteOn':
    case 'noteOff': {
      if (message.channel !== 0) return unknown('wrongChannel', message);
      const down = message.type === 'noteOn' && isPressVelocity(message.velocity);
      return isFaderTouchNote(message.note)
        ? { type: 'faderTouch', fader: message.note - FADER_TOUCH_NOTE, touched: down }
        : { type: 'button', note: message.note, pressed: down };
    }
    case 'controlChange': {
      if (message.channel !== 0) return unknown('wrongChannel', message);
      const { controller, value } = message;
      if (controller >= VPOT_CC && controller < VPOT_CC + VPOT_COUNT)
        return { type: 'vpot', strip: controller - VPOT_CC, delta: decodeRelativeTicks(value) };
      if (controller === JOG_CC) return { type: 'jog', delta: decodeRelativeTicks(value) };
      if (controller === EXTERNAL_CONTROLLER_CC) return { type: 'externalController', value };
      return unknown('unsupported', message);
    }
    case 'sysex':
      return decodeSysex(message);
    case 'realtime':
      return unknown('realtime', message);
    default:
      return unknown('unsupported', message);
  }
}

function decodeSysex(message: Extract<MidiMessage, { type: 'sysex' }>): McuSurfaceMessage {
  const identity = parseIdentityReply(message.data);
  if (identity) return { type: 'identityReply', identity };
  const parts = parseMcuSysex(message.data);
  if (!parts) return unknown('unknownSysex', message);
  const { model, command, payload } = parts;
  switch (command) {
    case MCU_SYSEX.hostConnectionQuery:
      // Exactly 18 bytes on the wire, as Ardour insists (surface.cc L998).
      if (payload.length !== SERIAL_LENGTH + CHALLENGE_LENGTH) return unknown('malformedSysex', message);
      return {
        type: 'hostConnectionQuery',
        model,
        serial: Array.from(payload.subarray(0, SERIAL_LENGTH)),
        challenge: Array.from(payload.subarray(SERIAL_LENGTH)),
      };
    case MCU_SYSEX.connectionConfirmation:
    case MCU_SYSEX.connectionError:
      if (payload.length !== SERIAL_LENGTH) return unknown('malformedSysex', message);
      return {
        type: command === MCU_SYSEX.connectionConfirmation ? 'connectionConfirmation' : 'connectionError',
        model,
        serial: Array.from(payload),
      };
    case MCU_SYSEX.deviceReady:
      return { type: 'deviceReady', model };
    case MCU_SYSEX.versionReply:
      return { type: 'versionReply', model, version: String.fromCharCode(...payload) };
    default:
      return unknown('unknownSysex', message);
  }
}

/**
 * Wire bytes of a unit's message (for surface emulators and tests). Values are clamped; an
 * address outside the unit (fader 9, V-Pot 8) encodes to no bytes; `unknown` re-encodes the
 * MIDI message it carries.
 */
export function encodeMcuSurfaceMessage(message: McuSurfaceMessage): Uint8Array {
  switch (message.type) {
    case 'fader':
      if (!isIndex(message.fader, MASTER_FADER)) return NO_BYTES;
      return encodeMidiMessage({
        type: 'pitchBend',
        channel: message.fader,
        value: clampInt(message.value, 0, FADER_VALUE_MAX),
      });
    case 'faderTouch':
      if (!isIndex(message.fader, MASTER_FADER)) return NO_BYTES;
      return encodeMidiMessage({
        type: 'noteOn',
        channel: 0,
        note: FADER_TOUCH_NOTE + message.fader,
        velocity: message.touched ? 0x7f : 0,
      });
    case 'button':
      return encodeMidiMessage({
        type: 'noteOn',
        channel: 0,
        note: data7(message.note),
        velocity: message.pressed ? 0x7f : 0,
      });
    case 'vpot':
      if (!isIndex(message.strip, VPOT_COUNT - 1)) return NO_BYTES;
      return encodeMidiMessage({
        type: 'controlChange',
        channel: 0,
        controller: VPOT_CC + message.strip,
        value: encodeRelativeTicks(message.delta),
      });
    case 'jog':
      return encodeMidiMessage({
        type: 'controlChange',
        channel: 0,
        controller: JOG_CC,
        value: encodeRelativeTicks(message.delta),
      });
    case 'externalController':
      return encodeMidiMessage({
        type: 'controlChange',
        channel: 0,
        controller: EXTERNAL_CONTROLLER_CC,
        value: data7(message.value),
      });
    case 'hostConnectionQuery':
      return mcuSysex(message.model, MCU_SYSEX.hostConnectionQuery, [
        ...fixedLength(message.serial, SERIAL_LENGTH),
        ...fixedLength(message.challenge, CHALLENGE_LENGTH),
      ]);
    case 'connectionConfirmation':
      return mcuSysex(
        message.model,
        MCU_SYSEX.connectionConfirmation,
        fixedLength(message.serial, SERIAL_LENGTH),
      );
    case 'connectionError':
      return mcuSysex(message.model, MCU_SYSEX.connectionError, fixedLength(message.serial, SERIAL_LENGTH));
    case 'deviceReady':
      return mcuSysex(message.model, MCU_SYSEX.deviceReady);
    case 'versionReply':
      return mcuSysex(
        message.model,
        MCU_SYSEX.versionReply,
        Array.from(message.version, (char) => char.charCodeAt(0)),
      );
    case 'identityReply':
      return encodeMidiMessage({ type: 'sysex', data: identityReplyData(message.identity) });
    case 'unknown':
      return encodeMidiMessage(message.message);
  }
}
