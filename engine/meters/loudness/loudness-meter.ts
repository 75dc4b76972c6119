import { defaultChannelWeights } from './channel-weights.ts';
import { kWeightingCoefficients } from './k-weighting.ts';
import { ABSOLUTE_GATE_LUFS, LoudnessHistogram, LOUDNESS_OFFSET } from './loudness-histogram.ts';

export interface LoudnessMeterOptions {
  /** BS.1770 weight per channel (0 excludes it); default: see defaultChannelWeights. */
  readonly channelWeights?: readonly number[];
  /**
   * Stereo only: also gate and integrate the mono fold (L+R)/2 measured as dual mono (weight 2),
   * read by foldedIntegrated(). For offline QC (mono compatibility); off for live use, where it
   * would only cost memory (one more 160 kB histogram).
   */
  readonly foldedMono?: boolean;
}

/** Plain copy of every readout, in LUFS / LU; -Infinity where undefined so far. */
export interface LoudnessSnapshot {
  readonly momentary: number;
  readonly shortTerm: number;
  readonly integrated: number;
  readonly loudnessRange: number;
  readonly maxMomentary: number;
  readonly maxShortTerm: number;
  /** Seconds of audio measured since construction or reset. */
  readonly seconds: number;
  /** NaN/Infinity input samples, each measured as 0. */
  readonly nonFiniteSamples: number;
}

/** Slots of the array `readInto` fills. */
export const LOUDNESS_READOUT = {
  momentary: 0,
  shortTerm: 1,
  integrated: 2,
  loudnessRange: 3,
  maxMomentary: 4,
  maxShortTerm: 5,
} as const;
export const LOUDNESS_READOUT_COUNT = 6;

/** Sub-blocks (hops of round(fs / 100) frames) per window and per gating step. */
const MOMENTARY_HOPS = 40;
const SHORT_TERM_HOPS = 300;
const BLOCK_STEP_HOPS = 10;
const RELATIVE_GATE_LU = 10;
const RANGE_GATE_LU = 20;
/** Filter states below this (-600 dB) are zeroed: decaying towards double subnormals is 25x slower. */
const DENORMAL_FLOOR = 1e-30;
/** Slots of `scratch`. */
const HOP_ENERGY = 0;
const BLOCK_POWER = 1;
const FOLDED_HOP_ENERGY = 2;
const FOLDED_BLOCK_POWER = 3;

const M = 0;
const S = 1;
const MAX_M = 2;
const MAX_S = 3;
const I = 4;
const LRA = 5;

/**
 * BS.1770-5 / EBU Mode loudness meter, the same code for the live audio worker and for files.
 *
 * K-weighting (two biquads per channel, double precision) feeds a weighted mean square per
 * 10 ms sub-block (hop = round(fs / 100) frames) into a 3 s ring. Every hop the momentary
 * (40 hops = 0.4 s) and short-term (300 hops = 3 s) windows are re-summed from the ring: a
 * few hundred additions per 10 ms, and no running sum that could drift over hours. Every 10th
 * hop the 0.4 s block goes to the integrated-loudness histogram and, once 3 s are in, the
 * short-term value to the loudness-range histogram (Tech 3342 2023: sampled at >= 10 Hz).
 * At rates that are not multiples of 100 Hz the windows are 40 / 300 hops, a hair off 0.4 s /
 * 3 s (0.02 % at 69313 Hz): immaterial to any reading.
 *
 * Max momentary counts only from the first full 0.4 s, max short-term from the first full 3 s.
 * Before a window is full its value treats the missing past as silence (libebur128's choice).
 *
 * Stereo runs one loop over both channels (the same arithmetic per channel as the general loop,
 * so the same sums, bit for bit), which also gives the mono fold: K-weighting is linear, so the
 * filtered fold (L+R)/2 is (kL + kR) / 2, and with `foldedMono` its dual-mono energy per hop,
 * the sum of (kL + kR)^2 / 2, is gated and integrated on the stereo reading's 100 ms block
 * schedule. That is what a second meter fed (L+R)/2 would read, without its filters, up to
 * rounding (the fold is never formed in float32). A frame where one channel is NaN/Infinity
 * folds as the other channel's half (that channel's sample measured as 0).
 *
 * `process` runs on the audio thread; the constructor preallocates everything. Readout
 * getters return numbers (which V8 may box when not inlined: 16 bytes); on the audio thread
 * use `readInto`, which writes them all into a Float64Array.
 */
