/**
 * The saturation's curve, evaluated with second-order antiderivative anti-aliasing.
 *
 * Curve: the cubic soft clipper f(v) = 3/2 v - 1/2 v^3 for |v| < 1, sign(v) beyond (slope 3/2 at
 * 0, slope 0 at the knees: C1, so a clipped sine's harmonics fall as 1/n^3). Odd, so it makes odd
 * harmonics only; inside the knees it is a cubic, whose harmonics of anything below 28 kHz stay
 * below 84 kHz: unclipped material cannot alias at 4x or more.
 *
 * Anti-aliasing: ADAA2 (Bilbao, Esqueda, Parker & Valimaki 2017, "Antiderivative antialiasing for
 * memoryless nonlinearities"; first order in Parker, Zavalishin & Le Bivic 2016): y[n] =
 * 2 F2[v[n], v[n-1], v[n-2]], the second divided difference of F2, the curve's second
 * antiderivative. By Hermite-Genocchi that is the mean of f over a hat (linear B-spline) spanning
 * the three inputs, so |y| <= 1 and, for slowly moving input, y = f(v[n-1]): one sample of delay,
 * linear phase. On a signal it acts like a continuous-time triangle (sinc^2) filter on f(v(t))
 * before sampling, which pushes down what folds from near multiples of the sample rate by 12 dB
 * per octave of distance; on the wet signal it is the 3-tap mean (1 + 2 cos w) / 3, which
 * adaaDroopCompensation undoes.
 *
 * Evaluation without cancellation (the textbook form divides differences of F2 by differences of
 * v and loses everything when inputs are close): with all three inputs inside the knees, the
 * divided difference of a polynomial is a polynomial in the inputs (complete homogeneous symmetric
 * polynomials h_k), exact and division-free: y = h1 / 2 - h3 / 20. With all three clipped on one
 * side, y = +-1 exactly. Otherwise (a knee inside their span) the inputs are sorted, F2 is written
 * around the knee as F2(1) + F1(1) w + w^2/2 + S(w) (w = v - 1; S(w) = -w^4/8 - w^5/40 below the
 * knee, 0 above), and the one division left is by the whole span. Checked against numerical
 * integration to 1e-15 (tests/engine/dsp/saturation.test.ts).
 *
 * The saturation's audio path evaluates the same formulas, operation for operation, in its
 * WebAssembly kernel (engine/wasm/saturation.wat: both channels in f64x2 lanes, the across-knee
 * cases as lane selects). softClipAdaa is their JavaScript form: the reference, and what the
 * saturation's update() uses for the curve's value at the bias.
 */

/** Slope of the curve at 0 (inputs are scaled by drive / SOFT_CLIP_SLOPE for unit small-signal gain). */
export const SOFT_CLIP_SLOPE = 1.5;

/** F2(1) and F1(1): the curve's second and first antiderivative at the knee (both 0 at 0). */
const F2_KNEE = 9 / 40;
const F1_KNEE = 5 / 8;

/**
 * Scratch for the rare path: slots 0-2 the three inputs, 3 the result, 4-5 a pair, 6 its
 * divided difference. Module-level: the audio thread is single-threaded.
 */
const scratch = new Float64Array(7);

/**
 * In place over buf[start .. start + count): v -> 2 F2[v[n], v[n-1], v[n-2]] (ADAA2 of the curve,
 * one sample of delay). `state[at]`, `state[at + 1]` hold v[n-1] and v[n-2] across calls (zero
 * them to start from silence). `pending` (at least 4 * count long) is scratch: samples whose
 * span crosses a knee are listed there and evaluated after the loop, which keeps the slow
 * path's code out of the hot loop (1.4x faster, measured). Audio thread: allocates nothing.
 */
export function softClipAdaa(
  buf: Float64Array,
  start: number,
  count: number,
  state: Float64Array,
  at: number,
  pending: Float64Array,
): void {
  let b = state[at]!;
  let c = state[at + 1]!;
  let waiting = 0;
  const end = start + count;
  for (let i = start; i < end; i++) {
    const a = buf[i]!;
    if (a < 1 && a > -1 && b < 1 && b > -1 && c < 1 && c > -1) {
      // 2 F2[a, b, c] = h1 / 2 - h3 / 20, with h1 = e1 and h3 = e1 (e1^2 - 2 e2) + e3 from the
      // elementary symmetric polynomials of (a, b, c).
      const ab = a * b;
      const e1 = a + b + c;
      const e2 = ab + c * (a + b);
      const h3 = e1 * (e1 * e1 - 2 * e2) + ab * c;
      buf[i] = 0.5 * e1 - 0.05 * h3;
    } else if (a >= 1 && b >= 1 && c >= 1) {
      buf[i] = 1;
    } else if (a <= -1 && b <= -1 && c <= -1) {
      buf[i] = -1;
    } else {
      pending[waiting] = i;
      pending[waiting + 1] = a;
      pending[waiting + 2] = b;
      pending[waiting + 3] = c;
      waiting += 4;
    }
    c = b;
    b = a;
  }
  state[at] = b;
  state[at + 1] = c;
  if (waiting > 0) resolveAcrossKnee(buf, pending, waiting);
}

