/**
 * Mackie Control faders: pitch bend on the strip's own channel (0..7 strips, 8 master), value
 * `(MSB << 7) | LSB` in both directions, and touch as notes 0x68..0x70. Pure.
 *
 * Range: the host always sends the full 0..16383; what a unit sends back tops out lower on some
 * hardware (X-Touch ~15999 = `7C 7F`, MCU ~16240 = 0x3F70), so the input maximum is a per-device
 * parameter and anything at or above it reads as the top (reference rule 6).
 */
export const FADER_VALUE_MAX = 0x3fff;
export const MASTER_FADER = 8;
export const FADER_COUNT = 9;
/** Touch notes: 0x68 + strip, master 0x70. */
export const FADER_TOUCH_NOTE = 0x68;

export function isFaderTouchNote(note: number): boolean {
  return note >= FADER_TOUCH_NOTE && note <= FADER_TOUCH_NOTE + MASTER_FADER;
}

/**
 * Normalized position 0..1 from what a unit reports, scaled by its input maximum
 * (default 16383). Non-finite or non-positive maxima fall back to 16383.
 */
export function faderPositionFromValue(value: number, inputMaximum: number = FADER_VALUE_MAX): number {
  const maximum = Number.isFinite(inputMaximum) && inputMaximum > 0 ? inputMaximum : FADER_VALUE_MAX;
  if (!(value > 0)) return 0;
  return value >= maximum ? 1 : value / maximum;
}

/** 14-bit value to send for a normalized position: full range, rounded, clamped. */
export function faderValueFromPosition(position: number): number {
  if (!(position > 0)) return 0;
  if (position >= 1) return FADER_VALUE_MAX;
  return Math.round(position * FADER_VALUE_MAX);
}
