/**
 * The part of a compressor between level detection and the gain multiply, shared by the channel
 * compressor and every band of the multiband compressor: static curve (soft-knee gain computer,
 * gain-computer.ts), ballistics, make-up gain and the bypass crossfade.
 *
 * Ballistics: the gain reduction (dB) is smoothed by a branching one-pole, attack while the
 * computed reduction is above the smoothed one, release otherwise (Giannoulis et al. 2012,
 * "smooth branching" detector, placed after the gain computer in the log domain). Times are
 * defined as the time to cover 1 - 1/e (63.2 %) of a step in gain reduction.
 *
 * With peak detection the level comes through a PeakHold of `holdFrames` = min(10 ms, release/2):
 * the one-pole then runs with (release - hold), so the release time keeps its definition exactly
 * (hold, then exponential: 63.2 % is reached at `release`). Mean-square (RMS) detection has no
 * hold; its 10 ms averaging window adds to both times.
 *
 * Where it runs: the processors give the core a view on their dynamics kernel's memory
 * (engine/wasm/dynamics.wat, $dynGains) and the kernel computes the gains, with the same
 * arithmetic except ln/exp (within 1 ulp of Math.log/Math.exp) and the one-pole inside a run of
 * one target (closed form): gains within 1e-11 dB. The core computes the coefficients
 * (configure); `computeGains` is the scalar reference the tests hold the kernel to.
 */
import { DENORMAL_FLUSH } from '../processors/block-processor.ts';
import { DynamicsSlot, initDynamicsSlots } from '../wasm/dynamics-kernel.ts';
import { compressorGainReductionDb } from './gain-computer.ts';

/** Offsets of the six consecutive values `configure` reads (the processors' parameter order). */
export const CORE_THRESHOLD = 0;
export const CORE_RATIO = 1;
export const CORE_KNEE = 2;
export const CORE_ATTACK = 3;
export const CORE_RELEASE = 4;
export const CORE_MAKEUP = 5;

/** Level kinds: linear amplitude (peak) or mean square (RMS detector). */
export const LEVEL_PEAK = 0;
export const LEVEL_MEAN_SQUARE = 1;

/** Longest peak hold: tones from 50 Hz up (half period 10 ms) read their crest level. */
export const MAX_HOLD_MS = 10;
/** Linear crossfade when the compressor is switched on or off (or a band bypassed). */
export const BYPASS_RAMP_MS = 10;

/** ln(10)/20: dB -> natural log of the linear gain. */
const DB_TO_LN = Math.LN10 / 20;
/**
 * A mean square reads as the peak of the sine with that power (AES17 "dBFS": RMS + 3.01 dB), so
 * a sine's level is the same in peak and RMS mode and the threshold means the same in both.
 */
const SINE_CREST_DB = 10 * Math.log10(2);

// Slots of the core's Float64Array: the dynamics kernel's shared settings block
// (dynamics-kernel.ts, DynamicsSlot), then the compressor's curve.
const ATTACK_COEF = DynamicsSlot.attack;
const RELEASE_COEF = DynamicsSlot.release;
const RAMP_STEP = DynamicsSlot.rampStep;
const RAMP_TARGET = DynamicsSlot.rampTarget;
const GAIN_REDUCTION = DynamicsSlot.state;
const RAMP = DynamicsSlot.ramp;
const MAX_GAIN_REDUCTION = DynamicsSlot.maxState;
const MAKEUP = DynamicsSlot.makeup;
const MAKEUP_NOW = DynamicsSlot.makeupNow;
const LAST_LEVEL = DynamicsSlot.lastLevel;
const THRESHOLD = DynamicsSlot.curve;
const SLOPE = DynamicsSlot.curve + 1;
const KNEE = DynamicsSlot.curve + 2;
const KNEE_START = DynamicsSlot.curve + 3;
const LEVEL_SCALE = DynamicsSlot.curve + 4;
const LEVEL_OFFSET = DynamicsSlot.curve + 5;
/** The knee's derived values the kernel reads: W/2, 2W, -W. */
const HALF_KNEE = DynamicsSlot.curve + 6;
const TWO_KNEE = DynamicsSlot.curve + 7;
const NEG_KNEE = DynamicsSlot.curve + 8;
/** Doubles a core needs (the kernel's power tables may follow: dynamicsBlockSlots). */
export const CORE_SLOTS = DynamicsSlot.tables;
// cache slots: the values the settings were derived from
const SEEN_THRESHOLD = 0;
const SEEN_RATIO = 1;
const SEEN_KNEE = 2;
const SEEN_ATTACK = 3;
const SEEN_RELEASE = 4;
const SEEN_LEVEL = 5;
const SEEN = 6;

