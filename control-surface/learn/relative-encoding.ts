/**
 * The three common ways an endless encoder sends "turned by n detents" in one 7-bit CC value.
 * Names follow the usual controller manuals; a value meaning "no move" decodes to 0.
 * - twosComplement: +n = n, -n = 128 - n (1 = +1, 127 = -1)
 * - signMagnitude: bit 6 is the sign, bits 0..5 the magnitude (1 = +1, 65 = -1; Mackie V-Pots)
 * - offset64: value - 64 (65 = +1, 63 = -1), also called binary offset
 */
export const RELATIVE_ENCODINGS = ['twosComplement', 'signMagnitude', 'offset64'] as const;
export type RelativeEncoding = (typeof RELATIVE_ENCODINGS)[number];

/** Signed detents in a CC value (0 = no move, also for values outside 0..127). */
export function decodeRelative(encoding: RelativeEncoding, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f) return 0;
  switch (encoding) {
    case 'twosComplement':
      return value < 0x40 ? value : value - 0x80;
    case 'signMagnitude':
      return (value & 0x40) === 0 ? value & 0x3f : 0 - (value & 0x3f);
    case 'offset64':
      return value - 0x40;
  }
}

/** The CC value for a move (clamped to what the encoding can carry; 0 detents = "no move"). */
export function encodeRelative(encoding: RelativeEncoding, delta: number): number {
  const d = Math.round(Number.isFinite(delta) ? delta : 0);
  switch (encoding) {
    case 'twosComplement': {
      const c = Math.max(-64, Math.min(63, d));
      return c < 0 ? c + 0x80 : c;
    }
    case 'signMagnitude': {
      const c = Math.max(-63, Math.min(63, d));
      return c < 0 ? 0x40 | -c : c;
    }
    case 'offset64':
      return Math.max(-64, Math.min(63, d)) + 0x40;
  }
}
