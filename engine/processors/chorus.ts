/**
 * Stereo chorus for an aux bus: each channel is read from its own delay line at
 *   D(t) = delay + depth * sin(2 pi rate t + phase_ch),  phase_left = 0, phase_right = spread * pi
 * (spread 0..100 % = 0..180 degrees), clamped at >= 2 samples when depth exceeds the base delay.
 * Output: wet = the modulated read; each line takes input + feedback * wet (feedback -90..90 %);
 * out = dry + mix (wet - dry).
 *
 * - Reads use 4-point Hermite (Catmull-Rom) interpolation (engine/dsp/delay-line.ts): linear
 *   interpolation's varying low-pass (cos(w/2) at half a sample) would modulate the level of a
 *   1 kHz tone by about -54 dB; Hermite stays below -100 dB there.
 * - The LFO is a rotating phasor (engine/dsp/sine-phasor.ts), renormalised every block: no
 *   Math.sin per sample, no drift. After reset() the left LFO starts at phase 0 (sin = 0).
 * - delay and depth are interpolated linearly across each block from the previous block's
 *   values, and mix likewise, so parameter moves never step the read position.
 *
 * Subnormals: values written into the lines below DENORMAL_FLUSH (1e-25) are written as 0, so
 * a decaying feedback loop ends in exact zeros; there is no other recursive state.
 */
