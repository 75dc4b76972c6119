import { FULL_SCALE_SINE_MEAN_SQUARE } from './aes17-level.ts';

export interface StereoImageMeterOptions {
  /** Length of the sliding window, seconds (whole 10 ms hops). Default 0.3. */
  readonly windowSeconds?: number;
}

/** Slots of the array `readInto` fills (from its offset). */
export const STEREO_IMAGE_READOUT = {
  /** Phase correlation over the window, -1..+1 (0 while either channel is below -70 dB FS). */
  correlation: 0,
  /** Right level minus left level over the window, dB: > 0 leans right (+-Infinity if one side is silent). */
  balanceDb: 1,
  /** RMS of M = (L + R) / 2, dB FS (AES17). */
  midDbfs: 2,
  /** RMS of S = (L - R) / 2, dB FS (AES17). */
  sideDbfs: 3,
  leftDbfs: 4,
  rightDbfs: 5,
} as const;
export const STEREO_IMAGE_READOUT_COUNT = 6;

/** Whole-run figures (offline QC), from `summary()`. */
export interface StereoImageSummary {
  /** Lowest window correlation, or null if no full window had both channels above -70 dB FS. */
  readonly correlationMin: number | null;
  /** Mean of those window correlations (one per 10 ms hop), or null. */
  readonly correlationMean: number | null;
  /** Windows that counted. */
  readonly windows: number;
  /** Over the whole run, as the readout slots of the same names. */
  readonly balanceDb: number;
  readonly midDbfs: number;
  readonly sideDbfs: number;
  readonly leftDbfs: number;
  readonly rightDbfs: number;
}

/** -70 dB FS RMS (AES17) as a mean square: quieter windows are noise floors that correlate at random. */
const QUIET_MEAN_SQUARE = FULL_SCALE_SINE_MEAN_SQUARE * 1e-7;
const TO_SINE_REFERENCE = 1 / FULL_SCALE_SINE_MEAN_SQUARE;

// sums: L^2, R^2, L*R
const LL = 0;
const RR = 1;
const LR = 2;
const SUMS = 3;
// statistics
const MIN_R = 0;
const SUM_R = 1;
const COUNTED = 2;
const HOPS = 3;

/**
 * Phase correlation, balance and mid/side levels of a stereo pair over a sliding window (300 ms by
 * default), updated every 10 ms hop (round(fs / 100) frames), for the live meter and offline.
 *
 * Per hop the meter keeps three sums, L^2, R^2 and L*R, in a ring of one window; every hop the
 * window is re-summed from the ring (no running sum to drift over hours). Everything follows
 * from the three sums, exactly:
 *   correlation r = sum(LR) / sqrt(sum(L^2) sum(R^2))  (no mean removed, as correlation meters do:
 *                   identical channels +1, inverted -1, unrelated about 0),
 *   M^2 = (L^2 + 2 LR + R^2) / 4,  S^2 = (L^2 - 2 LR + R^2) / 4,  balance = 10 log10(R^2 / L^2).
 * Levels are AES17 dB FS RMS (a full-scale sine reads 0). Before the first full window the missing
 * past counts as silence; the whole-run correlation statistics count full windows only.
 *
 * `process`, `readInto` and `reset` run on the audio thread: they allocate nothing and never
 * throw; NaN/Infinity samples count as 0. `summary()` allocates (main thread, offline).
 */
export class StereoImageMeter {
  readonly sampleRate: number;
  /** Frames per hop. */
  readonly hop: number;
  /** Hops per window. */
  readonly windowHops: number;
  private readonly ring: Float64Array;
  /** Sums of the hop in progress. */
  private readonly partial = new Float64Array(SUMS);
  /** Sums over the window, as last evaluated. */
  private readonly window = new Float64Array(SUMS);
  /** Sums over everything measured. */
  private readonly totals = new Float64Array(SUMS);
  private readonly readings = new Float64Array(STEREO_IMAGE_READOUT_COUNT);
  private readonly statistics = new Float64Array(4);
  private ringPosition = 0;
  private hopFill = 0;

  constructor(sampleRate: number, options: StereoImageMeterOptions = {}) {
    if (!(sampleRate >= 8000 && sampleRate <= 1_000_000)) throw new RangeError(`sample rate ${sampleRate}`);
    const windowSeconds = options.windowSeconds ?? 0.3;
    if (!(windowSeconds >= 0.01 && windowSeconds <= 60)) throw new RangeError(`window ${windowSeconds} s`);
    this.sampleRate = sampleRate;
    this.hop = Math.round(sampleRate / 100);
    this.windowHops = Math.round(windowSeconds * 100);
    this.ring = new Float64Array(this.windowHops * SUMS);
    this.reset();
  }

  /** Forget everything measured. Allocates nothing. */
  reset(): void {
    this.ring.fill(0);
    this.partial.fill(0);
    this.window.fill(0);
    this.totals.fill(0);
    this.statistics.fill(0);
    this.statistics[MIN_R] = Infinity;
    this.ringPosition = 0;
    this.hopFill = 0;
    evaluate(this.window, this.windowHops * this.hop, this.readings);
  }

