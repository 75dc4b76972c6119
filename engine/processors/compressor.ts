/**
 * Channel compressor, mono or stereo-linked (one gain for both channels, from the louder one).
 *
 * Signal flow: sidechain = input, optionally through a 12 dB/oct Butterworth high-pass
 * ('sidechain-hpf'; at its minimum of 20 Hz it is off, so the detector sees the full band) ->
 * level detector -> CompressorCore (soft-knee gain computer, attack/release on the gain
 * reduction in dB, make-up) -> gain multiply on the input. No look-ahead: latency 0.
 *
 * Level detector ('detection'):
 * - peak: |x| (the larger channel), held for min(10 ms, release/2) so a tone reads its crest
 *   level (see peak-hold.ts); the threshold refers to the peak level in dBFS.
 * - rms: mean square over a one-pole window of 10 ms time constant, per channel, the larger one;
 *   read as RMS + 3.01 dB (AES17 dBFS: a sine reads its peak level), so the threshold refers to
 *   the peak level of a sine with the same power and a steady sine compresses identically in
 *   both modes. The 10 ms window adds to attack and release.
 *
 * Attack/release are the times to cover 1 - 1/e (63.2 %) of a step in gain reduction (dB).
 */
import {
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  BiquadKind,
  BUTTERWORTH_Q,
  designBiquad,
} from '../dsp/biquad-design.ts';
import { runBiquad32To64 } from '../dsp/biquad-filter.ts';
import { CompressorCore, LEVEL_MEAN_SQUARE, LEVEL_PEAK, MAX_HOLD_MS } from '../dsp/compressor-core.ts';
import { PeakHold } from '../dsp/peak-hold.ts';
import { DENORMAL_FLUSH } from './block-processor.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

const SMOOTHING_MS = 20;
const DETECTION_CHOICES = ['peak', 'rms'] as const;
/** Time constant of the RMS detector's one-pole mean-square window. */
export const RMS_WINDOW_MS = 10;
/** The sidechain high-pass is off at (or below) this frequency: the bottom of its range. */
export const SIDECHAIN_HPF_OFF_HZ = 20;

/** The compressor's parameters, in the order of `values[base + i]`. */
export const COMPRESSOR_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'on',
    label: 'Comp on',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 1,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'threshold',
    label: 'Comp threshold (peak dBFS; RMS mode: sine-peak equivalent)',
    unit: 'dB',
    min: -60,
    max: 0,
    default: -18,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'ratio',
    label: 'Comp ratio',
    unit: 'ratio',
    min: 1,
    max: 20,
    default: 4,
    taper: 'log',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'knee',
    label: 'Comp knee',
    unit: 'dB',
    min: 0,
    max: 24,
    default: 6,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'attack',
    label: 'Comp attack (to 63 % of a step)',
    unit: 'ms',
    min: 0.1,
    max: 100,
    default: 10,
    taper: 'log',
    smoothingMs: 0,
  },
  {
    key: 'release',
    label: 'Comp release (to 63 % of a step)',
    unit: 'ms',
    min: 10,
    max: 2000,
    default: 150,
    taper: 'log',
    smoothingMs: 0,
  },
  {
    key: 'makeup',
    label: 'Comp make-up',
    unit: 'dB',
    min: 0,
    max: 24,
    default: 0,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'detection',
    label: 'Comp detection',
    unit: 'enum',
    min: 0,
    max: DETECTION_CHOICES.length - 1,
    default: 0,
    taper: 'stepped',
    steps: DETECTION_CHOICES.length,
    choices: DETECTION_CHOICES,
    smoothingMs: 0,
  },
  {
    key: 'sidechain-hpf',
    label: 'Comp sidechain HPF (20 Hz = off)',
    unit: 'Hz',
    min: SIDECHAIN_HPF_OFF_HZ,
    max: 500,
    default: SIDECHAIN_HPF_OFF_HZ,
    taper: 'log',
    smoothingMs: SMOOTHING_MS,
  },
];

/** Index of each parameter in COMPRESSOR_PARAMS. */
export const CompressorParam = {
  on: 0,
  threshold: 1,
  ratio: 2,
  knee: 3,
  attack: 4,
  release: 5,
  makeup: 6,
  detection: 7,
  sidechainHpf: 8,
} as const;

