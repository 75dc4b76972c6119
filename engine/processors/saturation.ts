/**
 * Saturation: a cubic soft clipper run at 8x the sample rate (4x at 88.2/96 kHz, 2x above) with
 * second-order antiderivative anti-aliasing, dry/wet mix and output gain.
 *
 * Curve (engine/dsp/adaa-soft-clipper.ts): P(v) = 3/2 v - 1/2 v^3 for |v| < 1, +-1 beyond, with
 * v = (g x + b) / (3/2): g = drive, b = 0.5 * asymmetry, so at b = 0 the small-signal gain is
 * exactly `drive` and the output reaches +-1 from |g x| = 3/2 on. wet = (P(v) - P(b')) /
 * (1 - b'^2), b' = b / (3/2): subtracting P(b') keeps silence at 0, dividing by the curve's slope
 * at b' (relative to its slope at 0) keeps the small-signal gain at `drive`. b = 0 gives odd
 * harmonics only; b > 0 bends one half-wave more than the other (even harmonics too). Asymmetric
 * clipping also makes DC: only the curve's even part carries it, so only that part goes through
 * a 2 Hz DC blocker (at the oversampled rate); the odd part is never filtered, and at b = 0 the
 * wet signal is exactly the (band-limited) curve, in phase with dry. There is no automatic level
 * compensation: drive raises quiet material by `drive` dB, `output` (-24 .. +6 dB) trims the
 * result. out = output * (dry * (1 - mix) + wet * mix).
 *
 * Aliasing. At drive 18 dB a 0 dBFS sine is nearly square and its harmonics fall only ~2 dB
 * each: a plain curve needs 16x or more. The curve is instead evaluated with ADAA2, which acts
 * like a continuous-time triangle filter before sampling: what folds from near multiples of the
 * high rate drops by a further 12 dB per octave of distance. What ADAA leaves comes from seeing
 * the input as a polyline between samples, and that needs the 8x rate: at 4x, 0 dBFS 14 and
 * 17 kHz at drive 18 dB leave aliases at -70 dBc; at 8x everything from 7 to 17 kHz is below
 * -88 dBc (the plain curve at 8x: -46 dBc at 15 kHz). Inside the knees the curve is a cubic, so
 * unclipped material cannot alias at all. ADAA2's 3-tap mean droops the wet signal (-0.3 dB at
 * 20 kHz at 8x); a 7-tap symmetric FIR at the base rate undoes it (small-signal response within
 * 0.03 dB to 20 kHz at 48 kHz, a few 1e-6 below 3 kHz). The whole costs about a quarter of the
 * previous tanh at 16x (measured 3.6-3.8x less in one run).
 *
 * Latency: the oversampler's round trip including ADAA's one high-rate sample, plus the droop
 * FIR's 3 frames: a whole number of frames (37 at 44.1/48 kHz); the dry path is delayed by the
 * same amount, so mix never combs and 'on'/'off' does not change the latency (off = the delayed
 * input, crossfaded over 10 ms).
 *
 * Implementation. Everything per sample (drive, oversampling, curve, DC blocker, decimation,
 * droop FIR, mix, crossfade, dry delay) runs in a WebAssembly kernel (engine/wasm/saturation.wat,
 * laid out by engine/wasm/saturation-kernel.ts), both channels at once in f64x2 lanes: left in
 * lane 0, right in lane 1, a mono strip's right lane silent. It does the arithmetic of the
 * JavaScript it replaced (HalfBandOversampler, softClipAdaa) operation for operation, so the
 * output is bit-identical; it takes about a third of the time. Here remain the parameters:
 * update() computes the targets and the curve's offset, process() writes the block's ramps into
 * the kernel's memory, copies the block in and out and calls the kernel with integers only.
 */
import { halfBandPlan } from '../dsp/halfband-oversampler.ts';
import { SOFT_CLIP_SLOPE, adaaDroopCompensation, softClipAdaa } from '../dsp/adaa-soft-clipper.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';
import { KernelParam, SaturationKernel } from '../wasm/saturation-kernel.ts';