/** buf[i] = 2 F2[a, b, c] for each (i, a, b, c) in pending[0 .. waiting). Allocates nothing. */
function resolveAcrossKnee(buf: Float64Array, pending: Float64Array, waiting: number): void {
  for (let k = 0; k < waiting; k += 4) {
    scratch[0] = pending[k + 1]!;
    scratch[1] = pending[k + 2]!;
    scratch[2] = pending[k + 3]!;
    acrossKnee(scratch);
    buf[pending[k]! | 0] = scratch[3]!;
  }
}

/**
 * s[3] = 2 F2[s[0], s[1], s[2]] when a knee lies inside their span. Sorted lo <= mid <= hi, it is
 * 2 (F2[mid, hi] - F2[lo, mid]) / (hi - lo). Audio thread: allocates nothing (doubles pass
 * through `s` only).
 */
function acrossKnee(s: Float64Array): void {
  const x = s[0]!;
  const y = s[1]!;
  const z = s[2]!;
  let lo = x < y ? x : y;
  let hi = x < y ? y : x;
  // Initialised: V8 keeps a `let` that may be undefined tagged, boxing every double in it.
  let mid = 0;
  if (z < lo) {
    mid = lo;
    lo = z;
  } else if (z > hi) {
    mid = hi;
    hi = z;
  } else {
    mid = z;
  }
  const span = hi - lo;
  if (lo > -1) {
    // Upper knee only: F2(v) = F2(1) + F1(1) w + w^2/2 + S(w), w = v - 1; the linear part
    // vanishes in the second difference, w^2/2 gives 1.
    s[4] = mid - 1;
    s[5] = hi - 1;
    kneeDifference(s);
    const upper = s[6]!;
    s[4] = lo - 1;
    s[5] = mid - 1;
    kneeDifference(s);
    s[3] = 1 + (2 * (upper - s[6]!)) / span;
  } else if (hi < 1) {
    // Lower knee only: the mirror image (f is odd).
    s[4] = -mid - 1;
    s[5] = -lo - 1;
    kneeDifference(s);
    const upper = s[6]!;
    s[4] = -hi - 1;
    s[5] = -mid - 1;
    kneeDifference(s);
    s[3] = -1 - (2 * (upper - s[6]!)) / span;
  } else {
    // Both knees inside the span (span >= 2): first divided differences, each well conditioned.
    s[4] = mid;
    s[5] = hi;
    pairDifference(s);
    const upper = s[6]!;
    s[4] = lo;
    s[5] = mid;
    pairDifference(s);
    s[3] = (2 * (upper - s[6]!)) / span;
  }
}

/**
 * s[6] = S[s[4], s[5]], the first divided difference of S (S(w) = -w^4/8 - w^5/40 for w < 0, 0
 * for w >= 0; valid for w > -2). Both below the knee: the exact symmetric form (no division); on
 * opposite sides: S(neg) / (neg - pos), where |neg| <= |neg - pos|. Allocates nothing.
 */
function kneeDifference(s: Float64Array): void {
  const p = s[4]!;
  const q = s[5]!;
  if (p >= 0 && q >= 0) {
    s[6] = 0;
  } else if (p < 0 && q < 0) {
    const sum = p + q;
    const product = p * q;
    const h2 = sum * sum - product;
    const h3 = sum * h2 - product * sum;
    const h4 = sum * h3 - product * h2;
    s[6] = -h3 / 8 - h4 / 40;
  } else {
    const n = p < 0 ? p : q;
    const n2 = n * n;
    const value = -n2 * n2 * (1 / 8 + n / 40);
    s[6] = p < 0 ? value / (p - q) : value / (q - p);
  }
}

/**
 * s[6] = F2[s[4], s[5]] for s[4] <= s[5]. Both above -1: around the upper knee; both below 1:
 * the mirror image; one beyond each knee (they are >= 2 apart): F2 directly.
 */
function pairDifference(s: Float64Array): void {
  const p = s[4]!;
  const q = s[5]!;
  if (p > -1) {
    s[4] = p - 1;
    s[5] = q - 1;
    kneeDifference(s);
    s[6] = F1_KNEE + (p + q - 2) / 2 + s[6]!;
  } else if (q < 1) {
    s[4] = -q - 1;
    s[5] = -p - 1;
    kneeDifference(s);
    s[6] = F1_KNEE + (-p - q - 2) / 2 + s[6]!;
  } else {
    const wq = q - 1;
    const wp = -p - 1;
    const f2q = F2_KNEE + F1_KNEE * wq + (wq * wq) / 2;
    const f2p = -(F2_KNEE + F1_KNEE * wp + (wp * wp) / 2);
    s[6] = (f2q - f2p) / (q - p);
  }
}

