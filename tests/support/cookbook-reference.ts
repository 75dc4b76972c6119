/**
 * Independent evaluation of parametric filters for the correction tests: RBJ Audio EQ Cookbook
 * coefficients written out here from the cookbook's formulas (shelves in its Q form,
 * alpha = sin(w0) / (2Q)), the response either in closed form (H(e^jw) as a complex ratio) or by
 * running the biquad recursion on an impulse and taking the DTFT of what comes out. Shares no
 * code with calibration/ or the engine.
 */

export interface FilterSpec {
  readonly type: 'peaking' | 'lowshelf' | 'highshelf';
  readonly hz: number;
  readonly q: number;
  readonly gainDb: number;
}

/** [b0, b1, b2, a1, a2], normalised by a0. */
export function cookbook(filter: FilterSpec, sampleRate: number): [number, number, number, number, number] {
  const a = Math.pow(10, filter.gainDb / 40);
  const w0 = (2 * Math.PI * filter.hz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * filter.q);
  let b: [number, number, number];
  let d: [number, number, number];
  if (filter.type === 'peaking') {
    b = [1 + alpha * a, -2 * cos, 1 - alpha * a];
    d = [1 + alpha / a, -2 * cos, 1 - alpha / a];
  } else {
    const root = 2 * Math.sqrt(a) * alpha;
    if (filter.type === 'lowshelf') {
      b = [
        a * (a + 1 - (a - 1) * cos + root),
        2 * a * (a - 1 - (a + 1) * cos),
        a * (a + 1 - (a - 1) * cos - root),
      ];
      d = [a + 1 + (a - 1) * cos + root, -2 * (a - 1 + (a + 1) * cos), a + 1 + (a - 1) * cos - root];
    } else {
      b = [
        a * (a + 1 + (a - 1) * cos + root),
        -2 * a * (a - 1 + (a + 1) * cos),
        a * (a + 1 + (a - 1) * cos - root),
      ];
      d = [a + 1 - (a - 1) * cos + root, 2 * (a - 1 - (a + 1) * cos), a + 1 - (a - 1) * cos - root];
    }
  }
  return [b[0] / d[0], b[1] / d[0], b[2] / d[0], d[1] / d[0], d[2] / d[0]];
}

/** H(e^jw) of one section at `hz`: [re, im]. */
export function sectionComplex(filter: FilterSpec, hz: number, sampleRate: number): [number, number] {
  const [b0, b1, b2, a1, a2] = cookbook(filter, sampleRate);
  const w = (2 * Math.PI * hz) / sampleRate;
  // z^-1 = e^{-jw}
  const nr = b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w);
  const ni = -(b1 * Math.sin(w) + b2 * Math.sin(2 * w));
  const dr = 1 + a1 * Math.cos(w) + a2 * Math.cos(2 * w);
  const di = -(a1 * Math.sin(w) + a2 * Math.sin(2 * w));
  const d = dr * dr + di * di;
  return [(nr * dr + ni * di) / d, (ni * dr - nr * di) / d];
}

/** The cascade's H(e^jw) at `hz`. */
export function cascadeComplex(
  filters: readonly FilterSpec[],
  hz: number,
  sampleRate: number,
): [number, number] {
  let re = 1;
  let im = 0;
  for (const filter of filters) {
    const [sr, si] = sectionComplex(filter, hz, sampleRate);
    [re, im] = [re * sr - im * si, re * si + im * sr];
  }
  return [re, im];
}

/** The cascade's level in dB at `hz`, closed form. */
export function cascadeDb(filters: readonly FilterSpec[], hz: number, sampleRate: number): number {
  const [re, im] = cascadeComplex(filters, hz, sampleRate);
  return 10 * Math.log10(re * re + im * im);
}

/**
 * The cascade's level in dB at each of `hz` measured the long way: a unit impulse through each
 * section's difference equation (direct form I) for `length` samples, then the DTFT of the output
 * at each frequency. `length` must cover the slowest section's decay.
 */
export function impulseResponseDb(
  filters: readonly FilterSpec[],
  hz: ArrayLike<number>,
  sampleRate: number,
  length: number,
): Float64Array {
  let signal = new Float64Array(length);
  signal[0] = 1;
  for (const filter of filters) {
    const [b0, b1, b2, a1, a2] = cookbook(filter, sampleRate);
    const out = new Float64Array(length);
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let n = 0; n < length; n++) {
      const x = signal[n]!;
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      out[n] = y;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
    }
    signal = out;
  }
  const levels = new Float64Array(hz.length);
  for (let k = 0; k < hz.length; k++) {
    const w = (2 * Math.PI * hz[k]!) / sampleRate;
    // Rotating phasor, renormalised now and then so rounding does not drift its length.
    const stepRe = Math.cos(w);
    const stepIm = -Math.sin(w);
    let pr = 1;
    let pi = 0;
    let re = 0;
    let im = 0;
    for (let n = 0; n < length; n++) {
      const v = signal[n]!;
      re += v * pr;
      im += v * pi;
      [pr, pi] = [pr * stepRe - pi * stepIm, pr * stepIm + pi * stepRe];
      if ((n & 1023) === 1023) {
        const norm = Math.hypot(pr, pi);
        pr /= norm;
        pi /= norm;
      }
    }
    levels[k] = 10 * Math.log10(re * re + im * im);
  }
  return levels;
}

/**
 * Where a peaking filter's level is half its gain in dB, below and above its centre, found by
 * bisection on the closed form (log-frequency axis).
 */
export function halfGainEdges(filter: FilterSpec, sampleRate: number): [number, number] {
  const half = filter.gainDb / 2;
  const level = (hz: number): number => cascadeDb([filter], hz, sampleRate);
  const search = (inside: number, outside: number): number => {
    let a = Math.log(inside);
    let b = Math.log(outside);
    for (let i = 0; i < 200; i++) {
      const m = (a + b) / 2;
      if (Math.abs(level(Math.exp(m))) > Math.abs(half)) a = m;
      else b = m;
    }
    return Math.exp((a + b) / 2);
  };
  return [search(filter.hz, 1e-3), search(filter.hz, sampleRate / 2 - 1e-6)];
}

/**
 * The summed response's maximum from 0 Hz to Nyquist: a 1/1536-octave scan from 0.1 Hz plus 0 Hz,
 * Nyquist and each centre frequency (brute force, nothing clever to get wrong).
 */
export function cascadeMaxDb(filters: readonly FilterSpec[], sampleRate: number): { hz: number; db: number } {
  const points = [0, sampleRate / 2, ...filters.map((filter) => filter.hz)];
  for (let f = 0.1; f < sampleRate / 2; f *= Math.pow(2, 1 / 1536)) points.push(f);
  let best = { hz: 0, db: -Infinity };
  for (const f of points) {
    const db = cascadeDb(filters, f, sampleRate);
    if (db > best.db) best = { hz: f, db };
  }
  return best;
}
