/**
 * The clamping rules every MIDI encoder here follows: values are clamped into range (rounded,
 * NaN as the minimum), fixed-length fields truncated or zero padded, and an address outside the
 * device (fader 9, strip 8) encodes to nothing: moving the wrong control would be worse than
 * moving none.
 */

/** An integer in min..max (NaN -> min). */
export function clampInt(value: number, min: number, max: number): number {
  if (!(value >= min)) return min;
  if (value >= max) return max;
  return Math.round(value);
}

/** A 7-bit data byte. */
export function data7(value: number): number {
  return clampInt(value, 0, 0x7f);
}

/** Whether `index` addresses one of `0..last`. */
export function isIndex(index: number, last: number): boolean {
  return Number.isInteger(index) && index >= 0 && index <= last;
}

/** Exactly `length` bytes: truncated or zero padded. */
export function fixedLength(bytes: readonly number[], length: number): number[] {
  const out = bytes.slice(0, length);
  while (out.length < length) out.push(0);
  return out;
}

export const NO_BYTES = new Uint8Array(0);
