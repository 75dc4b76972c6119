/**
 * Synthetic rooms for the correction tests, built from analytic formulas that are not the fitter's
 * own filters (reference room-calibration.md §8.2): an analogue speaker (2nd-order Butterworth
 * high-pass, 1st- or 2nd-order low-pass), room modes as resonances added in parallel to the direct
 * sound, and discrete reflections (comb filtering). Evaluated exactly on a dense grid, then
 * smoothed at a fractional octave in the power domain, as a measurement would be. Independent of
 * calibration/. (The measurement helper's time-domain room simulator is synthetic-room-recording.ts.)
 */

export interface RoomMode {
  readonly hz: number;
  /** Level at resonance relative to the direct sound: positive a peak, negative a dip. */
  readonly peakDb: number;
  /** The resonance's Q (its -3 dB bandwidth is hz / q). */
  readonly q: number;
}

export interface Reflection {
  readonly delayMs: number;
  readonly gain: number;
}

export interface SyntheticRoom {
  /** 2nd-order Butterworth high-pass corner (Hz), if any. */
  readonly highPassHz?: number;
  /** 1st-order low-pass corner (Hz), if any. */
  readonly lowPassHz?: number;
  /** 2nd-order Butterworth low-pass corner (Hz), if any (a speaker with an early HF roll-off). */
  readonly lowPass2Hz?: number;
  readonly modes?: readonly RoomMode[];
  readonly reflections?: readonly Reflection[];
  /** Overall level (dB). */
  readonly levelDb?: number;
}

/** The room's complex response at `hz`: [re, im]. */
export function roomComplex(room: SyntheticRoom, hz: number): [number, number] {
  const w = 2 * Math.PI * hz;
  // Direct sound plus reflections.
  let re = 1;
  let im = 0;
  for (const reflection of room.reflections ?? []) {
    const phase = -w * reflection.delayMs * 1e-3;
    re += reflection.gain * Math.cos(phase);
    im += reflection.gain * Math.sin(phase);
  }
  // Each mode: a * (s w0/Q) / (s^2 + s w0/Q + w0^2), which is a at resonance, in parallel.
  for (const mode of room.modes ?? []) {
    const a = Math.pow(10, mode.peakDb / 20) - 1;
    const w0 = 2 * Math.PI * mode.hz;
    const [nr, ni] = [0, (w * w0) / mode.q];
    const [dr, di] = [w0 * w0 - w * w, (w * w0) / mode.q];
    const [br, bi] = divide(nr, ni, dr, di);
    re += a * br;
    im += a * bi;
  }
  let [sr, si] = [1, 0];
  if (room.highPassHz !== undefined) {
    const wc = 2 * Math.PI * room.highPassHz;
    // s^2 / (s^2 + sqrt2 wc s + wc^2) at s = jw.
    [sr, si] = multiply(sr, si, ...divide(-w * w, 0, wc * wc - w * w, Math.SQRT2 * wc * w));
  }
  if (room.lowPassHz !== undefined) {
    const wc = 2 * Math.PI * room.lowPassHz;
    [sr, si] = multiply(sr, si, ...divide(1, 0, 1, w / wc));
  }
  if (room.lowPass2Hz !== undefined) {
    const wc = 2 * Math.PI * room.lowPass2Hz;
    [sr, si] = multiply(sr, si, ...divide(wc * wc, 0, wc * wc - w * w, Math.SQRT2 * wc * w));
  }
  const gain = Math.pow(10, (room.levelDb ?? 0) / 20);
  const [hr, hi] = multiply(sr, si, re, im);
  return [gain * hr, gain * hi];
}

function multiply(ar: number, ai: number, br: number, bi: number): [number, number] {
  return [ar * br - ai * bi, ar * bi + ai * br];
}

function divide(ar: number, ai: number, br: number, bi: number): [number, number] {
  const d = br * br + bi * bi;
  return [(ar * br + ai * bi) / d, (ai * br - ar * bi) / d];
}