export class CompressorCore {
  /** Largest gain reduction (dB, positive = reduction) of the last block, for the meters. */
  readonly gainReductionDb: Float64Array;
  private readonly sampleRate: number;
  /** Settings, state and outputs (see the slot list); kernel memory when the kernel runs it. */
  private readonly slots: Float64Array;
  private readonly seen = new Float64Array(SEEN).fill(Number.NaN);
  /** Peak-hold window the detector must use (samples; 0 in mean-square mode). */
  private hold = 0;
  private enabled = 1;

  /**
   * `slots`: at least CORE_SLOTS doubles to keep settings and state in, e.g. a view on a
   * dynamics kernel's memory (dynamicsBlockSlots long) so that the kernel computes the gains
   * (dynamics-kernel.ts); by default its own array.
   */
  constructor(sampleRate: number, slots: Float64Array = new Float64Array(CORE_SLOTS)) {
    if (slots.length < CORE_SLOTS) throw new RangeError(`a compressor core needs ${CORE_SLOTS} slots`);
    this.sampleRate = sampleRate;
    this.slots = slots;
    this.gainReductionDb = slots.subarray(MAX_GAIN_REDUCTION, MAX_GAIN_REDUCTION + 1);
    initDynamicsSlots(slots, 1000 / (BYPASS_RAMP_MS * sampleRate));
  }

  /** Peak-hold window (samples) for the detector in front of this core. */
  get holdFrames(): number {
    return this.hold;
  }

  /**
   * Reads threshold (dB), ratio, knee (dB), attack (ms), release (ms), make-up (dB) from
   * `values[offset + CORE_*]`; `level` is LEVEL_PEAK or LEVEL_MEAN_SQUARE, `enabled` 1 or 0
   * (0 fades to unity gain over BYPASS_RAMP_MS). Recomputes coefficients only for changed values.
   * Audio thread: allocates nothing, never throws.
   */
  configure(values: Float64Array, offset: number, level: number, enabled: number): void {
    const s = this.slots;
    const seen = this.seen;
    const threshold = values[offset + CORE_THRESHOLD]!;
    const ratio = values[offset + CORE_RATIO]!;
    const knee = values[offset + CORE_KNEE]!;
    const attack = values[offset + CORE_ATTACK]!;
    const release = values[offset + CORE_RELEASE]!;
    const levelChanged = level !== seen[SEEN_LEVEL];
    if (levelChanged || threshold !== seen[SEEN_THRESHOLD] || knee !== seen[SEEN_KNEE]) {
      seen[SEEN_THRESHOLD] = threshold;
      seen[SEEN_KNEE] = knee;
      const kneeDb = Math.max(0, knee);
      const peak = level === LEVEL_PEAK;
      s[THRESHOLD] = threshold;
      s[KNEE] = kneeDb;
      s[HALF_KNEE] = kneeDb / 2;
      s[TWO_KNEE] = 2 * kneeDb;
      s[NEG_KNEE] = -kneeDb;
      s[LEVEL_SCALE] = (peak ? 20 : 10) / Math.LN10;
      s[LEVEL_OFFSET] = peak ? 0 : SINE_CREST_DB;
      // Detector value below which the curve gives no reduction: skips the log there.
      s[KNEE_START] = Math.exp((threshold - kneeDb / 2 - s[LEVEL_OFFSET]) / s[LEVEL_SCALE]);
      s[LAST_LEVEL] = Number.NaN;
    }
    if (ratio !== seen[SEEN_RATIO]) {
      seen[SEEN_RATIO] = ratio;
      s[SLOPE] = 1 - 1 / Math.max(1, ratio);
      s[LAST_LEVEL] = Number.NaN;
    }
    if (attack !== seen[SEEN_ATTACK]) {
      seen[SEEN_ATTACK] = attack;
      s[ATTACK_COEF] = Math.exp(-1000 / (Math.max(0.01, attack) * this.sampleRate));
    }
    if (levelChanged || release !== seen[SEEN_RELEASE]) {
      seen[SEEN_RELEASE] = release;
      const releaseFrames = (Math.max(0.1, release) * this.sampleRate) / 1000;
      // `| 0`: an int, so it crosses calls (setWindow) unboxed.
      const hold =
        level === LEVEL_PEAK
          ? Math.round(Math.min((MAX_HOLD_MS * this.sampleRate) / 1000, releaseFrames / 2)) | 0
          : 0;
      this.hold = hold;
      s[RELEASE_COEF] = Math.exp(-1 / (releaseFrames - hold));
    }
    seen[SEEN_LEVEL] = level;
    s[MAKEUP] = values[offset + CORE_MAKEUP]!;
    this.enabled = enabled === 0 ? 0 : 1;
    s[RAMP_TARGET] = this.enabled;
    if (this.enabled === 0 && s[RAMP] === 0) {
      // Fully bypassed: start clean when switched back on.
      s[GAIN_REDUCTION] = 0;
      s.copyWithin(MAKEUP_NOW, MAKEUP, MAKEUP + 1);
      s[MAX_GAIN_REDUCTION] = 0;
    }
  }

