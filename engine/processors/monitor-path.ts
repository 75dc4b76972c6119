/**
 * The monitor path: what the engineer hears, after the master (print) bus. Renders never pass
 * through it; the console graph runs it only for the device outputs (ConsoleGraph `monitor`).
 *
 * Per speaker N (1-based, device output N; a one-output device gets (speaker 1 + speaker 2) / 2):
 *   source (left, right or (L+R)/2 of the master; the mono switch turns left and right into
 *   (L+R)/2, i.e. each side at -6 dB) x preamp x trim -> up to MONITOR_EQ_SECTIONS cookbook
 *   sections (peaking, low shelf, high shelf, Q form, in double) -> delay (whole samples, up to
 *   50 ms) -> level x dim x mute x set gain -> hard clip at the ceiling -> output.
 *
 * - Gains are ramped linearly across each block from the smoothed parameters (no zipper); dim
 *   glides in dB (its switch ramps 0..1 and scales the dim amount in dB).
 * - Speaker sets: `monitor/set` chooses A or B; each speaker's set gain moves linearly 0..1 over
 *   SET_FADE_MS when it joins or leaves what plays, so switching never clicks. A speaker whose
 *   set gain has reached 0 is cleared (delay line, filter state) and then costs nothing.
 * - A delay change crossfades from the old tap to the new one over DELAY_FADE_MS.
 * - The ceiling is a hard clipper on the sample value (the last operation, after every gain),
 *   compared against the largest float32 at or below 10^(ceiling/20), so no sample that leaves is
 *   above the ceiling in dBFS. It is a safety net, not a limiter: zero latency, no pumping; the
 *   print bus has the true-peak limiter. Clipped samples are counted in `clipCount`.
 *
 * `update`, `process` and `reset` run on the audio thread: they allocate nothing, log nothing,
 * never await or throw.
 */
import {
  BIQUAD_COEFFICIENTS,
  BiquadKind,
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_GAIN_DB,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  designBiquad,
} from '../dsp/biquad-design.ts';
import { BiquadCascade } from '../dsp/biquad-filter.ts';
import { ringSizeFor } from '../dsp/delay-line.ts';
import { linearRampBlockStep } from '../dsp/smoothing.ts';
import * as P from './monitor/monitor-params.ts';

// Module-local copies: under transforms that turn imports into getters (tsx's CommonJS output,
// vitest), every read of an imported binding in the per-block loops would be a call.
const EQ_FREQ = P.EQ_FREQ;
const EQ_GAIN = P.EQ_GAIN;
const EQ_ON = P.EQ_ON;
const EQ_PARAMS = P.EQ_PARAMS;
const EQ_Q = P.EQ_Q;
const EQ_TYPE = P.EQ_TYPE;
const MONITOR_CEILING = P.MONITOR_CEILING;
const MONITOR_DIM = P.MONITOR_DIM;
const MONITOR_DIM_DB = P.MONITOR_DIM_DB;
const MONITOR_EQ_SECTIONS = P.MONITOR_EQ_SECTIONS;
const MONITOR_LEVEL = P.MONITOR_LEVEL;
const MONITOR_MAX_DELAY_MS = P.MONITOR_MAX_DELAY_MS;
const MONITOR_MONO = P.MONITOR_MONO;
const MONITOR_MUTE = P.MONITOR_MUTE;
const MONITOR_SET = P.MONITOR_SET;
const MONITOR_SPEAKERS = P.MONITOR_SPEAKERS;
const SPEAKER_DELAY_MS = P.SPEAKER_DELAY_MS;
const SPEAKER_EQ = P.SPEAKER_EQ;
const SPEAKER_PREAMP = P.SPEAKER_PREAMP;
const SPEAKER_SET_A = P.SPEAKER_SET_A;
const SPEAKER_SET_B = P.SPEAKER_SET_B;
const SPEAKER_SOURCE = P.SPEAKER_SOURCE;
const SPEAKER_TRIM = P.SPEAKER_TRIM;
const MONITOR_PATH_PARAMS = P.MONITOR_PATH_PARAMS;
const SPEAKER_PARAMS = P.SPEAKER_PARAMS;
const SPEAKERS_BASE = P.speakerParamBase(0);

