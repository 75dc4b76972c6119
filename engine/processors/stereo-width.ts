import {
  BIQUAD_COEFFICIENTS,
  BiquadKind,
  BUTTERWORTH_Q,
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_GAIN_DB,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  designBiquad,
} from '../dsp/biquad-design.ts';
import { instantiateKernel } from '../wasm/wasm-kernel.ts';
import { DENORMAL_FLUSH, type BlockProcessor, type ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

/** Keys in template order. */
export const StereoWidthParam = { width: 0, monoBass: 1, monoBelow: 2 } as const;

export const STEREO_WIDTH_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'width',
    label: 'width',
    unit: '%',
    min: 0,
    max: 200,
    default: 100,
    taper: 'linear',
    smoothingMs: 20,
  },
  {
    key: 'mono-bass',
    label: 'mono bass',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 0,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'mono-below',
    label: 'mono below',
    unit: 'Hz',
    min: 20,
    max: 500,
    default: 120,
    taper: 'log',
    smoothingMs: 20,
  },
];

/** stereo-width.wat: byte addresses and counts only (see the kernel's header). */
interface StereoWidthExports extends WebAssembly.Exports {
  run: (frames: number, filter: number, left: number, right: number) => void;
}

// The kernel's fixed memory layout (stereo-width.wat's header).
/** [w, step, flush threshold]. */
const RAMP_ADDRESS = 0;
/** Allpass, high-pass 1, high-pass 2: BIQUAD_COEFFICIENTS each. */
const COEFFICIENTS_ADDRESS = 32;
const ALLPASS = 0;
const HIGHPASS_1 = BIQUAD_COEFFICIENTS;
const HIGHPASS_2 = 2 * BIQUAD_COEFFICIENTS;
const STATE_ADDRESS = 160;
/** Four (lane 0, lane 1) pairs of section state. */
const STATE_DOUBLES = 8;
/** (m, s) per frame between the kernel's passes. */
const SCRATCH_ADDRESS = STATE_ADDRESS + 8 * STATE_DOUBLES;

/**
 * Stereo width on mid/side: M = (L+R)/2, S = (L-R)/2 x width (0 % mono, 100 % unchanged,
 * 200 % twice the side), L = M+S, R = M-S. With mono bass on, the side is high-passed with a
 * Linkwitz-Riley 4th-order filter at `mono-below` (everything below is mono) and the mid goes
 * through the matching 2nd-order allpass (LR4 low + high = that allpass), so above the corner mid
 * and side keep the same phase and the image does not move. Width is ramped per sample across
 * the block.
 *
 * The frame loop runs in the WebAssembly kernel stereo-width.wat: the mid allpass and the first
 * side high-pass in the two lanes of one f64x2, the second high-pass in a second, all in one
 * pass with the width ramp; doubles throughout with the scalar code's operations in its order
 * (transposed direct form II sections as runBiquad64 in engine/dsp/biquad-filter.ts, state flushed
 * below DENORMAL_FLUSH after each block), so output and state are bit-identical to it.
 * `update`/`process`/`reset` run on the audio thread and never allocate or throw.
 */
export class StereoWidth implements BlockProcessor {
  readonly latencyFrames = 0;
  private readonly sampleRate: number;
  private readonly maxBlockFrames: number;
  private readonly runKernel: StereoWidthExports['run'];
  /** [w, step, flush threshold] (kernel memory). */
  private readonly ramp: Float64Array;
  /** Allpass, high-pass 1, high-pass 2 (kernel memory). */
  private readonly coefficients: Float64Array;
  /** The sections' state (kernel memory). */
  private readonly state: Float64Array;
  /** The samples in kernel memory; a whole block goes in and out with one TypedArray.set. */
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private readonly leftAddress: number;
  private readonly rightAddress: number;
  private readonly args = new Float64Array(DESIGN_ARGS);
  private width = 1;
  private previousWidth = 1;
  private monoBass = false;
  private corner = -1;

