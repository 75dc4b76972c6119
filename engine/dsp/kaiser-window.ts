/**
 * Kaiser window design (J. F. Kaiser's empirical formulas, as in Oppenheim & Schafer): the window
 * parameter and the FIR length that reach a given stopband attenuation over a given transition
 * band. Design-time helpers, never called on the audio thread.
 */

/** Zeroth-order modified Bessel function of the first kind (power series; exact to double for x < 50). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 500; k++) {
    const ratio = half / k;
    term *= ratio * ratio;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/** Kaiser beta for a stopband attenuation (and equal passband ripple) of `attenuationDb`. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * FIR length (taps) that a Kaiser-windowed sinc needs for `attenuationDb` with a transition band
 * `transitionCycles` wide, in cycles per sample of the rate the taps run at.
 */
export function kaiserLength(attenuationDb: number, transitionCycles: number): number {
  return Math.ceil((attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionCycles)) + 1;
}

/** The Kaiser window at `t` in -1..1 (its centre at 0, its ends at +-1); 0 outside. */
export function kaiserWindow(t: number, beta: number, i0Beta: number = besselI0(beta)): number {
  if (t <= -1 || t >= 1) return t === 1 || t === -1 ? 1 / i0Beta : 0;
  return besselI0(beta * Math.sqrt(1 - t * t)) / i0Beta;
}