/** Speaker set crossfade (A/B switching, set membership changes, routing). */
export const SET_FADE_MS = 20;
/** Crossfade between the old and the new delay tap when a speaker's delay changes. */
export const DELAY_FADE_MS = 10;

/** Slots of `ramp`. */
const RAMP_MONO_START = 0;
const RAMP_SET_START = 1;

/** EQ type choice -> design. */
const TYPE_KINDS = [BiquadKind.peaking, BiquadKind.lowShelf, BiquadKind.highShelf] as const;
/** Left and right weights of each source choice (left, right, mono) before the mono switch. */
const SOURCE_LEFT = Float64Array.of(1, 0, 0.5);
const SOURCE_RIGHT = Float64Array.of(0, 1, 0.5);

export class MonitorPath {
  readonly latencyFrames = 0;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  /** Longest speaker delay in samples at this rate. */
  readonly maxDelayFrames: number;
  /** Samples clipped at the ceiling per speaker since construction (wraps at 2^31). */
  readonly clipCount = new Int32Array(MONITOR_SPEAKERS);
  private readonly cascades: BiquadCascade[];
  /** Whether any section of the speaker's cascade runs this block. */
  private readonly eqRunning = new Uint8Array(MONITOR_SPEAKERS);
  /** Values the EQ sections were designed from, per speaker and section (NaN: never). */
  private readonly designed: Float64Array;
  private readonly args = new Float64Array(DESIGN_ARGS);
  private readonly rings: Float64Array[];
  private readonly ringMask: number;
  private readonly writeIndex = new Int32Array(MONITOR_SPEAKERS);
  /** Delay in effect, the tap faded out from, frames of fade left, and the requested delay. */
  private readonly delayNow = new Int32Array(MONITOR_SPEAKERS);
  private readonly delayOld = new Int32Array(MONITOR_SPEAKERS);
  private readonly fadeLeft = new Int32Array(MONITOR_SPEAKERS);
  private readonly delayTarget = new Int32Array(MONITOR_SPEAKERS);
  private readonly delayFadeFrames: number;
  /** 1 while a speaker has state worth keeping (it plays or fades); 0 once cleared. */
  private readonly active = new Uint8Array(MONITOR_SPEAKERS);
  /** Per speaker, at the end of the previous block: set gain (0..1), preamp x trim. */
  private readonly setGain = new Float64Array(MONITOR_SPEAKERS);
  private readonly preGain = new Float64Array(MONITOR_SPEAKERS);
  /** [mono at the end of the previous block, this block's global gain start, end, mono end]. */
  private readonly globals = new Float64Array(4);
  /** This block's ramp starts handed to runSpeaker (a double argument could be boxed). */
  private readonly ramp = new Float64Array(2);
  /** The ceiling as the largest float32 <= 10^(dB / 20), and the dB value it came from. */
  private readonly ceiling = Float64Array.of(1, Number.NaN);
  private readonly ceilingFloat = new Float32Array(1);
  private readonly ceilingBits = new Int32Array(this.ceilingFloat.buffer);
  private readonly work: Float64Array;
  private values: Float64Array = new Float64Array(MONITOR_PATH_PARAMS.length);
  private base = 0;
  private setStep = 0;
  private setStepFrames = -1;
  /** 1: the next block starts every ramp at its end value (after reset or a jump). */
  private settled = 1;

  /** Set-up: allocates delay lines for MONITOR_MAX_DELAY_MS and buffers for `maxBlockFrames`. */
  constructor(sampleRate: number, maxBlockFrames: number) {
    this.sampleRate = sampleRate;
    this.maxBlockFrames = maxBlockFrames;
    this.maxDelayFrames = Math.ceil((MONITOR_MAX_DELAY_MS / 1000) * sampleRate);
    this.delayFadeFrames = Math.max(1, Math.round((DELAY_FADE_MS / 1000) * sampleRate));
    const ringSize = ringSizeFor(this.maxDelayFrames + maxBlockFrames + 1);
    this.ringMask = ringSize - 1;
    this.rings = Array.from({ length: MONITOR_SPEAKERS }, () => new Float64Array(ringSize));
    this.cascades = Array.from({ length: MONITOR_SPEAKERS }, () => new BiquadCascade(MONITOR_EQ_SECTIONS, 1));
    this.designed = new Float64Array(MONITOR_SPEAKERS * MONITOR_EQ_SECTIONS * EQ_PARAMS).fill(Number.NaN);
    this.work = new Float64Array(maxBlockFrames);
    this.args[DESIGN_SAMPLE_RATE] = sampleRate;
    for (let i = 0; i < MONITOR_PATH_PARAMS.length; i++) this.values[i] = MONITOR_PATH_PARAMS[i]!.default;
  }