export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Frames per 10 ms sub-block. */
  readonly hop: number;
  private readonly coefficients: Float64Array;
  private readonly weights: Float64Array;
  /** Per channel: stage 1 s1, s2, stage 2 s1, s2 (transposed direct form II). */
  private readonly state: Float64Array;
  private readonly ring = new Float64Array(SHORT_TERM_HOPS);
  /**
   * [0] weighted sum of squares of the hop in progress, [1] a block power handed to a histogram,
   * [2], [3] the same for the mono fold.
   */
  private readonly scratch = new Float64Array(4);
  /** M, S, max M, max S, cached I, cached LRA. */
  private readonly readings = new Float64Array(6);
  /** [0] non-finite samples, [1] hops completed. */
  private readonly counters = new Float64Array(2);
  private readonly blocks = new LoudnessHistogram();
  private readonly shortTerms = new LoudnessHistogram();
  /** foldedMono: the fold's hop energies of the last 0.4 s, its gating blocks, cached I in [0]. */
  private readonly foldedRing: Float64Array | null;
  private readonly foldedBlocks: LoudnessHistogram | null;
  private readonly foldedReading = new Float64Array(1);
  private foldedStale = false;
  private ringPosition = 0;
  private hopFill = 0;
  private integratedStale = false;
  private rangeStale = false;

  constructor(sampleRate: number, channelCount: number, options: LoudnessMeterOptions = {}) {
    // K-weighting's shelf at 1.68 kHz needs fs well above twice that.
    if (!(sampleRate >= 8000 && sampleRate <= 1_000_000)) throw new RangeError(`sample rate ${sampleRate}`);
    if (!Number.isInteger(channelCount) || channelCount < 1)
      throw new RangeError(`channel count ${channelCount}`);
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.hop = Math.round(sampleRate / 100);
    this.coefficients = kWeightingCoefficients(sampleRate);
    if (options.channelWeights !== undefined) {
      if (options.channelWeights.length !== channelCount) throw new RangeError('one weight per channel');
      this.weights = Float64Array.from(options.channelWeights);
    } else {
      this.weights = defaultChannelWeights(channelCount);
    }
    this.state = new Float64Array(channelCount * 4);
    if (options.foldedMono === true) {
      if (channelCount !== 2) throw new RangeError('foldedMono needs 2 channels');
      this.foldedRing = new Float64Array(MOMENTARY_HOPS);
      this.foldedBlocks = new LoudnessHistogram();
    } else {
      this.foldedRing = null;
      this.foldedBlocks = null;
    }
    this.reset();
  }

  /** Forget everything measured (filters, windows, gating, maxima). Allocates nothing. */
  reset(): void {
    this.state.fill(0);
    this.ring.fill(0);
    this.scratch.fill(0);
    this.counters.fill(0);
    this.readings.fill(-Infinity);
    this.blocks.clear();
    this.shortTerms.clear();
    this.foldedRing?.fill(0);
    this.foldedBlocks?.clear();
    this.foldedReading[0] = -Infinity;
    this.foldedStale = false;
    this.ringPosition = 0;
    this.hopFill = 0;
    this.integratedStale = false;
    this.rangeStale = false;
  }

  /**
   * Audio thread: measure `frames` frames of planar `channels`. Allocates nothing and never
   * throws: missing channels count as silence, `frames` is clamped to the shortest channel,
   * and NaN/Infinity samples are measured as 0 and counted (`snapshot().nonFiniteSamples`),
   * so one bad sample cannot poison the integrated reading forever.
   */
  process(channels: readonly Float32Array[], frames: number): void {
    const channelCount = this.channelCount;
    const present = Math.min(channelCount, channels.length);
    let total = frames > 0 ? Math.floor(frames) : 0;
    for (let ch = 0; ch < present; ch++) total = Math.min(total, channels[ch]!.length);
    const c = this.coefficients;
    const b10 = c[0]!;
    const b11 = c[1]!;
    const b12 = c[2]!;
    const a11 = c[3]!;
    const a12 = c[4]!;
    const b20 = c[5]!;
    const b21 = c[6]!;
    const b22 = c[7]!;
    const a21 = c[8]!;
    const a22 = c[9]!;
    const state = this.state;
    const weights = this.weights;
    const scratch = this.scratch;
    const hop = this.hop;
    if (present === 2 && channelCount === 2 && weights[0] !== 0 && weights[1] !== 0) {
      this.processStereo(channels[0]!, channels[1]!, total);
      return;
    }
    let nonFinite = 0;
    let offset = 0;
    while (offset < total) {
      const end = offset + Math.min(total - offset, hop - this.hopFill);
      let energy = 0;
      for (let ch = 0; ch < present; ch++) {
        const weight = weights[ch]!;
        if (weight === 0) continue;
        const x = channels[ch]!;
        const o = ch * 4;
        let s1 = state[o]!;
        let s2 = state[o + 1]!;
        let t1 = state[o + 2]!;
        let t2 = state[o + 3]!;
        let sum = 0;
        for (let i = offset; i < end; i++) {
          let v = x[i]!;
          // v - v is NaN for NaN and for +-Infinity, 0 for every finite sample.
          if (v - v !== 0) {
            v = 0;
            nonFinite++;
          }
          const y1 = b10 * v + s1;
          s1 = b11 * v - a11 * y1 + s2;
          s2 = b12 * v - a12 * y1;
          const y2 = b20 * y1 + t1;
          t1 = b21 * y1 - a21 * y2 + t2;
          t2 = b22 * y1 - a22 * y2;
          sum += y2 * y2;
        }
        // Flush decaying states before they reach the (slow) subnormal range; a hop is at most
        // ~2000 frames, far too short to decay from 1e-30 to 1e-308.
        if (Math.abs(s1) < DENORMAL_FLOOR) s1 = 0;
        if (Math.abs(s2) < DENORMAL_FLOOR) s2 = 0;
        if (Math.abs(t1) < DENORMAL_FLOOR) t1 = 0;
        if (Math.abs(t2) < DENORMAL_FLOOR) t2 = 0;
        // Finite samples of absurd size (1e300) can still overflow the filter: start it afresh.
        if (!(Math.abs(s1) + Math.abs(s2) + Math.abs(t1) + Math.abs(t2) < Infinity)) {
          s1 = 0;
          s2 = 0;
          t1 = 0;
          t2 = 0;
        }
        state[o] = s1;
        state[o + 1] = s2;
        state[o + 2] = t1;
        state[o + 3] = t2;
        energy += weight * sum;
      }
      scratch[0] = scratch[0]! + energy;
      this.hopFill += end - offset;
      offset = end;
      if (this.hopFill === hop) {
        this.hopFill = 0;
        this.finishHop();
      }
    }
    if (nonFinite > 0) this.counters[0] = this.counters[0]! + nonFinite;
  }

  /**
   * process() for two channels with non-zero weights: both recursions in one loop, and the
   * fold's energy (kL + kR)^2 beside them. The same arithmetic per channel as the general loop
   * (stage 2's numerator is always [1, -2, 1], see k-weighting.ts: multiplying by it is exact,
   * so it is written out), so the readings are identical.
   */
  private processStereo(left: Float32Array, right: Float32Array, total: number): void {
    const c = this.coefficients;
    const b10 = c[0]!;
    const b11 = c[1]!;
    const b12 = c[2]!;
    const a11 = c[3]!;
    const a12 = c[4]!;
    const a21 = c[8]!;
    const a22 = c[9]!;
    const state = this.state;
    const weightLeft = this.weights[0]!;
    const weightRight = this.weights[1]!;
    const scratch = this.scratch;
    const hop = this.hop;
    let nonFinite = 0;
    let offset = 0;
    while (offset < total) {
      const end = offset + Math.min(total - offset, hop - this.hopFill);
      let ls1 = state[0]!;
      let ls2 = state[1]!;
      let lt1 = state[2]!;
      let lt2 = state[3]!;
      let rs1 = state[4]!;
      let rs2 = state[5]!;
      let rt1 = state[6]!;
      let rt2 = state[7]!;
      let sumLeft = 0;
      let sumRight = 0;
      let sumFolded = 0;
      for (let i = offset; i < end; i++) {
        let l = left[i]!;
        let r = right[i]!;
        // v - v is NaN for NaN and for +-Infinity, 0 for every finite sample.
        if (l - l !== 0) {
          l = 0;
          nonFinite++;
        }
        if (r - r !== 0) {
          r = 0;
          nonFinite++;
        }
        const ly1 = b10 * l + ls1;
        const ry1 = b10 * r + rs1;
        ls1 = b11 * l - a11 * ly1 + ls2;
        rs1 = b11 * r - a11 * ry1 + rs2;
        ls2 = b12 * l - a12 * ly1;
        rs2 = b12 * r - a12 * ry1;
        const ly2 = ly1 + lt1;
        const ry2 = ry1 + rt1;
        lt1 = -2 * ly1 - a21 * ly2 + lt2;
        rt1 = -2 * ry1 - a21 * ry2 + rt2;
        lt2 = ly1 - a22 * ly2;
        rt2 = ry1 - a22 * ry2;
        sumLeft += ly2 * ly2;
        sumRight += ry2 * ry2;
        const folded = ly2 + ry2;
        sumFolded += folded * folded;
      }
      if (Math.abs(ls1) < DENORMAL_FLOOR) ls1 = 0;
      if (Math.abs(ls2) < DENORMAL_FLOOR) ls2 = 0;
      if (Math.abs(lt1) < DENORMAL_FLOOR) lt1 = 0;
      if (Math.abs(lt2) < DENORMAL_FLOOR) lt2 = 0;
      if (Math.abs(rs1) < DENORMAL_FLOOR) rs1 = 0;
      if (Math.abs(rs2) < DENORMAL_FLOOR) rs2 = 0;
      if (Math.abs(rt1) < DENORMAL_FLOOR) rt1 = 0;
      if (Math.abs(rt2) < DENORMAL_FLOOR) rt2 = 0;
      if (!(Math.abs(ls1) + Math.abs(ls2) + Math.abs(lt1) + Math.abs(lt2) < Infinity)) {
        ls1 = 0;
        ls2 = 0;
        lt1 = 0;
        lt2 = 0;
      }
      if (!(Math.abs(rs1) + Math.abs(rs2) + Math.abs(rt1) + Math.abs(rt2) < Infinity)) {
        rs1 = 0;
        rs2 = 0;
        rt1 = 0;
        rt2 = 0;
      }
      state[0] = ls1;
      state[1] = ls2;
      state[2] = lt1;
      state[3] = lt2;
      state[4] = rs1;
      state[5] = rs2;
      state[6] = rt1;
      state[7] = rt2;
      scratch[HOP_ENERGY] = scratch[HOP_ENERGY]! + (weightLeft * sumLeft + weightRight * sumRight);
      // Dual mono of (kL + kR) / 2: 2 * sum(((kL + kR) / 2)^2), exactly sum((kL + kR)^2) / 2.
      scratch[FOLDED_HOP_ENERGY] = scratch[FOLDED_HOP_ENERGY]! + sumFolded / 2;
      this.hopFill += end - offset;
      offset = end;
      if (this.hopFill === hop) {
        this.hopFill = 0;
        this.finishHop();
      }
    }
    if (nonFinite > 0) this.counters[0] = this.counters[0]! + nonFinite;
  }

  /** A 10 ms sub-block is complete: update windows, maxima and, every 100 ms, the gating. */
  private finishHop(): void {
    const ring = this.ring;
    const scratch = this.scratch;
    const readings = this.readings;
    const counters = this.counters;
    let energy = scratch[HOP_ENERGY]!;
    scratch[HOP_ENERGY] = 0;
    if (!(energy < Infinity)) energy = 0; // overflowed: measured as silence, like a bad sample
    let position = this.ringPosition;
    ring[position] = energy;
    position = position + 1 === SHORT_TERM_HOPS ? 0 : position + 1;
    this.ringPosition = position;
    const hops = counters[1]! + 1;
    counters[1] = hops;

    // Newest first: the 40 newest hops are the momentary window, all 300 the short-term one.
    let momentary = 0;
    let index = position;
    for (let k = 0; k < MOMENTARY_HOPS; k++) {
      index = index === 0 ? SHORT_TERM_HOPS - 1 : index - 1;
      momentary += ring[index]!;
    }
    let shortTerm = momentary;
    for (let k = MOMENTARY_HOPS; k < SHORT_TERM_HOPS; k++) {
      index = index === 0 ? SHORT_TERM_HOPS - 1 : index - 1;
      shortTerm += ring[index]!;
    }
    const momentaryPower = momentary / (MOMENTARY_HOPS * this.hop);
    const shortTermPower = shortTerm / (SHORT_TERM_HOPS * this.hop);
    const m = LOUDNESS_OFFSET + 10 * Math.log10(momentaryPower);
    const s = LOUDNESS_OFFSET + 10 * Math.log10(shortTermPower);
    readings[M] = m;
    readings[S] = s;
    if (hops >= MOMENTARY_HOPS && m > readings[MAX_M]!) readings[MAX_M] = m;
    if (hops >= SHORT_TERM_HOPS && s > readings[MAX_S]!) readings[MAX_S] = s;
    if (hops % BLOCK_STEP_HOPS === 0) {
      // 400 ms gating blocks start every 100 ms from time 0; a block partly before the start
      // would be an incomplete block, which BS.1770 discards.
      if (hops >= MOMENTARY_HOPS && m >= ABSOLUTE_GATE_LUFS) {
        scratch[BLOCK_POWER] = momentaryPower;
        this.blocks.add(scratch, BLOCK_POWER);
        this.integratedStale = true;
      }
      if (hops >= SHORT_TERM_HOPS && s >= ABSOLUTE_GATE_LUFS) {
        scratch[BLOCK_POWER] = shortTermPower;
        this.shortTerms.add(scratch, BLOCK_POWER);
        this.rangeStale = true;
      }
    }
    if (this.foldedRing !== null) this.finishFoldedHop(this.foldedRing, hops);
    else scratch[FOLDED_HOP_ENERGY] = 0;
  }

  /** The mono fold's part of finishHop: its 0.4 s blocks, gated as the stereo ones are. */
  private finishFoldedHop(ring: Float64Array, hops: number): void {
    const scratch = this.scratch;
    let energy = scratch[FOLDED_HOP_ENERGY]!;
    scratch[FOLDED_HOP_ENERGY] = 0;
    if (!(energy < Infinity)) energy = 0;
    ring[(hops - 1) % MOMENTARY_HOPS] = energy;
    if (hops % BLOCK_STEP_HOPS !== 0 || hops < MOMENTARY_HOPS) return;
    let momentary = 0;
    for (let k = 0; k < MOMENTARY_HOPS; k++) momentary += ring[k]!;
    const power = momentary / (MOMENTARY_HOPS * this.hop);
    if (LOUDNESS_OFFSET + 10 * Math.log10(power) >= ABSOLUTE_GATE_LUFS) {
      scratch[FOLDED_BLOCK_POWER] = power;
      this.foldedBlocks!.add(scratch, FOLDED_BLOCK_POWER);
      this.foldedStale = true;
    }
  }

  /** Momentary loudness (0.4 s), LUFS. */
  momentary(): number {
    return this.readings[M]!;
  }

  /** Short-term loudness (3 s), LUFS. */
  shortTerm(): number {
    return this.readings[S]!;
  }

  maxMomentary(): number {
    return this.readings[MAX_M]!;
  }

  maxShortTerm(): number {
    return this.readings[MAX_S]!;
  }

  /**
   * Integrated (gated) loudness since reset, LUFS. Recomputed from the histogram (two passes
   * over 10,000 bins) only when a block arrived since the last call. Allocates nothing.
   */
  integrated(): number {
    if (this.integratedStale) {
      this.blocks.gatedLoudness(RELATIVE_GATE_LU, this.readings, I);
      this.integratedStale = false;
    }
    return this.readings[I]!;
  }

  /**
   * With `foldedMono`: integrated loudness of the mono fold (L+R)/2 as dual mono, LUFS, gated on
   * its own; -Infinity when it cancels (channels in antiphase). NaN without the option.
   */
  foldedIntegrated(): number {
    if (this.foldedBlocks === null) return Number.NaN;
    if (this.foldedStale) {
      this.foldedBlocks.gatedLoudness(RELATIVE_GATE_LU, this.foldedReading, 0);
      this.foldedStale = false;
    }
    return this.foldedReading[0]!;
  }

  /**
   * Loudness range (Tech 3342) of the short-term values so far, LU. A file measurement should
   * first append 1.5 s of silence (see measureLoudness). Allocates nothing.
   */
  loudnessRange(): number {
    if (this.rangeStale) {
      this.shortTerms.range(RANGE_GATE_LU, 0.1, 0.95, this.readings, LRA);
      this.rangeStale = false;
    }
    return this.readings[LRA]!;
  }

  /** Audio thread: every readout into `out` at the LOUDNESS_READOUT slots. Allocates nothing. */
  readInto(out: Float64Array): void {
    out[LOUDNESS_READOUT.momentary] = this.readings[M]!;
    out[LOUDNESS_READOUT.shortTerm] = this.readings[S]!;
    out[LOUDNESS_READOUT.maxMomentary] = this.readings[MAX_M]!;
    out[LOUDNESS_READOUT.maxShortTerm] = this.readings[MAX_S]!;
    this.integrated();
    this.loudnessRange();
    out[LOUDNESS_READOUT.integrated] = this.readings[I]!;
    out[LOUDNESS_READOUT.loudnessRange] = this.readings[LRA]!;
  }

  /** Main thread: a plain object of everything (allocates). */
  snapshot(): LoudnessSnapshot {
    return {
      momentary: this.momentary(),
      shortTerm: this.shortTerm(),
      integrated: this.integrated(),
      loudnessRange: this.loudnessRange(),
      maxMomentary: this.maxMomentary(),
      maxShortTerm: this.maxShortTerm(),
      seconds: (this.counters[1]! * this.hop + this.hopFill) / this.sampleRate,
      nonFiniteSamples: this.counters[0]!,
    };
  }
}