  constructor(sampleRate: number, maxBlockFrames: number) {
    this.sampleRate = sampleRate;
    this.maxBlockFrames = Math.max(1, maxBlockFrames);
    // Memory: header, scratch (16 bytes a frame, one spare), left and right (one spare each).
    this.leftAddress = SCRATCH_ADDRESS + 16 * (this.maxBlockFrames + 1);
    this.rightAddress = this.leftAddress + 4 * (this.maxBlockFrames + 2);
    const kernel = instantiateKernel<StereoWidthExports>(
      'stereo-width',
      this.rightAddress + 4 * (this.maxBlockFrames + 2),
    );
    const buffer = kernel.memory.buffer;
    this.runKernel = kernel.exports.run;
    this.ramp = new Float64Array(buffer, RAMP_ADDRESS, 3);
    this.ramp[2] = DENORMAL_FLUSH;
    this.coefficients = new Float64Array(buffer, COEFFICIENTS_ADDRESS, 3 * BIQUAD_COEFFICIENTS);
    this.state = new Float64Array(buffer, STATE_ADDRESS, STATE_DOUBLES);
    this.left = new Float32Array(buffer, this.leftAddress, this.maxBlockFrames);
    this.right = new Float32Array(buffer, this.rightAddress, this.maxBlockFrames);
  }

  /** Audio thread: allocates nothing. */
  update(values: Float64Array, base: number): void {
    this.width = values[base + StereoWidthParam.width]! / 100;
    const monoBass = values[base + StereoWidthParam.monoBass]! > 0.5;
    const corner = values[base + StereoWidthParam.monoBelow]!;
    if (monoBass !== this.monoBass) {
      this.monoBass = monoBass;
      if (!monoBass) this.state.fill(0);
      this.corner = -1;
    }
    if (monoBass && corner !== this.corner) {
      this.corner = corner;
      const args = this.args;
      args[DESIGN_FREQUENCY] = corner;
      args[DESIGN_GAIN_DB] = 0;
      args[DESIGN_Q] = BUTTERWORTH_Q;
      args[DESIGN_SAMPLE_RATE] = this.sampleRate;
      designBiquad(BiquadKind.allpass, args, 0, this.coefficients, ALLPASS);
      designBiquad(BiquadKind.highpass, args, 0, this.coefficients, HIGHPASS_1);
      designBiquad(BiquadKind.highpass, args, 0, this.coefficients, HIGHPASS_2);
    }
  }

  /** Audio thread: allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const start = this.previousWidth;
    const end = this.width;
    this.previousWidth = end;
    if (!this.monoBass && start === 1 && end === 1) return;
    const ramp = this.ramp;
    ramp[0] = start;
    ramp[1] = frames > 0 ? (end - start) / frames : 0;
    const filter = this.monoBass ? 1 : 0;
    const size = this.maxBlockFrames;
    const kernelLeft = this.left;
    const kernelRight = this.right;
    // Whole arrays in and whole blocks out with TypedArray.set (a memcpy); else element-wise.
    const copyIn = frames <= size && left.length <= size && right.length <= size;
    for (let at = 0; at < frames; at += size) {
      const n = Math.min(size, frames - at);
      if (copyIn) {
        kernelLeft.set(left);
        kernelRight.set(right);
      } else {
        for (let i = 0; i < n; i++) {
          kernelLeft[i] = left[at + i]!;
          kernelRight[i] = right[at + i]!;
        }
      }
      this.runKernel(n, filter, this.leftAddress, this.rightAddress);
      if (n === size && left.length >= at + n && right.length >= at + n) {
        left.set(kernelLeft, at);
        right.set(kernelRight, at);
      } else {
        for (let i = 0; i < n; i++) {
          left[at + i] = kernelLeft[i]!;
          right[at + i] = kernelRight[i]!;
        }
      }
    }
  }

  reset(): void {
    this.state.fill(0);
    this.previousWidth = this.width;
  }
}

export const STEREO_WIDTH_KIND: ProcessorKind = {
  params: STEREO_WIDTH_PARAMS,
  create(sampleRate: number, maxBlockFrames: number): BlockProcessor {
    return new StereoWidth(sampleRate, maxBlockFrames);
  },
};
