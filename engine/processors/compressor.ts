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
 *
 * Runs in the dynamics kernel (engine/wasm/dynamics.wat): side-chain filter, detector, hold,
 * CompressorCore's gain computer and the multiply in one call per block, with the scalar
 * arithmetic except ln/exp (within 1 ulp of Math.log/Math.exp) and the one-pole inside a run of
 * one target (closed form): gains within 1e-11 dB of CompressorCore.computeGains, and the tests
 * find the float32 output identical to the scalar processor's. Below the knee at rest, or on a
 * steady level with the gain reduction settled, no ln/exp runs and the block is multiplied by
 * one constant (or left as it is when that is exactly 1).
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
import { CompressorCore, LEVEL_MEAN_SQUARE, LEVEL_PEAK, MAX_HOLD_MS } from '../dsp/compressor-core.ts';
import {
  channelDynamicsMemory,
  COMPRESS_HIGH_PASS,
  COMPRESS_MEAN_SQUARE,
  COMPRESS_STEREO,
  copyIn,
  copyOut,
  type DynamicsExports,
  KernelHold,
} from '../wasm/dynamics-kernel.ts';
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

// Detector slots (f64, kernel memory; dynamics.wat, $sideChain): the
// side-chain high-pass coefficients, the mean-square coefficient, the flush threshold, then the
// high-pass state (s1 left/right, s2 left/right) and the mean squares (left, right).
const HPF_COEFFICIENTS = 0;
const MEAN_SQUARE_COEF = 5;
const FLUSH = 6;
const HPF_STATE = 8;
const MEAN_SQUARE = 12;
const DETECTOR_SLOTS = 14;

export class Compressor implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest gain reduction (dB, positive = reduction) of the last block, for the meters. */
  readonly gainReductionDb: Float64Array;
  private readonly core: CompressorCore;
  private readonly maxBlockFrames: number;
  private readonly kernel: DynamicsExports['compress'];
  private readonly descriptor: number;
  private readonly hold: KernelHold;
  /** High-pass and mean-square coefficients and state (see the slot list), in kernel memory. */
  private readonly detector: Float64Array;
  /** The block's channels in kernel memory. */
  private readonly inputLeft: Float32Array;
  private readonly inputRight: Float32Array;
  /** The kernel's answer: 1 when it changed the block. */
  private readonly changed: Int32Array;
  private readonly hpfArgs = new Float64Array(DESIGN_ARGS);
  /** Sidechain HPF frequency the coefficients were designed for (NaN: never). */
  private readonly seen = new Float64Array([Number.NaN]);
  private hpfOn = false;
  private rms = false;
  private idle = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.channels = channels;
    const frames = Math.max(1, maxBlockFrames);
    this.maxBlockFrames = frames;
    const memory = channelDynamicsMemory(frames, sampleRate, MAX_HOLD_MS, DETECTOR_SLOTS);
    this.kernel = memory.exports.compress;
    this.descriptor = memory.descriptor;
    this.changed = memory.changed;
    this.core = new CompressorCore(sampleRate, memory.slots);
    this.gainReductionDb = this.core.gainReductionDb;
    this.hold = new KernelHold(memory.buffer, memory.hold);
    this.detector = new Float64Array(memory.buffer, memory.detector, DETECTOR_SLOTS);
    this.detector[MEAN_SQUARE_COEF] = 1 - Math.exp(-1000 / (RMS_WINDOW_MS * sampleRate));
    this.detector[FLUSH] = DENORMAL_FLUSH;
    this.inputLeft = memory.left;
    this.inputRight = memory.right;
    this.hpfArgs[DESIGN_SAMPLE_RATE] = sampleRate;
    this.hpfArgs[DESIGN_Q] = BUTTERWORTH_Q;
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
      this.detector[MEAN_SQUARE] = 0;
      this.detector[MEAN_SQUARE + 1] = 0;
      this.hold.reset();
    }
    this.hold.setWindow(this.core.holdFrames);
    const hpf = values[base + CompressorParam.sidechainHpf]!;
    if (hpf !== this.seen[0]) {
      this.seen[0] = hpf;
      const on = hpf > SIDECHAIN_HPF_OFF_HZ;
      if (on && !this.hpfOn) this.detector.fill(0, HPF_STATE, HPF_STATE + 4);
      this.hpfOn = on;
      if (on) {
        this.hpfArgs[DESIGN_FREQUENCY] = hpf;
        designBiquad(BiquadKind.highpass, this.hpfArgs, 0, this.detector, HPF_COEFFICIENTS);
      }
    }
  }

  /** Audio thread: compresses `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    if (this.core.isIdle()) {
      this.idle = true;
      return;
    }
    if (this.idle) {
      // Switched back on: forget levels from before the bypass.
      this.idle = false;
      this.hold.reset();
      this.detector.fill(0, HPF_STATE, DETECTOR_SLOTS);
    }
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    const stereo = this.channels === 2;
    copyIn(left, this.inputLeft, n);
    if (stereo) copyIn(right, this.inputRight, n);
    const flags =
      (stereo ? COMPRESS_STEREO : 0) |
      (this.rms ? COMPRESS_MEAN_SQUARE : 0) |
      (this.hpfOn ? COMPRESS_HIGH_PASS : 0);
    this.kernel(this.descriptor, n, flags);
    if (this.changed[0] === 0) return;
    copyOut(this.inputLeft, left, n);
    if (stereo) copyOut(this.inputRight, right, n);
  }

  /** Clears filter, detector and ballistics state. Allocates nothing. */
  reset(): void {
    this.detector.fill(0, HPF_STATE, DETECTOR_SLOTS);
    this.hold.reset();
    this.core.reset();
  }
}

/** The channel compressor as a placeable processor kind. */
export const COMPRESSOR_KIND: ProcessorKind = {
  params: COMPRESSOR_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Compressor(sampleRate, maxBlockFrames, channels),
};
