/**
 * Mackie Control relative controls: V-Pots (`B0 10+n vv`), jog wheel (`B0 3C vv`).
 * Sign-magnitude, not two's complement: bit 6 set = counter-clockwise, bits 0..5 = ticks.
 * CW 1 = `01`, CCW 1 = `41`. Pure.
 */
export const VPOT_CC = 0x10;
export const VPOT_COUNT = 8;
export const JOG_CC = 0x3c;
/** External controller / foot pedal input (absolute, 0..127). */
export const EXTERNAL_CONTROLLER_CC = 0x2e;
/** Push on a V-Pot is the V-Select button, note 0x20 + n. */
export const VSELECT_NOTE = 0x20;

/** Largest magnitude one message can carry. */
export const MAX_TICKS = 0x3f;

/**
 * Signed ticks from a V-Pot or jog byte. Zero ticks read as +1: some units (Euphonix) send 0
 * meaning one step clockwise, and a "turn" of 0 would be meaningless anyway (Ardour does the same).
 * The same for `40` (CCW zero): -1.
 */
export function decodeRelativeTicks(byte: number): number {
  const ticks = byte & 0x3f;
  const magnitude = ticks === 0 ? 1 : ticks;
  return (byte & 0x40) !== 0 ? -magnitude : magnitude;
}

/** The byte a surface sends for `delta` ticks; magnitude clamped to 1..63 (0 sends +1). */
export function encodeRelativeTicks(delta: number): number {
  const magnitude = Math.max(1, Math.min(MAX_TICKS, Math.round(Math.abs(delta)) || 1));
  return delta < 0 ? 0x40 | magnitude : magnitude;
}
