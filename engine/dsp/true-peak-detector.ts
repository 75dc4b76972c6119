import { TRUE_PEAK_TARGET_RATE, designTruePeakFilter } from '../meters/true-peak-filter.ts';

/** Stage 1 (2x, half-band) taps and Kaiser beta: flat to about 0.48 fs. */
const STAGE1_TAPS = 128;
const STAGE1_BETA = 9;
/** Stage 2 (4x on the 2x stream, content below a quarter of its rate): short is enough. */
const STAGE2_TAPS = 12;
const STAGE2_BETA = 5;
/** Near-Nyquist band filter: 2 * 40 + 1 taps, Kaiser beta 7, low-pass prototype cutoff 0.06 fs. */
const NYQUIST_HALF = 40;
const NYQUIST_CUTOFF = 0.06;
const NYQUIST_BETA = 7;
/**
 * Weight of the near-Nyquist amplitude added to each interval's peak. Interpolators agree to
 * ~0.01 dB below 0.44 fs and disagree above (ffmpeg, this project's BS.1770 meter and an 8x
 * long sinc read full-band noise clicks up to 0.5 dB apart): each meter's error is that band's
 * content through the difference of the filters, so the limiter adds a bound on it. Measured on
 * full-band torture material: 1 left ffmpeg's reading 0.03 dB under the ceiling's margin-less
 * value at 44.1 kHz, 2 leaves the full 0.1 dB margin; cost on programme band-limited to 0.44 fs
 * about 0.05-0.1 dB of loudness, on full-band synthetic hi-hats 0.4 dB.
 */
const NYQUIST_WEIGHT = 2;
/** 2x-stream history: the 12 stage-2 taps of two half-intervals (13 values) plus the newest. */
const TWO_X_LINE = STAGE2_TAPS + 2;
/** Grid points per input sample interval. */
export const DETECTOR_FACTOR = 8;
/**
 * Input samples between the newest input and the end of the interval whose peak comes out:
 * STAGE1_TAPS / 2 - 1 for the half-band, plus 3 for stage 2 (6 taps of the 2x stream ahead).
 */
export const DETECTOR_DELAY_FRAMES = STAGE1_TAPS / 2 - 1 + 3;

/**
 * Side-chain true-peak detector of the limiter: for every input frame, a conservative peak of the
 * band-limited signal over one sample interval, both channels linked (max).
 *
 * Why not the meter's single-stage 4x/5x, 32-tap filter: a limiter needs the peak of every
 * interval, not the maximum of a programme, and a 32-tap phase is already 1-3 dB down at 0.47 fs
 * (its transition band is centred on Nyquist). Against a 128-tap-per-phase 8x reference
 * (tests/support/true-peak-8x.ts), torture material with energy up to Nyquist (naive squares,
 * noise clicks) was read up to 1.6 dB low in places; this design stays within 0.013 dB.
 * 1. 2x with a 128-tap Kaiser-sinc half-band (the meter's designer, L = 2), folded because it is
 *    symmetric: 64 multiplies per new point;
 * 2. 4x more on the 2x stream, whose content now sits below a quarter of its rate, with a 12-tap
 *    design (L = 4): 2 x 3 x 12 multiplies per input sample;
 * 3. a crest between grid points (under-read by up to 0.17 dB on an 8x grid at 0.5 fs) is refined:
 *    at every local maximum of |grid|, the vertex of the parabola through it and its neighbours;
 * 4. plus NYQUIST_WEIGHT x the amplitude of the content near Nyquist (an 81-tap band filter, 40
 *    multiplies): where interpolators disagree, no single one can be trusted, so the limiter
 *    covers them all. Programme with nothing above ~0.42 fs pays nothing for it.
 * About 180 multiplies per channel and input sample; 0.4-0.6 us per stereo frame measured here.
 *
 * Interval m runs from input frame m - 1 (exclusive) to m (inclusive); its peak is written
 * DETECTOR_DELAY_FRAMES frames after frame m arrived. History before the first frame is silence.
 * Non-finite input is read as 0.
 */
export class TruePeakDetector {
  readonly channelCount: number;
  /** Stage-1 half-band: the first half of the symmetric phase (taps 0 .. 63). */
  private readonly halfBand: Float64Array;
  /** Stage-2 phases 1/4, 2/4, 3/4 interleaved tap-major: [tap][phase]. */
  private readonly quarter: Float64Array;
  /** Per channel: input history, STAGE1_TAPS doubles written twice (contiguous window). */
  private readonly inputLines: Float64Array;
  /** Per channel: 2x-stream history of TWO_X_LINE values written twice. */
  private readonly twoXLines: Float64Array;
  /** Per channel: last two grid values (signed) for the crest refinement. */
  private readonly gridHistory: Float64Array;
  /** Folded near-Nyquist band-pass, centre tap first, signs alternating (see designNyquistBand). */
  private readonly nyquistBand: Float64Array;
  /** The 8 grid values of the interval being scanned. */
  private readonly grid = new Float64Array(DETECTOR_FACTOR);
  private inputPos = 0;
  private twoXPos = 0;