/**
 * A grid dense enough to resolve every feature: 1/384 octave at low frequencies, at most 1 Hz
 * apart above (the 11.9 ms reflection's comb repeats every 84 Hz).
 */
export function denseGrid(loHz: number, hiHz: number): Float64Array {
  const points: number[] = [];
  for (let f = loHz; f <= hiHz; f += Math.min(f * (Math.pow(2, 1 / 384) - 1), 1)) points.push(f);
  return Float64Array.from(points);
}

/** Points per octave of the smoothed responses the tests hand the fitter. */
export const OUTPUT_POINTS_PER_OCTAVE = 48;

export function logGrid(
  loHz: number,
  hiHz: number,
  pointsPerOctave = OUTPUT_POINTS_PER_OCTAVE,
): Float64Array {
  const count = Math.floor(Math.log2(hiHz / loHz) * pointsPerOctave + 1e-9) + 1;
  return Float64Array.from({ length: count }, (_, i) => loHz * Math.pow(2, i / pointsPerOctave));
}

/**
 * Fractional-octave power smoothing: at each output frequency f, the mean power over the dense
 * points within f * 2^(+-1/(2 fraction)), each weighted by the width (Hz) it stands for, as an FFT
 * bin average would be. `power` is |H|^2 on `denseHz`.
 */
export function powerSmoothDb(
  denseHz: Float64Array,
  power: Float64Array,
  outHz: Float64Array,
  fraction: number,
): Float64Array {
  const n = denseHz.length;
  const width = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const left = i > 0 ? denseHz[i - 1]! : denseHz[i]!;
    const right = i < n - 1 ? denseHz[i + 1]! : denseHz[i]!;
    width[i] = (right - left) / 2;
  }
  const out = new Float64Array(outHz.length);
  const half = Math.pow(2, 1 / (2 * fraction));
  let start = 0;
  for (let k = 0; k < outHz.length; k++) {
    const lo = outHz[k]! / half;
    const hi = outHz[k]! * half;
    while (start < n && denseHz[start]! < lo) start++;
    let sum = 0;
    let weight = 0;
    for (let i = start; i < n && denseHz[i]! <= hi; i++) {
      sum += power[i]! * width[i]!;
      weight += width[i]!;
    }
    out[k] = 10 * Math.log10(sum / weight);
  }
  return out;
}

/** The room measured the way the fitter sees it: 1/`fraction`-octave power-smoothed dB on `outHz`. */
export function smoothedRoom(
  room: SyntheticRoom,
  outHz: Float64Array,
  fraction = 6,
): { hz: Float64Array; db: Float64Array } {
  const margin = Math.pow(2, 1 / fraction);
  const dense = denseGrid(outHz[0]! / margin, outHz[outHz.length - 1]! * margin);
  const power = dense.map((f) => {
    const [re, im] = roomComplex(room, f);
    return re * re + im * im;
  });
  return { hz: outHz, db: powerSmoothDb(dense, power, outHz, fraction) };
}

/** The reference's room (§8.2): 45 Hz high-pass, 18 kHz low-pass, 52 Hz and 130 Hz modes, three reflections. */
export const REFERENCE_ROOM: SyntheticRoom = {
  highPassHz: 45,
  lowPassHz: 18000,
  modes: [
    { hz: 52, peakDb: 10, q: 8 },
    { hz: 130, peakDb: -6, q: 4 },
  ],
  reflections: [
    { delayMs: 3.1, gain: -0.5 },
    { delayMs: 7.4, gain: 0.35 },
    { delayMs: 11.9, gain: -0.25 },
  ],
};

/** -6 dB point of a 2nd-order Butterworth high-pass at fc: |H|^2 = 1/4 where (f/fc)^4 = 1/3. */
export function butterworthHighPassMinus6Hz(cornerHz: number): number {
  return cornerHz / Math.pow(3, 1 / 4);
}

/** -6 dB point of a 2nd-order Butterworth low-pass at fc: (f/fc)^4 = 3. */
export function butterworthLowPassMinus6Hz(cornerHz: number): number {
  return cornerHz * Math.pow(3, 1 / 4);
}