  /**
   * Audio thread: take this block's smoothed values (`values[base + i]`, MONITOR_PATH_PARAMS
   * order). Speakers' delays and EQ sections are taken in `process`, for the speakers that play
   * (a silent speaker costs nothing). Allocates nothing.
   */
  update(values: Float64Array, base: number): void {
    this.values = values;
    this.base = base;
    if (values[base + MONITOR_CEILING] !== this.ceiling[1]) this.updateCeiling();
  }

  /**
   * Audio thread: one block of the master (`left`, `right`, planar) to the speakers, written to
   * `output` (interleaved, `outputChannels` channels; channels past the speakers are silent).
   * `jump` (after a parameter jump) starts this block's ramps at their end values. Allocates
   * nothing, never throws.
   */
  process(
    left: Float32Array,
    right: Float32Array,
    output: Float32Array,
    outputChannels: number,
    frames: number,
    jump: boolean,
  ): void {
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    const values = this.values;
    const base = this.base;
    if (n !== this.setStepFrames) {
      this.setStepFrames = n;
      this.setStep = linearRampBlockStep(SET_FADE_MS, this.sampleRate, n);
    }
    const settled = jump || this.settled === 1;
    this.settled = 0;
    const dimDb = values[base + MONITOR_DIM_DB]! * values[base + MONITOR_DIM]!;
    const globalEnd =
      Math.pow(10, (values[base + MONITOR_LEVEL]! + dimDb) / 20) * (1 - values[base + MONITOR_MUTE]!);
    const monoEnd = values[base + MONITOR_MONO]!;
    const globals = this.globals;
    globals[1] = settled ? globalEnd : globals[2]!;
    globals[2] = globalEnd;
    this.ramp[RAMP_MONO_START] = settled ? monoEnd : globals[0]!;
    globals[0] = monoEnd;
    globals[3] = monoEnd;
    const useB = values[base + MONITOR_SET]! >= 0.5;
    const mono = outputChannels === 1;
    const routed = mono ? 2 : outputChannels < MONITOR_SPEAKERS ? outputChannels : MONITOR_SPEAKERS;
    if (mono) output.fill(0, 0, n);
    for (let s = 0; s < MONITOR_SPEAKERS; s++) {
      if (s >= routed) {
        // No output for this speaker on this device: nothing to fade, nowhere to write.
        this.setGain[s] = 0;
        if (this.active[s] === 1) this.clearSpeaker(s);
        continue;
      }
      const at = base + (SPEAKERS_BASE + s * SPEAKER_PARAMS);
      const member = values[at + (useB ? SPEAKER_SET_B : SPEAKER_SET_A)]! >= 0.5 ? 1 : 0;
      const previous = this.setGain[s]!;
      // Arithmetic, not a choice between `member` and a double: V8 boxes such a phi.
      const delta = member - previous;
      const step = this.setStep;
      const limited = delta > step ? step : delta < -step ? -step : delta;
      const next = previous + (settled ? delta : limited);
      this.setGain[s] = next;
      this.ramp[RAMP_SET_START] = previous;
      if (next === 0 && (settled || previous === 0)) {
        if (this.active[s] === 1) this.clearSpeaker(s);
        if (!mono) this.silence(output, outputChannels, s, n);
        continue;
      }
      this.active[s] = 1;
      this.updateSpeaker(s);
      this.runSpeaker(s, left, right, n, settled);
      this.store(s, output, outputChannels, n, mono);
    }
    for (let c = routed; c < outputChannels; c++) this.silence(output, outputChannels, c, n);
  }

  /** Clears every delay line and filter state; ramps and set gains start settled. Allocates nothing. */
  reset(): void {
    for (let s = 0; s < MONITOR_SPEAKERS; s++) this.clearSpeaker(s);
    this.settled = 1;
  }

