import { createHash } from 'node:crypto';
import { PROTOCOL_MAJOR, PROTOCOL_MINOR, type MessageOf } from '../../firmware-protocol/index.ts';

/** Everything HELLO_ACK says about the board except the nonce it echoes. */
export type BoardCapabilities = Omit<MessageOf<'helloAck'>, 'type' | 'hostNonce'>;

export const MIN_FADERS = 1;
export const MAX_FADERS = 48;
export const DEFAULT_FADERS = 8;
/** A 12-bit ADC, as on the common motor-fader boards: positions go out as adc << 4 (§3.3). */
export const FADER_BITS = 12;
export const MAX_RATE_HZ = 200;
/** Raw positions at the stops: a little inside 0..65535, as a real pot's end resistance gives. */
export const FACTORY_CALIBRATION = { min: 0x0010, max: 0xffe0 } as const;
export const SIMULATOR_FIRMWARE = { major: 0, minor: 1, patch: 0 } as const;

/**
 * The strip layout: per fader one touch sensor, one motor, two buttons (mute, select), one
 * encoder, two LEDs, seven characters of the one display and one meter.
 */
export function boardCapabilities(
  faders: number,
  uid: string,
  calibration: readonly { readonly min: number; readonly max: number }[] = [],
): BoardCapabilities {
  if (!Number.isInteger(faders) || faders < MIN_FADERS || faders > MAX_FADERS)
    throw new RangeError(`faders must be an integer ${MIN_FADERS}..${MAX_FADERS}, got ${faders}`);
  if (!/^[0-9a-f]{16}$/.test(uid)) throw new RangeError(`uid must be 16 lowercase hex digits, got "${uid}"`);
  return {
    protocolMajor: PROTOCOL_MAJOR,
    protocolMinor: PROTOCOL_MINOR,
    firmware: SIMULATOR_FIRMWARE,
    uid,
    faders,
    faderBits: FADER_BITS,
    touchSensors: faders,
    motors: faders,
    buttons: 2 * faders,
    encoders: faders,
    leds: 2 * faders,
    displays: 1,
    displayChars: 7 * faders,
    meters: faders,
    maxRateHz: MAX_RATE_HZ,
    calibration: Array.from({ length: faders }, (_, i) => calibration[i] ?? FACTORY_CALIBRATION),
  };
}

/**
 * A uid that is stable for one serial path, so a host that keys remembered state by uid sees
 * "the same board" across simulator restarts on the same port.
 */
export function uidFromPath(path: string): string {
  return createHash('sha256').update(`lathe-surface-sim:${path}`).digest('hex').slice(0, 16);
}