const INDEX_BY_KEY = new Map(COMPRESSOR_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in COMPRESSOR_PARAMS (setup code; throws on an unknown key). */
export function compressorParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown compressor parameter: ${key}`);
  return index;
}

/** Default values in parameter order (a Float64Array ready for `update(values, 0)`). */
export function compressorDefaults(): Float64Array {
  return Float64Array.from(COMPRESSOR_PARAMS, (param) => param.default);
}

// state slots: TDF-II state of the sidechain high-pass per channel, then the RMS one-poles.
const HPF_STATE = 0;
const MEAN_SQUARE = 4;

export class Compressor implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest gain reduction (dB, positive = reduction) of the last block, for the meters. */
  readonly gainReductionDb: Float64Array;
  private readonly core: CompressorCore;
  private readonly detector: PeakHold;
  private readonly sidechainLeft: Float64Array;
  private readonly sidechainRight: Float64Array;
  private readonly levels: Float64Array;
  private readonly hpfCoefficients = new Float64Array(5);
  private readonly hpfArgs = new Float64Array(DESIGN_ARGS);
  private readonly state = new Float64Array(6);
  /** Sidechain HPF frequency the coefficients were designed for (NaN: never). */
  private readonly seen = new Float64Array([Number.NaN]);
  private readonly meanSquareCoef: number;
  private hpfOn = false;
  private rms = false;
  private idle = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.channels = channels;
    this.core = new CompressorCore(sampleRate);
    this.gainReductionDb = this.core.gainReductionDb;
    this.detector = new PeakHold(Math.ceil((MAX_HOLD_MS * sampleRate) / 1000) + 1);
    this.sidechainLeft = new Float64Array(maxBlockFrames);
    this.sidechainRight = new Float64Array(maxBlockFrames);
    this.levels = new Float64Array(maxBlockFrames);
    this.hpfArgs[DESIGN_SAMPLE_RATE] = sampleRate;
    this.hpfArgs[DESIGN_Q] = BUTTERWORTH_Q;
    this.meanSquareCoef = 1 - Math.exp(-1000 / (RMS_WINDOW_MS * sampleRate));
    this.update(compressorDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see COMPRESSOR_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const on = values[base + CompressorParam.on]! >= 0.5 ? 1 : 0;
    const rms = values[base + CompressorParam.detection]! >= 0.5;
    this.core.configure(values, base + CompressorParam.threshold, rms ? LEVEL_MEAN_SQUARE : LEVEL_PEAK, on);
    if (rms !== this.rms) {
      // The mean square restarts from silence; the peak hold from scratch.
      this.rms = rms;
      this.state[MEAN_SQUARE] = 0;
      this.state[MEAN_SQUARE + 1] = 0;
      this.detector.reset();
    }
    this.detector.setWindow(this.core.holdFrames);
    const hpf = values[base + CompressorParam.sidechainHpf]!;
    if (hpf !== this.seen[0]) {
      this.seen[0] = hpf;
      const on = hpf > SIDECHAIN_HPF_OFF_HZ;
      if (on && !this.hpfOn) this.state.fill(0, HPF_STATE, HPF_STATE + 4);
      this.hpfOn = on;
      if (on) {
        this.hpfArgs[DESIGN_FREQUENCY] = hpf;
        designBiquad(BiquadKind.highpass, this.hpfArgs, 0, this.hpfCoefficients, 0);
      }
    }
  }

  /** Audio thread: compresses `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const core = this.core;
    if (core.isIdle()) {
      this.idle = true;
      return;
    }
    if (this.idle) {
      // Switched back on: forget levels from before the bypass.
      this.idle = false;
      this.detector.reset();
      this.state.fill(0);
    }
    const stereo = this.channels === 2;
    const levels = this.levels;
    const state = this.state;
    if (this.hpfOn) {
      runBiquad32To64(this.hpfCoefficients, 0, state, HPF_STATE, left, this.sidechainLeft, frames);
      if (stereo)
        runBiquad32To64(this.hpfCoefficients, 0, state, HPF_STATE + 2, right, this.sidechainRight, frames);
      this.detect(this.sidechainLeft, this.sidechainRight, frames);
    } else {
      this.detectInput(left, right, frames);
    }
    core.computeGains(levels, levels, frames);
    for (let i = 0; i < frames; i++) left[i] = left[i]! * levels[i]!;
    if (stereo) for (let i = 0; i < frames; i++) right[i] = right[i]! * levels[i]!;
  }

  /** Clears filter, detector and ballistics state. Allocates nothing. */
  reset(): void {
    this.state.fill(0);
    this.detector.reset();
    this.core.reset();
  }

  // Detector over the high-passed sidechain (Float64). Two copies (Float64/Float32 sources) keep
  // each loop monomorphic.
  private detect(left: Float64Array, right: Float64Array, frames: number): void {
    const levels = this.levels;
    const stereo = this.channels === 2;
    if (this.rms) {
      const state = this.state;
      const k = this.meanSquareCoef;
      let msL = state[MEAN_SQUARE]!;
      let msR = state[MEAN_SQUARE + 1]!;
      for (let i = 0; i < frames; i++) {
        const l = left[i]!;
        msL += k * (l * l - msL);
        if (stereo) {
          const r = right[i]!;
          msR += k * (r * r - msR);
        }
        levels[i] = msL > msR ? msL : msR;
      }
      state[MEAN_SQUARE] = msL < DENORMAL_FLUSH ? 0 : msL;
      state[MEAN_SQUARE + 1] = msR < DENORMAL_FLUSH ? 0 : msR;
      return;
    }
    if (stereo) {
      for (let i = 0; i < frames; i++) levels[i] = Math.max(Math.abs(left[i]!), Math.abs(right[i]!));
    } else {
      for (let i = 0; i < frames; i++) levels[i] = Math.abs(left[i]!);
    }
    this.detector.process(levels, frames);
  }

  private detectInput(left: Float32Array, right: Float32Array, frames: number): void {
    const levels = this.levels;
    const stereo = this.channels === 2;
    if (this.rms) {
      const state = this.state;
      const k = this.meanSquareCoef;
      let msL = state[MEAN_SQUARE]!;
      let msR = state[MEAN_SQUARE + 1]!;
      for (let i = 0; i < frames; i++) {
        const l = left[i]!;
        msL += k * (l * l - msL);
        if (stereo) {
          const r = right[i]!;
          msR += k * (r * r - msR);
        }
        levels[i] = msL > msR ? msL : msR;
      }
      state[MEAN_SQUARE] = msL < DENORMAL_FLUSH ? 0 : msL;
      state[MEAN_SQUARE + 1] = msR < DENORMAL_FLUSH ? 0 : msR;
      return;
    }
    if (stereo) {
      for (let i = 0; i < frames; i++) levels[i] = Math.max(Math.abs(left[i]!), Math.abs(right[i]!));
    } else {
      for (let i = 0; i < frames; i++) levels[i] = Math.abs(left[i]!);
    }
    this.detector.process(levels, frames);
  }
}

/** The channel compressor as a placeable processor kind. */
export const COMPRESSOR_KIND: ProcessorKind = {
  params: COMPRESSOR_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Compressor(sampleRate, maxBlockFrames, channels),
};