  /** Audio thread: speaker `s`'s requested delay, and its EQ sections redesigned where values changed. */
  private updateSpeaker(s: number): void {
    const values = this.values;
    const at = this.base + (SPEAKERS_BASE + s * SPEAKER_PARAMS);
    const frames = (values[at + SPEAKER_DELAY_MS]! * this.sampleRate) / 1000 + 0.5;
    // `| 0` floors a positive value; Math.round could return -0 (a heap number).
    this.delayTarget[s] = frames >= this.maxDelayFrames ? this.maxDelayFrames : frames <= 0 ? 0 : frames | 0;
    const cascade = this.cascades[s]!;
    for (let k = 0; k < MONITOR_EQ_SECTIONS; k++) {
      const section = at + SPEAKER_EQ + k * EQ_PARAMS;
      if (this.sectionChanged(values, section, (s * MONITOR_EQ_SECTIONS + k) * EQ_PARAMS))
        this.designSection(cascade, k, values, section);
    }
    this.eqRunning[s] = cascade.settle() ? 1 : 0;
  }

  /** Audio thread: the speaker's feed, EQ, delay, gains and ceiling into `work`. */
  private runSpeaker(s: number, left: Float32Array, right: Float32Array, n: number, settled: boolean): void {
    const monoStart = this.ramp[RAMP_MONO_START]!;
    const setStart = this.ramp[RAMP_SET_START]!;
    const values = this.values;
    const at = this.base + (SPEAKERS_BASE + s * SPEAKER_PARAMS);
    const work = this.work;
    const inverse = n > 0 ? 1 / n : 0;

    // Feed: source weights moved toward (0.5, 0.5) by the mono switch, times preamp x trim.
    const source = (values[at + SPEAKER_SOURCE]! + 0.5) | 0;
    const sourceIndex = source <= 0 ? 0 : source >= 2 ? 2 : 1;
    const baseLeft = SOURCE_LEFT[sourceIndex]!;
    const baseRight = SOURCE_RIGHT[sourceIndex]!;
    const monoEnd = this.globals[3]!;
    const preEnd = Math.pow(10, (values[at + SPEAKER_PREAMP]! + values[at + SPEAKER_TRIM]!) / 20);
    const preStart = settled ? preEnd : this.preGain[s]!;
    this.preGain[s] = preEnd;
    let wl = baseLeft + monoStart * (0.5 - baseLeft);
    let wr = baseRight + monoStart * (0.5 - baseRight);
    const stepLeft = (baseLeft + monoEnd * (0.5 - baseLeft) - wl) * inverse;
    const stepRight = (baseRight + monoEnd * (0.5 - baseRight) - wr) * inverse;
    let p = preStart;
    const stepPre = (preEnd - preStart) * inverse;
    if (stepLeft === 0 && stepRight === 0 && stepPre === 0) {
      const gl = wl * p;
      const gr = wr * p;
      for (let i = 0; i < n; i++) work[i] = left[i]! * gl + right[i]! * gr;
    } else {
      for (let i = 0; i < n; i++) {
        wl += stepLeft;
        wr += stepRight;
        p += stepPre;
        work[i] = (left[i]! * wl + right[i]! * wr) * p;
      }
    }
    if (this.eqRunning[s] === 1) this.cascades[s]!.process64(0, work, n);

    // Delay (a new delay starts a crossfade once the previous one is done), output gain, ceiling.
    if (this.fadeLeft[s] === 0 && this.delayTarget[s] !== this.delayNow[s]) {
      if (settled || setStart === 0) {
        this.delayNow[s] = this.delayTarget[s]!;
      } else {
        this.delayOld[s] = this.delayNow[s]!;
        this.delayNow[s] = this.delayTarget[s]!;
        this.fadeLeft[s] = this.delayFadeFrames;
      }
    }
    const outEnd = this.globals[2]! * this.setGain[s]!;
    const outStart = settled ? outEnd : this.globals[1]! * setStart;
    const stepOut = (outEnd - outStart) * inverse;
    const ring = this.rings[s]!;
    const mask = this.ringMask;
    const w = this.writeIndex[s]!;
    const delay = this.delayNow[s]!;
    const ceiling = this.ceiling[0]!;
    let clips = 0;
    let g = outStart;
    let fade = this.fadeLeft[s]!;
    if (fade === 0) {
      for (let i = 0; i < n; i++) {
        ring[(w + i) & mask] = work[i]!;
        g += stepOut;
        let y = ring[(w + i - delay) & mask]! * g;
        if (y > ceiling) {
          y = ceiling;
          clips++;
        } else if (y < -ceiling) {
          y = -ceiling;
          clips++;
        }
        work[i] = y;
      }
    } else {
      const old = this.delayOld[s]!;
      const fadeStep = 1 / this.delayFadeFrames;
      for (let i = 0; i < n; i++) {
        ring[(w + i) & mask] = work[i]!;
        g += stepOut;
        const fresh = ring[(w + i - delay) & mask]!;
        // Fraction of the old tap still heard; 0 once the fade is over.
        const t = fade * fadeStep;
        if (fade > 0) fade--;
        const stale = ring[(w + i - old) & mask]!;
        let y = (fresh + (stale - fresh) * t) * g;
        if (y > ceiling) {
          y = ceiling;
          clips++;
        } else if (y < -ceiling) {
          y = -ceiling;
          clips++;
        }
        work[i] = y;
      }
      this.fadeLeft[s] = fade;
    }
    this.writeIndex[s] = (w + n) & mask;
    this.clipCount[s] = (this.clipCount[s]! + clips) | 0;
  }