  constructor(channelCount: number) {
    this.channelCount = channelCount;
    // The meter's designer chooses L from a rate; these rates select L = 2 and L = 4.
    const stage1 = designTruePeakFilter(TRUE_PEAK_TARGET_RATE / 2, STAGE1_TAPS, STAGE1_BETA);
    const stage2 = designTruePeakFilter(TRUE_PEAK_TARGET_RATE / 4, STAGE2_TAPS, STAGE2_BETA);
    this.halfBand = stage1.coefficients.slice(0, STAGE1_TAPS / 2);
    this.quarter = new Float64Array(3 * STAGE2_TAPS);
    for (let j = 0; j < STAGE2_TAPS; j++) {
      for (let p = 0; p < 3; p++) this.quarter[3 * j + p] = stage2.coefficients[p * STAGE2_TAPS + j]!;
    }
    this.inputLines = new Float64Array(channelCount * 2 * STAGE1_TAPS);
    this.twoXLines = new Float64Array(channelCount * 2 * TWO_X_LINE);
    this.gridHistory = new Float64Array(channelCount * 2);
    this.nyquistBand = designNyquistBand();
  }

  /**
   * Writes, for each of `frames` input frames from `offset`, the linked peak of the interval
   * that completes DETECTOR_DELAY_FRAMES frames earlier into peaks[0 .. frames). Channel 1 is
   * `right` (ignored for mono). Audio thread: allocates nothing, never throws.
   */
  process(
    left: Float32Array,
    right: Float32Array,
    offset: number,
    frames: number,
    peaks: Float64Array,
  ): void {
    const halfBand = this.halfBand;
    const quarter = this.quarter;
    const inputLines = this.inputLines;
    const twoXLines = this.twoXLines;
    const history = this.gridHistory;
    const half = STAGE1_TAPS / 2;
    const grid = this.grid;
    const nyquist = this.nyquistBand;
    for (let i = 0; i < frames; i++) peaks[i] = 0;
    let inputPos = this.inputPos;
    let twoXPos = this.twoXPos;
    for (let c = 0; c < this.channelCount; c++) {
      const input = c === 0 ? left : right;
      const inputStart = c * 2 * STAGE1_TAPS;
      const twoXStart = c * 2 * TWO_X_LINE;
      let s0 = history[2 * c]!;
      let s1 = history[2 * c + 1]!;
      inputPos = this.inputPos;
      twoXPos = this.twoXPos;
      for (let i = 0; i < frames; i++) {
        let x = input[offset + i]!;
        // x - x is NaN for NaN and +-Infinity, 0 otherwise.
        if (x - x !== 0) x = 0;
        inputPos = inputPos + 1 === STAGE1_TAPS ? 0 : inputPos + 1;
        inputLines[inputStart + inputPos] = x;
        inputLines[inputStart + inputPos + STAGE1_TAPS] = x;
        // Oldest first: window[0 .. 127] = x[n - 127 .. n]; the new 2x point lies midway
        // between window[63] and window[64], and the half-band is symmetric about it.
        const w = inputStart + inputPos + 1;
        // Four accumulators: one serial chain of 64 adds would be latency-bound (about 4x slower).
        let m0 = 0;
        let m1 = 0;
        let m2 = 0;
        let m3 = 0;
        for (let j = 0, k = w + STAGE1_TAPS - 1; j < half; j += 4, k -= 4) {
          m0 += halfBand[j]! * (inputLines[w + j]! + inputLines[k]!);
          m1 += halfBand[j + 1]! * (inputLines[w + j + 1]! + inputLines[k - 1]!);
          m2 += halfBand[j + 2]! * (inputLines[w + j + 2]! + inputLines[k - 2]!);
          m3 += halfBand[j + 3]! * (inputLines[w + j + 3]! + inputLines[k - 3]!);
        }
        const mid = m0 + m1 + (m2 + m3);
        // Near-Nyquist content at x[n - 66] = window[61]: taps window[21 .. 101].
        const centre = w + STAGE1_TAPS - 1 - DETECTOR_DELAY_FRAMES;
        let h0 = nyquist[0]! * inputLines[centre]!;
        let h1 = 0;
        let h2 = 0;
        let h3 = 0;
        for (let j = 1; j <= NYQUIST_HALF; j += 4) {
          h0 += nyquist[j]! * (inputLines[centre + j]! + inputLines[centre - j]!);
          h1 += nyquist[j + 1]! * (inputLines[centre + j + 1]! + inputLines[centre - j - 1]!);
          h2 += nyquist[j + 2]! * (inputLines[centre + j + 2]! + inputLines[centre - j - 2]!);
          h3 += nyquist[j + 3]! * (inputLines[centre + j + 3]! + inputLines[centre - j - 3]!);
        }
        let hf = h0 + h1 + (h2 + h3);
        if (hf < 0) hf = -hf;
        // Two 2x values enter per input frame: the midpoint, then the sample after it.
        twoXPos = twoXPos + 2 >= TWO_X_LINE ? twoXPos + 2 - TWO_X_LINE : twoXPos + 2;
        const back = twoXPos === 0 ? TWO_X_LINE - 1 : twoXPos - 1;
        const sample = inputLines[w + half]!;
        twoXLines[twoXStart + back] = mid;
        twoXLines[twoXStart + back + TWO_X_LINE] = mid;
        twoXLines[twoXStart + twoXPos] = sample;
        twoXLines[twoXStart + twoXPos + TWO_X_LINE] = sample;
        // v[0 .. 13] = y[k - 13 .. k], k the newest 2x index. The first half-interval's quarter
        // points lie between v[5] and v[6] (window v[0 .. 11]), the second's between v[6] and
        // v[7] (window v[1 .. 12]); v[7] is input frame n - 66, the end of the interval.
        const v = twoXStart + twoXPos + 1;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        let next = twoXLines[v]!;
        for (let j = 0, k = 0; j < STAGE2_TAPS; j++, k += 3) {
          const current = next;
          next = twoXLines[v + j + 1]!;
          const c1 = quarter[k]!;
          const c2 = quarter[k + 1]!;
          const c3 = quarter[k + 2]!;
          a1 += c1 * current;
          a2 += c2 * current;
          a3 += c3 * current;
          b1 += c1 * next;
          b2 += c2 * next;
          b3 += c3 * next;
        }
        grid[0] = a1;
        grid[1] = a2;
        grid[2] = a3;
        grid[3] = twoXLines[v + STAGE2_TAPS / 2]!;
        grid[4] = b1;
        grid[5] = b2;
        grid[6] = b3;
        grid[7] = twoXLines[v + STAGE2_TAPS / 2 + 1]!;
        let peak = 0;
        for (let g = 0; g < DETECTOR_FACTOR; g++) {
          const s2 = grid[g]!;
          const abs0 = s0 < 0 ? -s0 : s0;
          const abs1 = s1 < 0 ? -s1 : s1;
          const abs2 = s2 < 0 ? -s2 : s2;
          if (abs2 > peak) peak = abs2;
          if (abs1 >= abs0 && abs1 >= abs2) {
            // s1 is a crest of |x| on the grid: the parabola's vertex estimates the true crest.
            const curvature = 2 * s1 - s0 - s2;
            if (curvature !== 0) {
              const slope = s2 - s0;
              const crest = abs1 + (slope * slope) / (8 * (curvature < 0 ? -curvature : curvature));
              if (crest > peak) peak = crest;
            }
          }
          s0 = s1;
          s1 = s2;
        }
        peak += NYQUIST_WEIGHT * hf;
        if (peak > peaks[i]!) peaks[i] = peak;
      }
      history[2 * c] = s0;
      history[2 * c + 1] = s1;
    }
    this.inputPos = inputPos;
    this.twoXPos = twoXPos;
  }

