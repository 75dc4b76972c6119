import { PORT_ON } from './hui-switch.ts';

/** HUI faders: MSB `B0 0s MM` then LSB `B0 2s LL`, s = strip 0..7; value `(MM << 7) | LL`. */
export const FADER_MSB_CC = 0x00;
export const FADER_LSB_CC = 0x20;
export const HUI_FADERS = 8;

export interface HuiSwitchEvent {
  readonly zone: number;
  readonly port: number;
  readonly on: boolean;
}

/** Why the second half of a pair was dropped. */
export type HuiPairError = 'portWithoutZone' | 'badPortState' | 'lsbWithoutMsb';

/**
 * The two-message state of HUI: a zone select waiting for its port message, and a fader MSB
 * waiting for its LSB. Both halves must arrive in order: a port without a zone, or an LSB without
 * a fresh MSB for that strip, is dropped rather than guessed (applying a stale MSB could jump the
 * fader by 128 steps; Reaper and MIDIKit reuse it). A zone select is used once (MIDIKit), so a
 * stray port message cannot act on an old zone. Pure state, no I/O.
 */
export class HuiPairing {
  private zone = -1;
  private readonly msb = new Int16Array(HUI_FADERS).fill(-1);

  selectZone(zone: number): void {
    this.zone = zone;
  }

  /** The switch completed by a port byte, or why it was dropped. */
  port(byte: number): HuiSwitchEvent | HuiPairError {
    const zone = this.zone;
    this.zone = -1;
    if (zone < 0) return 'portWithoutZone';
    const state = byte & 0xf0;
    if (state !== PORT_ON && state !== 0) return 'badPortState';
    return { zone, port: byte & 0x0f, on: state === PORT_ON };
  }

  faderMsb(strip: number, value: number): void {
    this.msb[strip] = value;
  }

  /** The 14-bit value completed by an LSB, or why it was dropped. */
  faderLsb(strip: number, value: number): number | HuiPairError {
    const msb = this.msb[strip]!;
    if (msb < 0) return 'lsbWithoutMsb';
    this.msb[strip] = -1;
    return (msb << 7) | value;
  }

  /** Forget half-received pairs (port reopened). */
  reset(): void {
    this.zone = -1;
    this.msb.fill(-1);
  }
}