  /** Audio thread: `work` to the speaker's output channel (or half of it to a mono device). */
  private store(s: number, output: Float32Array, outputChannels: number, n: number, mono: boolean): void {
    const work = this.work;
    if (mono) {
      for (let i = 0; i < n; i++) output[i] = output[i]! + 0.5 * work[i]!;
      return;
    }
    for (let i = 0, o = s; i < n; i++, o += outputChannels) output[o] = work[i]!;
  }

  private silence(output: Float32Array, outputChannels: number, channel: number, n: number): void {
    for (let i = 0, o = channel; i < n; i++, o += outputChannels) output[o] = 0;
  }

  /** Speaker `s` silent and stateless: delay line, filter state, fades. Allocates nothing. */
  private clearSpeaker(s: number): void {
    this.rings[s]!.fill(0);
    this.cascades[s]!.reset();
    this.writeIndex[s] = 0;
    this.fadeLeft[s] = 0;
    this.delayNow[s] = this.delayTarget[s]!;
    this.active[s] = 0;
  }

  /** The ceiling as the largest float32 at or below 10^(dB / 20): a stored sample never rounds above it. */
  private updateCeiling(): void {
    const db = this.values[this.base + MONITOR_CEILING]!;
    const linear = Math.pow(10, db / 20);
    this.ceilingFloat[0] = linear;
    if (this.ceilingFloat[0] > linear) this.ceilingBits[0] = this.ceilingBits[0]! - 1;
    this.ceiling[0] = this.ceilingFloat[0]!;
    this.ceiling[1] = db;
  }

  /** Records the section's values from `at`; true if any differs from what was designed. */
  private sectionChanged(values: Float64Array, at: number, slot: number): boolean {
    const designed = this.designed;
    let changed = false;
    for (let i = 0; i < EQ_PARAMS; i++) {
      const value = values[at + i]!;
      if (value !== designed[slot + i]) {
        designed[slot + i] = value;
        changed = true;
      }
    }
    return changed;
  }

  private designSection(cascade: BiquadCascade, k: number, values: Float64Array, at: number): void {
    const gain = values[at + EQ_GAIN]!;
    if (values[at + EQ_ON]! < 0.5 || gain === 0) {
      cascade.bypass(k);
      return;
    }
    const type = (values[at + EQ_TYPE]! + 0.5) | 0;
    const kind = TYPE_KINDS[type <= 0 ? 0 : type >= 2 ? 2 : 1];
    const args = this.args;
    args[DESIGN_FREQUENCY] = values[at + EQ_FREQ]!;
    args[DESIGN_GAIN_DB] = gain;
    args[DESIGN_Q] = values[at + EQ_Q]!;
    designBiquad(kind, args, 0, cascade.coefficients, k * BIQUAD_COEFFICIENTS);
    cascade.enable(k);
  }
}