const SMOOTHING_MS = 20;
/** Linear crossfade when the saturation is switched on or off. */
const BYPASS_RAMP_MS = 10;
/** Corner of the DC blocker after the curve. */
const DC_BLOCKER_HZ = 2;
/** Curve bias at 100 % asymmetry, in units of the drive-scaled input (slope 1 at 0). */
const MAX_BIAS = 0.5;
const DB_TO_LN = Math.LN10 / 20;
/** Side taps of the droop compensation FIR (7 taps). */
const DROOP_SIDE_TAPS = 3;

/** The saturation's parameters, in the order of `values[base + i]`. */
export const SATURATION_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'on',
    label: 'Saturation on',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 1,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'drive',
    label: 'Saturation drive',
    unit: 'dB',
    min: 0,
    max: 24,
    default: 6,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'mix',
    label: 'Saturation mix',
    unit: '%',
    min: 0,
    max: 100,
    default: 100,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'output',
    label: 'Saturation output',
    unit: 'dB',
    min: -24,
    max: 6,
    default: 0,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'asymmetry',
    label: 'Saturation asymmetry (even harmonics)',
    unit: '%',
    min: 0,
    max: 100,
    default: 0,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
];

/** Index of each parameter in SATURATION_PARAMS. */
export const SaturationParam = { on: 0, drive: 1, mix: 2, output: 3, asymmetry: 4 } as const;

