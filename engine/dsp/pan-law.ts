/**
 * Constant-power pan, -3 dB at centre: pan -1..1 -> angle 0..pi/2, L = cos, R = sin.
 * Used as balance on stereo buses too (there each side is scaled so centre is unity).
 */
export function panLeftGain(pan: number): number {
  return Math.cos(((pan + 1) * Math.PI) / 4);
}

export function panRightGain(pan: number): number {
  return Math.sin(((pan + 1) * Math.PI) / 4);
}

/** Balance for a stereo bus: centre is unity on both sides; the far side fades out. */
export function balanceLeftGain(balance: number): number {
  return balance <= 0 ? 1 : Math.SQRT2 * panLeftGain(balance);
}

export function balanceRightGain(balance: number): number {
  return balance >= 0 ? 1 : Math.SQRT2 * panRightGain(balance);
}