/**
 * Symmetric FIR, at the base rate, that undoes the 3-tap mean ADAA2 puts on the wet signal at
 * `factor` x the base rate: taps c[0] (centre), c[1 .. K] (each side), a weighted minimax fit
 * (Lawson's iteratively reweighted least squares) of 1 / ((1 + 2 cos(w / factor)) / 3) from 0 to
 * 20 kHz (at most 0.45 fs). The error allowed grows with frequency (as 0.001 + (f / 20 kHz)^2),
 * so low frequencies come out exact to a few 1e-6 while the band edge gets what is left (with
 * K = 3 at 8x: 0.009 dB at 48 kHz, 0.018 dB at 44.1 kHz). Returns K + 1 values (a fresh copy).
 * Design time only, memoised: the fit takes ~8 ms, and a console builds one per strip.
 */
export function adaaDroopCompensation(factor: number, sampleRate: number, sideTaps: number): Float64Array {
  const key = `${factor}/${sampleRate}/${sideTaps}`;
  let taps = droopDesigns.get(key);
  if (taps === undefined) {
    taps = designDroopCompensation(factor, sampleRate, sideTaps);
    droopDesigns.set(key, taps);
  }
  return taps.slice();
}

const droopDesigns = new Map<string, Float64Array>();

function designDroopCompensation(factor: number, sampleRate: number, sideTaps: number): Float64Array {
  const n = sideTaps + 1;
  const edge = 2 * Math.PI * Math.min(20000 / sampleRate, 0.45);
  const grid = 400;
  const weights = new Float64Array(grid + 1).fill(1);
  const normal = new Float64Array(n * (n + 1));
  const basis = new Float64Array(n);
  const taps = new Float64Array(n);
  const droop = (w: number): number => (1 + 2 * Math.cos(w / factor)) / 3;
  const budget = (w: number): number => 0.001 + (w / edge) ** 2;
  for (let iteration = 0; iteration < 80; iteration++) {
    // Weighted least squares of the scaled relative error (h(w) D(w) - 1) / budget(w).
    normal.fill(0);
    for (let g = 0; g <= grid; g++) {
      const w = (edge * g) / grid;
      const scale = droop(w) / budget(w);
      for (let k = 0; k < n; k++) basis[k] = (k === 0 ? 1 : 2 * Math.cos(k * w)) * scale;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) normal[i * (n + 1) + j]! += weights[g]! * basis[i]! * basis[j]!;
        normal[i * (n + 1) + n]! += (weights[g]! * basis[i]!) / budget(w);
      }
    }
    // Gauss-Jordan (the system is small and positive definite).
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < n; r++) {
        if (r === i) continue;
        const f = normal[r * (n + 1) + i]! / normal[i * (n + 1) + i]!;
        for (let col = i; col <= n; col++) normal[r * (n + 1) + col]! -= f * normal[i * (n + 1) + col]!;
      }
    }
    for (let i = 0; i < n; i++) taps[i] = normal[i * (n + 1) + n]! / normal[i * (n + 1) + i]!;
    // Lawson: weight each frequency by its error, so the largest errors come down.
    let total = 0;
    for (let g = 0; g <= grid; g++) {
      const w = (edge * g) / grid;
      let h = taps[0]!;
      for (let k = 1; k < n; k++) h += 2 * taps[k]! * Math.cos(k * w);
      weights[g]! *= Math.abs(h * droop(w) - 1) / budget(w) + 1e-300;
      total += weights[g]!;
    }
    for (let g = 0; g <= grid; g++) weights[g]! /= total;
  }
  return taps;
}

/**
 * Runs the across-knee path until V8 optimizes it, once per process at load. It runs only when
 * the signal crosses a knee, so in a real session it can stay interpreted for a long time, and
 * interpreted code boxes every double (an allocation per call in the audio thread). Kept for
 * callers of softClipAdaa on the audio thread; the saturation's own path is WebAssembly, which
 * needs no priming.
 */
function primeAcrossKnee(): void {
  const s = new Float64Array(8);
  for (let k = 0; k < 40_000; k++) {
    const t = (k % 997) / 997;
    s[0] = 2.5 * Math.sin(k * 0.37) + t;
    s[1] = 2.5 * Math.sin(k * 0.37 + 0.9) - t;
    s[2] = 2.5 * Math.sin(k * 0.37 + 1.7);
    acrossKnee(s);
  }
}
primeAcrossKnee();