  /** Silence as history. Allocates nothing. */
  reset(): void {
    this.inputLines.fill(0);
    this.twoXLines.fill(0);
    this.gridHistory.fill(0);
    this.inputPos = 0;
    this.twoXPos = 0;
  }
}

/**
 * The near-Nyquist band (a low-pass at 0.06 fs turned into a band-pass at Nyquist by alternating
 * signs): unity from ~0.47 fs up, half at 0.44 fs, below -60 dB under ~0.39 fs. 81 taps, folded.
 */
function designNyquistBand(): Float64Array {
  const out = new Float64Array(NYQUIST_HALF + 1);
  let dc = 0;
  for (let j = 0; j <= NYQUIST_HALF; j++) {
    const r = j / (NYQUIST_HALF + 1);
    const sinc = j === 0 ? 2 * NYQUIST_CUTOFF : Math.sin(2 * Math.PI * NYQUIST_CUTOFF * j) / (Math.PI * j);
    out[j] = sinc * besselI0(NYQUIST_BETA * Math.sqrt(1 - r * r));
    dc += j === 0 ? out[j]! : 2 * out[j]!;
  }
  for (let j = 0; j <= NYQUIST_HALF; j++) out[j] = (out[j]! / dc) * (j % 2 === 0 ? 1 : -1);
  return out;
}

/** Zeroth-order modified Bessel function of the first kind (power series, for the Kaiser window). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 100 && term > 1e-17 * sum; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}