  /**
   * Audio thread: measure `frames` frames of `left` and `right` (clamped to the shorter array).
   * Allocates nothing, never throws.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    let total = frames > 0 ? Math.floor(frames) : 0;
    if (left.length < total) total = left.length;
    if (right.length < total) total = right.length;
    const partial = this.partial;
    const hop = this.hop;
    let offset = 0;
    while (offset < total) {
      const end = offset + Math.min(total - offset, hop - this.hopFill);
      let ll = 0;
      let rr = 0;
      let lr = 0;
      for (let i = offset; i < end; i++) {
        let l = left[i]!;
        let r = right[i]!;
        // x - x is NaN for NaN and +-Infinity, 0 for every finite sample.
        if (l - l !== 0) l = 0;
        if (r - r !== 0) r = 0;
        ll += l * l;
        rr += r * r;
        lr += l * r;
      }
      partial[LL] = partial[LL]! + ll;
      partial[RR] = partial[RR]! + rr;
      partial[LR] = partial[LR]! + lr;
      this.hopFill += end - offset;
      offset = end;
      if (this.hopFill === hop) {
        this.hopFill = 0;
        this.finishHop();
      }
    }
  }

  private finishHop(): void {
    const ring = this.ring;
    const partial = this.partial;
    const totals = this.totals;
    const at = this.ringPosition * SUMS;
    for (let k = 0; k < SUMS; k++) {
      let sum = partial[k]!;
      // An absurd (finite) sample can overflow a sum: measured as silence, like a bad sample.
      if (!(sum - sum === 0)) sum = 0;
      ring[at + k] = sum;
      totals[k] = totals[k]! + sum;
      partial[k] = 0;
    }
    this.ringPosition = this.ringPosition + 1 === this.windowHops ? 0 : this.ringPosition + 1;
    let ll = 0;
    let rr = 0;
    let lr = 0;
    for (let k = 0; k < ring.length; k += SUMS) {
      ll += ring[k + LL]!;
      rr += ring[k + RR]!;
      lr += ring[k + LR]!;
    }
    // Through a typed array: doubles passed to a call V8 does not inline are boxed.
    const window = this.window;
    window[LL] = ll;
    window[RR] = rr;
    window[LR] = lr;
    const frames = this.windowHops * this.hop;
    const readings = this.readings;
    evaluate(window, frames, readings);
    const statistics = this.statistics;
    const hops = statistics[HOPS]! + 1;
    statistics[HOPS] = hops;
    const quiet = QUIET_MEAN_SQUARE * frames;
    if (hops >= this.windowHops && ll >= quiet && rr >= quiet) {
      const r = readings[STEREO_IMAGE_READOUT.correlation]!;
      if (r < statistics[MIN_R]!) statistics[MIN_R] = r;
      statistics[SUM_R] = statistics[SUM_R]! + r;
      statistics[COUNTED] = statistics[COUNTED]! + 1;
    }
  }

  /** Audio thread: the window's readings into `out` at offset + STEREO_IMAGE_READOUT. Allocates nothing. */
  readInto(out: Float64Array, offset: number): void {
    const readings = this.readings;
    for (let k = 0; k < STEREO_IMAGE_READOUT_COUNT; k++) out[offset + k] = readings[k]!;
  }

  /** Main thread / offline: whole-run figures (allocates). */
  summary(): StereoImageSummary {
    const frames = this.statistics[HOPS]! * this.hop;
    const levels = new Float64Array(STEREO_IMAGE_READOUT_COUNT);
    evaluate(this.totals, Math.max(1, frames), levels);
    const counted = this.statistics[COUNTED]!;
    return {
      correlationMin: counted > 0 ? this.statistics[MIN_R]! : null,
      correlationMean: counted > 0 ? this.statistics[SUM_R]! / counted : null,
      windows: counted,
      balanceDb: levels[STEREO_IMAGE_READOUT.balanceDb]!,
      midDbfs: levels[STEREO_IMAGE_READOUT.midDbfs]!,
      sideDbfs: levels[STEREO_IMAGE_READOUT.sideDbfs]!,
      leftDbfs: levels[STEREO_IMAGE_READOUT.leftDbfs]!,
      rightDbfs: levels[STEREO_IMAGE_READOUT.rightDbfs]!,
    };
  }
}

/**
 * Readings from `sums` (L^2, R^2, LR over `frames` frames) into `out` at the readout slots.
 * Allocates nothing.
 */
function evaluate(sums: Float64Array, frames: number, out: Float64Array): void {
  const ll = sums[LL]!;
  const rr = sums[RR]!;
  const lr = sums[LR]!;
  const quiet = QUIET_MEAN_SQUARE * frames;
  let r = 0;
  if (ll >= quiet && rr >= quiet) {
    r = lr / Math.sqrt(ll * rr);
    if (r > 1) r = 1;
    if (r < -1) r = -1;
  }
  out[STEREO_IMAGE_READOUT.correlation] = r;
  const scale = TO_SINE_REFERENCE / frames;
  // Rounding can leave M^2 or S^2 a hair below 0 for (anti-)identical channels: clamp to 0.
  const mm = 0.25 * (ll + 2 * lr + rr);
  const ss = 0.25 * (ll - 2 * lr + rr);
  out[STEREO_IMAGE_READOUT.midDbfs] = 10 * Math.log10(Math.max(mm, 0) * scale);
  out[STEREO_IMAGE_READOUT.sideDbfs] = 10 * Math.log10(Math.max(ss, 0) * scale);
  out[STEREO_IMAGE_READOUT.leftDbfs] = 10 * Math.log10(ll * scale);
  out[STEREO_IMAGE_READOUT.rightDbfs] = 10 * Math.log10(rr * scale);
  if (ll === 0 && rr === 0) out[STEREO_IMAGE_READOUT.balanceDb] = 0;
  else out[STEREO_IMAGE_READOUT.balanceDb] = 10 * Math.log10(rr / ll);
}