  /** True while bypassed and the crossfade has finished: the gains would all be 1. */
  isIdle(): boolean {
    return this.enabled === 0 && this.slots[RAMP] === 0;
  }

  /**
   * levels (detector values: amplitude or mean square, see configure) -> linear gains to multiply
   * the signal with, make-up and bypass crossfade included; make-up changes are ramped across
   * the block. `gains` may be `levels`. The scalar reference of the dynamics kernel's $compGains
   * (which the processors run; the tests hold the two together). Audio thread: allocates
   * nothing, never throws.
   */
  computeGains(levels: Float64Array, gains: Float64Array, frames: number): void {
    const s = this.slots;
    const st = s;
    const threshold = s[THRESHOLD]!;
    const slope = s[SLOPE]!;
    const knee = s[KNEE]!;
    const kneeStart = s[KNEE_START]!;
    const attack = s[ATTACK_COEF]!;
    const release = s[RELEASE_COEF]!;
    const scale = s[LEVEL_SCALE]!;
    const offset = s[LEVEL_OFFSET]!;
    const rampStep = s[RAMP_STEP]!;
    const rampTarget = this.enabled;
    let gr = st[GAIN_REDUCTION]!;
    let makeup = st[MAKEUP_NOW]!;
    const makeupStep = frames > 0 ? (s[MAKEUP]! - makeup) / frames : 0;
    let ramp = st[RAMP]!;
    let maxGr = 0;
    // The held peak level is often constant for many samples, and without reduction the gain is:
    // skip the log and the exp when their argument did not change.
    let lastLevel = -1;
    let target = 0;
    let lastDb = Number.NaN;
    let g = 1;
    for (let i = 0; i < frames; i++) {
      const level = levels[i]!;
      if (level !== lastLevel) {
        lastLevel = level;
        target =
          level > kneeStart
            ? compressorGainReductionDb(scale * Math.log(level) + offset, threshold, slope, knee)
            : 0;
      }
      gr = target > gr ? target + attack * (gr - target) : target + release * (gr - target);
      makeup += makeupStep;
      if (ramp !== rampTarget) {
        ramp = rampTarget > ramp ? Math.min(1, ramp + rampStep) : Math.max(0, ramp - rampStep);
      }
      const db = makeup - gr;
      if (db !== lastDb) {
        lastDb = db;
        g = Math.exp(DB_TO_LN * db);
      }
      gains[i] = 1 + (g - 1) * ramp;
      const shown = gr * ramp;
      if (shown > maxGr) maxGr = shown;
    }
    st[GAIN_REDUCTION] = gr < DENORMAL_FLUSH ? 0 : gr;
    st[MAKEUP_NOW] = s[MAKEUP]!;
    st[RAMP] = ramp;
    s[MAX_GAIN_REDUCTION] = maxGr;
  }

  /**
   * Clears the ballistics (no reduction) and finishes any crossfade. Allocates nothing, even
   * before V8 optimises it (rarely called, so often interpreted): the make-up is copied within
   * the array, never read into a JavaScript number (which the interpreter would box).
   */
  reset(): void {
    const s = this.slots;
    s[GAIN_REDUCTION] = 0;
    s.copyWithin(MAKEUP_NOW, MAKEUP, MAKEUP + 1);
    s[RAMP] = this.enabled;
    s[MAX_GAIN_REDUCTION] = 0;
  }
}
