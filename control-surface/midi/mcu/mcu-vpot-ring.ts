/**
 * V-Pot LED rings, host -> surface `B0 30+n vv` (HUI: `B0 10+n vv`, same byte).
 * vv = `0 p m m v v v v`: p (0x40) centre LED, mm mode (0 dot, 1 boost/cut, 2 wrap, 3 spread),
 * vvvv 0..11 (0 = ring off; values above 11 are clamped). Pure.
 */
export const RING_CC = 0x30;

export const RING_MODE = { dot: 0, boostCut: 1, wrap: 2, spread: 3 } as const;
export type RingMode = keyof typeof RING_MODE;
const RING_MODES: readonly RingMode[] = ['dot', 'boostCut', 'wrap', 'spread'];

/** Highest LED value; spread lights symmetric pairs, so it uses 0..6 only. */
export const RING_VALUE_MAX = 11;
export const SPREAD_VALUE_MAX = 6;

export interface RingState {
  readonly mode: RingMode;
  /** 0 = all ring LEDs off, 1..11 = position (spread: 1..6 = width). */
  readonly value: number;
  /** The single LED under the ring. */
  readonly centre: boolean;
}

export function encodeRingByte(ring: RingState): number {
  const value = Math.max(0, Math.min(RING_VALUE_MAX, Math.round(ring.value) || 0));
  return (ring.centre ? 0x40 : 0) | (RING_MODE[ring.mode] << 4) | value;
}

export function decodeRingByte(byte: number): RingState {
  return {
    mode: RING_MODES[(byte >> 4) & 0x03]!,
    value: Math.min(RING_VALUE_MAX, byte & 0x0f),
    centre: (byte & 0x40) !== 0,
  };
}

/** C's lrintf under the default rounding mode: ties to even (lrintf(2.5) = 2). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * A ring showing a normalized position 0..1, as Ardour draws it (pot.cc), so the rings read the
 * same as on other hosts: centre LED between 0.48 and 0.58 (a pan at centre lights it);
 * dot / boost-cut / wrap: round(p * 10) + 1 (1..11); spread: round(p * 6) (0..6, a width of 0 is
 * dark). `lit: false` keeps only the centre LED and the mode (a control with nothing assigned).
 * Negative positions (a reversed width) show as their magnitude, without the centre LED.
 */
export function ringFromPosition(position: number, mode: RingMode, lit = true): RingState {
  const signed = Number.isFinite(position) ? position : 0;
  const centre = signed > 0.48 && signed < 0.58;
  const p = Math.min(1, Math.abs(signed));
  if (!lit) return { mode, value: 0, centre };
  const value = mode === 'spread' ? roundHalfEven(p * SPREAD_VALUE_MAX) : roundHalfEven(p * 10) + 1;
  return { mode, value, centre };
}