import { DENORMAL_FLUSH, type BlockProcessor, type ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';
import { DelayLine } from '../dsp/delay-line.ts';
import {
  PHASOR_COS,
  PHASOR_INCREMENT,
  PHASOR_SIN,
  PHASOR_STEP_COS,
  PHASOR_STEP_SIN,
  renormalizePhasor,
  resetPhasor,
  setPhasorIncrement,
} from '../dsp/sine-phasor.ts';

/** The chorus's parameters, in the order of `values[base + i]`. */
export const CHORUS_PARAMS: readonly ParamTemplate[] = [
  { key: 'rate', label: 'Rate', unit: 'Hz', min: 0.05, max: 5, default: 0.8, taper: 'log', smoothingMs: 50 },
  { key: 'depth', label: 'Depth', unit: 'ms', min: 0, max: 10, default: 2, taper: 'linear', smoothingMs: 50 },
  { key: 'delay', label: 'Delay', unit: 'ms', min: 1, max: 30, default: 7, taper: 'log', smoothingMs: 50 },
  {
    key: 'feedback',
    label: 'Feedback',
    unit: '%',
    min: -90,
    max: 90,
    default: 0,
    taper: 'linear',
    smoothingMs: 20,
  },
  {
    key: 'spread',
    label: 'Spread',
    unit: '%',
    min: 0,
    max: 100,
    default: 50,
    taper: 'linear',
    smoothingMs: 50,
  },
  { key: 'mix', label: 'Mix', unit: '%', min: 0, max: 100, default: 100, taper: 'linear', smoothingMs: 20 },
];

export const CHORUS_RATE = 0;
export const CHORUS_DEPTH = 1;
export const CHORUS_DELAY = 2;
export const CHORUS_FEEDBACK = 3;
export const CHORUS_SPREAD = 4;
export const CHORUS_MIX = 5;

const INDEX_BY_KEY = new Map(CHORUS_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in CHORUS_PARAMS (set-up code; throws on an unknown key). */
export function chorusParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown chorus parameter: ${key}`);
  return index;
}

const MAX_DELAY_MS = 40;
/** Hermite reads need one newer sample than the one read: at least 2 samples of delay. */
const MIN_DELAY_SAMPLES = 2;

export class Chorus implements BlockProcessor {
  readonly latencyFrames = 0;
  private readonly sampleRate: number;
  private readonly left: DelayLine;
  private readonly right: DelayLine;
  private readonly lfo = new Float64Array(5);
  /** Applied values: [rate Hz, base delay samples, depth samples, feedback, spread cos, spread sin, mix]. */
  private readonly now = new Float64Array(7);
  private readonly target = new Float64Array(7);
  private snapNext = true;

  /** Set-up time: allocates both lines for the longest delay plus depth (no block buffers: any block size). */
  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    const length = Math.ceil((MAX_DELAY_MS * sampleRate) / 1000) + 8;
    this.left = new DelayLine(length);
    this.right = new DelayLine(length);
    resetPhasor(this.lfo, 0);
    this.now[0] = Number.NaN;
    this.update(
      Float64Array.from(CHORUS_PARAMS, (param) => param.default),
      0,
    );
    // The caller's first update jumps too (the defaults above only make process() safe before it).
    this.snapNext = true;
  }

  /** Audio thread: takes this block's values (plain units). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const fs = this.sampleRate;
    const target = this.target;
    const rate = Math.min(5, Math.max(0.05, values[base + CHORUS_RATE]!));
    if (rate !== this.now[0]) {
      this.now[0] = rate;
      this.lfo[PHASOR_INCREMENT] = (2 * Math.PI * rate) / fs;
      setPhasorIncrement(this.lfo, 0);
    }
    target[1] = (Math.min(30, Math.max(1, values[base + CHORUS_DELAY]!)) * fs) / 1000;
    target[2] = (Math.min(10, Math.max(0, values[base + CHORUS_DEPTH]!)) * fs) / 1000;
    target[3] = Math.min(0.9, Math.max(-0.9, values[base + CHORUS_FEEDBACK]! / 100));
    const spread = (Math.PI * Math.min(100, Math.max(0, values[base + CHORUS_SPREAD]!))) / 100;
    target[4] = Math.cos(spread);
    target[5] = Math.sin(spread);
    target[6] = Math.min(1, Math.max(0, values[base + CHORUS_MIX]! / 100));
    if (this.snapNext) {
      for (let i = 1; i < 7; i++) this.now[i] = target[i]!;
      this.snapNext = false;
    }
  }

  /**
   * Audio thread: processes `frames` stereo frames in place (with left === right, a mono caller,
   * the left channel's chorus). Allocates nothing.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const now = this.now;
    const target = this.target;
    const inverseFrames = 1 / frames;
    const baseStart = now[1]!;
    const baseStep = (target[1]! - baseStart) * inverseFrames;
    const depthStart = now[2]!;
    const depthStep = (target[2]! - depthStart) * inverseFrames;
    const feedbackStart = now[3]!;
    const feedbackStep = (target[3]! - feedbackStart) * inverseFrames;
    const spreadCosStart = now[4]!;
    const spreadCosStep = (target[4]! - spreadCosStart) * inverseFrames;
    const spreadSinStart = now[5]!;
    const spreadSinStep = (target[5]! - spreadSinStart) * inverseFrames;
    const mixStart = now[6]!;
    const mixStep = (target[6]! - mixStart) * inverseFrames;
    for (let i = 1; i < 7; i++) now[i] = target[i]!;

    const lfo = this.lfo;
    let cos = lfo[PHASOR_COS]!;
    let sin = lfo[PHASOR_SIN]!;
    const stepCos = lfo[PHASOR_STEP_COS]!;
    const stepSin = lfo[PHASOR_STEP_SIN]!;
    const bufferA = this.left.buffer;
    const bufferB = this.right.buffer;
    const mask = this.left.mask;
    const w = this.left.writeIndex;
    const mono = left === right;

    for (let k = 0; k < frames; k++) {
      const ramp = k + 1;
      const baseDelay = baseStart + baseStep * ramp;
      const depth = depthStart + depthStep * ramp;
      // LFO of sample n is sin(n w): read (sin), then rotate for the next sample.
      const sinRight =
        sin * (spreadCosStart + spreadCosStep * ramp) + cos * (spreadSinStart + spreadSinStep * ramp);
      const delayA = Math.max(MIN_DELAY_SAMPLES, baseDelay + depth * sin);
      const delayB = Math.max(MIN_DELAY_SAMPLES, baseDelay + depth * sinRight);
      const rotated = cos * stepCos - sin * stepSin;
      sin = sin * stepCos + cos * stepSin;
      cos = rotated;

      // 4-point Hermite (Catmull-Rom) reads, t toward the older sample (see delay-line.ts).
      let whole = Math.floor(delayA);
      let t = delayA - whole;
      let i0 = (w + k - whole) & mask;
      let xm1 = bufferA[(i0 + 1) & mask]!;
      let x0 = bufferA[i0]!;
      let x1 = bufferA[(i0 - 1) & mask]!;
      let x2 = bufferA[(i0 - 2) & mask]!;
      let c1 = 0.5 * (x1 - xm1);
      let c2 = xm1 - 2.5 * x0 + 2 * x1 - 0.5 * x2;
      let c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
      const wetA = ((c3 * t + c2) * t + c1) * t + x0;
      whole = Math.floor(delayB);
      t = delayB - whole;
      i0 = (w + k - whole) & mask;
      xm1 = bufferB[(i0 + 1) & mask]!;
      x0 = bufferB[i0]!;
      x1 = bufferB[(i0 - 1) & mask]!;
      x2 = bufferB[(i0 - 2) & mask]!;
      c1 = 0.5 * (x1 - xm1);
      c2 = xm1 - 2.5 * x0 + 2 * x1 - 0.5 * x2;
      c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
      const wetB = ((c3 * t + c2) * t + c1) * t + x0;

      const dryLeft = left[k]!;
      const dryRight = mono ? dryLeft : right[k]!;
      const fb = feedbackStart + feedbackStep * ramp;
      const at = (w + k) & mask;
      // Dead band at DENORMAL_FLUSH: a decaying loop reaches exact 0 (no subnormal, no limit cycle).
      const inA = dryLeft + fb * wetA;
      const inB = dryRight + fb * wetB;
      bufferA[at] = Math.abs(inA) < DENORMAL_FLUSH ? 0 : inA;
      bufferB[at] = Math.abs(inB) < DENORMAL_FLUSH ? 0 : inB;
      const m = mixStart + mixStep * ramp;
      left[k] = dryLeft + m * (wetA - dryLeft);
      if (!mono) right[k] = dryRight + m * (wetB - dryRight);
    }

    lfo[PHASOR_COS] = cos;
    lfo[PHASOR_SIN] = sin;
    renormalizePhasor(lfo, 0);
    const next = (w + frames) & mask;
    this.left.writeIndex = next;
    this.right.writeIndex = next;
  }

  /** Clears the lines and restarts the LFO at phase 0; the next update jumps. Allocates nothing. */
  reset(): void {
    this.left.clear();
    this.right.clear();
    resetPhasor(this.lfo, 0);
    this.snapNext = true;
  }
}

/** The chorus as a console processor kind (always stereo). */
export const CHORUS_KIND: ProcessorKind = {
  params: CHORUS_PARAMS,
  create: (sampleRate) => new Chorus(sampleRate),
};