const INDEX_BY_KEY = new Map(SATURATION_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in SATURATION_PARAMS (setup code; throws on an unknown key). */
export function saturationParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown saturation parameter: ${key}`);
  return index;
}

/** Default values in parameter order (a Float64Array ready for `update(values, 0)`). */
export function saturationDefaults(): Float64Array {
  return Float64Array.from(SATURATION_PARAMS, (param) => param.default);
}

/** Oversampling stages for a sample rate: 8x up to 48 kHz, 4x up to 96 kHz, 2x above (all >= 352 kHz). */
export function saturationStages(sampleRate: number): number {
  if (sampleRate <= 50_000) return 3;
  if (sampleRate <= 100_000) return 2;
  return 1;
}

/** Construction options; the defaults are what the console uses (tests vary them). */
export interface SaturationOptions {
  /** Half-band stages (2^stages x oversampling); default saturationStages(sampleRate). */
  readonly stages?: number;
  /** Antiderivative anti-aliasing (and its droop compensation); default true. */
  readonly antiderivative?: boolean;
}

/**
 * In place over buf[start .. start + count): the plain curve, no anti-aliasing (the tests' control
 * case; the kernel has the same). Allocates nothing.
 */
function clipPlain(buf: Float64Array, start: number, count: number): void {
  const end = start + count;
  for (let i = start; i < end; i++) {
    const v = buf[i]!;
    buf[i] = v >= 1 ? 1 : v <= -1 ? -1 : v * (1.5 - 0.5 * v * v);
  }
}

// settings slots: targets of this block and the values the last block ended with
const DRIVE = 0;
const MIX = 1;
const OUTPUT = 2;
const NORM = 3;
const BIAS_NOW = 4;
const OFFSET_NOW = 5;
const PREV = 6;
const SETTINGS = 12;

/**
 * The processor. Parameters become per-block ramps here (update, and the start of process);
 * everything per sample runs in the WebAssembly kernel (engine/wasm/saturation.wat), both
 * channels at once in f64x2 lanes, with the arithmetic of the JavaScript it replaced.
 */
export class Saturation implements BlockProcessor {
  readonly latencyFrames: number;
  readonly channels: 1 | 2;
  private readonly maxBlockFrames: number;
  private readonly antiderivative: boolean;
  /** Oversampling factor (high-rate samples per frame). */
  private readonly factor: number;
  private readonly kernel: SaturationKernel;
  private readonly settings = new Float64Array(SETTINGS);
  /** The last raw drive, mix, output and asymmetry values (unchanged: nothing to recompute). */
  private readonly raw = new Float64Array(4);
  /** Scratch for the curve's value at the bias: the curve run on a constant input. */
  private readonly probe = new Float64Array(1);
  private readonly probeHistory = new Float64Array(2);
  private readonly probePending = new Float64Array(4);
  /** Bypass crossfade: [at the start of this block, at its end]; 1 = processed. */
  private readonly ramp = new Float64Array([1, 1]);
  private enabled = 1;
  private first = true;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2, options: SaturationOptions = {}) {
    const stages = options.stages ?? saturationStages(sampleRate);
    this.antiderivative = options.antiderivative ?? true;
    this.channels = channels;
    this.maxBlockFrames = maxBlockFrames;
    // ADAA2 answers one high-rate sample late; the oversampler folds that into whole frames.
    const plan = halfBandPlan(stages, this.antiderivative ? 1 : 0);
    this.factor = plan.factor;
    this.latencyFrames = plan.latencyFrames + DROOP_SIDE_TAPS;
    this.kernel = new SaturationKernel({
      maxBlockFrames,
      stages,
      coefficients: plan.coefficients,
      phases: plan.phases,
      antiderivative: this.antiderivative,
      latencyFrames: this.latencyFrames,
      droop: this.antiderivative
        ? adaaDroopCompensation(plan.factor, sampleRate, DROOP_SIDE_TAPS)
        : Float64Array.of(1, 0, 0, 0),
      dcCoefficient: 1 - Math.exp((-2 * Math.PI * DC_BLOCKER_HZ) / (sampleRate * plan.factor)),
      rampStep: 1000 / (BYPASS_RAMP_MS * sampleRate),
    });
    this.update(saturationDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see SATURATION_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const s = this.settings;
    // This block ramps from the previous block's values to these.
    for (let k = 0; k < PREV; k++) s[PREV + k] = s[k]!;
    this.enabled = values[base + SaturationParam.on]! >= 0.5 ? 1 : 0;
    const raw = this.raw;
    if (
      !this.first &&
      raw[0] === values[base + SaturationParam.drive] &&
      raw[1] === values[base + SaturationParam.mix] &&
      raw[2] === values[base + SaturationParam.output] &&
      raw[3] === values[base + SaturationParam.asymmetry]
    ) {
      return;
    }
    raw[0] = values[base + SaturationParam.drive]!;
    raw[1] = values[base + SaturationParam.mix]!;
    raw[2] = values[base + SaturationParam.output]!;
    raw[3] = values[base + SaturationParam.asymmetry]!;
    // The curve's input is scaled so its slope at 0 is 1: drive is the small-signal gain.
    s[DRIVE] = Math.exp(DB_TO_LN * values[base + SaturationParam.drive]!) / SOFT_CLIP_SLOPE;
    s[MIX] = Math.min(1, Math.max(0, values[base + SaturationParam.mix]! / 100));
    s[OUTPUT] = Math.exp(DB_TO_LN * values[base + SaturationParam.output]!);
    const bias =
      (MAX_BIAS / SOFT_CLIP_SLOPE) *
      Math.min(1, Math.max(0, values[base + SaturationParam.asymmetry]! / 100));
    s[BIAS_NOW] = bias;
    // The wet signal's zero: the curve evaluated exactly as the kernel does on a constant input
    // (the bias is inside the knees, where the kernel's sums are softClipAdaa's, operation for
    // operation), so silence cancels to exactly 0.
    const probe = this.probe;
    probe[0] = bias;
    if (this.antiderivative) {
      this.probeHistory[0] = bias;
      this.probeHistory[1] = bias;
      softClipAdaa(probe, 0, 1, this.probeHistory, 0, this.probePending);
    } else {
      clipPlain(probe, 0, 1);
    }
    s[OFFSET_NOW] = probe[0]!;
    // 1 / the curve's slope at the bias, relative to its slope at 0.
    s[NORM] = 1 / (1 - bias * bias);
    if (this.first) {
      this.first = false;
      for (let k = 0; k < PREV; k++) s[PREV + k] = s[k]!;
    }
  }

  /** Audio thread: processes `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    // The kernel's buffers hold maxBlockFrames: never let it write past them.
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    const kernel = this.kernel;
    const stereo = this.channels === 2;
    copyInto(kernel.inputLeft, left, n);
    // A mono strip's right lane is never written: it stays silent.
    if (stereo) copyInto(kernel.inputRight, right, n);
    const ramp = this.ramp;
    const enabled = this.enabled;
    if (enabled === 1 || ramp[0]! > 0) {
      // Switched on from idle: the filters start from silence, not from stale history.
      if (enabled === 1 && ramp[0] === 0) kernel.filters.fill(0);
      const settled = this.writeRamps(n);
      const s = this.settings;
      const dc = kernel.evenDc;
      // Per channel: no bias in this block and no DC left from an earlier one -> the plain curve.
      const unbiased = s[PREV + BIAS_NOW] === 0 && s[BIAS_NOW] === 0;
      const symmetric = (unbiased && dc[0] === 0 ? 1 : 0) | (unbiased && dc[1] === 0 ? 2 : 0);
      kernel.process(n, symmetric, settled);
      ramp[0] = kernel.params[KernelParam.rampReached]!;
      ramp[1] = ramp[0]!;
    } else {
      kernel.bypass(n);
    }
    copyInto(left, kernel.outputLeft, n);
    if (stereo) copyInto(right, kernel.outputRight, n);
  }

  /** Clears the oversampler, delay lines, ADAA history and DC blocker. Allocates nothing. */
  reset(): void {
    this.kernel.filters.fill(0);
    this.kernel.dry.fill(0);
    this.ramp[0] = this.enabled;
    this.ramp[1] = this.enabled;
  }

  /**
   * The block's ramps into the kernel's parameters: each value from where the last block left it
   * to this block's target (drive per frame, bias and the curve's offset per high-rate sample,
   * mix, output and norm per frame; the bypass crossfade from where it is). Returns 1 when
   * nothing moves (the kernel then skips the ramps, as the reference did). Allocates nothing.
   */
  private writeRamps(frames: number): number {
    const s = this.settings;
    const k = this.kernel.params;
    const count = frames * this.factor;
    k[KernelParam.driveFrom] = s[PREV + DRIVE]!;
    k[KernelParam.driveStep] = (s[DRIVE]! - s[PREV + DRIVE]!) / frames;
    k[KernelParam.biasFrom] = s[PREV + BIAS_NOW]!;
    k[KernelParam.biasStep] = (s[BIAS_NOW]! - s[PREV + BIAS_NOW]!) / count;
    k[KernelParam.offsetFrom] = s[PREV + OFFSET_NOW]!;
    k[KernelParam.offsetStep] = (s[OFFSET_NOW]! - s[PREV + OFFSET_NOW]!) / count;
    const mixStep = (s[MIX]! - s[PREV + MIX]!) / frames;
    const outputStep = (s[OUTPUT]! - s[PREV + OUTPUT]!) / frames;
    const normStep = (s[NORM]! - s[PREV + NORM]!) / frames;
    k[KernelParam.mixFrom] = s[PREV + MIX]!;
    k[KernelParam.mixStep] = mixStep;
    k[KernelParam.outputFrom] = s[PREV + OUTPUT]!;
    k[KernelParam.outputStep] = outputStep;
    k[KernelParam.normFrom] = s[PREV + NORM]!;
    k[KernelParam.normStep] = normStep;
    const ramp = this.ramp[0]!;
    k[KernelParam.rampFrom] = ramp;
    k[KernelParam.rampTarget] = this.enabled;
    return ramp === 1 && this.enabled === 1 && mixStep === 0 && outputStep === 0 && normStep === 0 ? 1 : 0;
  }
}

/**
 * to[0 .. n) = from[0 .. n): by `set` (a memcpy, ~5x faster than a loop) when `from` is exactly n
 * long (the usual whole block), else element by element (a subarray would allocate). Allocates
 * nothing.
 */
function copyInto(to: Float32Array, from: Float32Array, n: number): void {
  if (from.length === n && to.length >= n) {
    to.set(from);
  } else {
    for (let i = 0; i < n; i++) to[i] = from[i]!;
  }
}

/** The saturation as a placeable processor kind. */
export const SATURATION_KIND: ProcessorKind = {
  params: SATURATION_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Saturation(sampleRate, maxBlockFrames, channels),
};
