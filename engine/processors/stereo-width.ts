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
import { BiquadCascade } from '../dsp/biquad-filter.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
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

/**
 * Stereo width on mid/side: M = (L+R)/2, S = (L-R)/2 x width (0 % mono, 100 % unchanged,
 * 200 % twice the side), L = M+S, R = M-S. With mono bass on, the side is high-passed with a
 * Linkwitz-Riley 4th-order filter at `mono-below` (everything below is mono) and the mid goes
 * through the matching 2nd-order allpass (LR4 low + high = that allpass), so above the corner mid
 * and side keep the same phase and the image does not move. Width is ramped per sample across
 * the block. `update`/`process` run on the audio thread and never allocate or throw.
 */
export class StereoWidth implements BlockProcessor {
  readonly latencyFrames = 0;
  private readonly sampleRate: number;
  private readonly mid: Float64Array;
  private readonly side: Float64Array;
  /** Slot 0: mid allpass. Slots 1-2 (channel 1 of a 2-channel cascade would waste): side HP x2. */
  private readonly midFilter = new BiquadCascade(1, 1);
  private readonly sideFilter = new BiquadCascade(2, 1);
  private readonly args = new Float64Array(DESIGN_ARGS);
  private width = 1;
  private previousWidth = 1;
  private monoBass = false;
  private corner = -1;

  constructor(sampleRate: number, maxBlockFrames: number) {
    this.sampleRate = sampleRate;
    this.mid = new Float64Array(maxBlockFrames);
    this.side = new Float64Array(maxBlockFrames);
  }

  /** Audio thread: allocates nothing. */
  update(values: Float64Array, base: number): void {
    this.width = values[base + StereoWidthParam.width]! / 100;
    const monoBass = values[base + StereoWidthParam.monoBass]! > 0.5;
    const corner = values[base + StereoWidthParam.monoBelow]!;
    if (monoBass !== this.monoBass) {
      this.monoBass = monoBass;
      if (!monoBass) {
        this.midFilter.clear(0);
        this.sideFilter.clear(0);
        this.sideFilter.clear(1);
      }
      this.corner = -1;
    }
    if (monoBass && corner !== this.corner) {
      this.corner = corner;
      const args = this.args;
      args[DESIGN_FREQUENCY] = corner;
      args[DESIGN_GAIN_DB] = 0;
      args[DESIGN_Q] = BUTTERWORTH_Q;
      args[DESIGN_SAMPLE_RATE] = this.sampleRate;
      designBiquad(BiquadKind.allpass, args, 0, this.midFilter.coefficients, 0);
      designBiquad(BiquadKind.highpass, args, 0, this.sideFilter.coefficients, 0);
      designBiquad(BiquadKind.highpass, args, 0, this.sideFilter.coefficients, BIQUAD_COEFFICIENTS);
      this.midFilter.enable(0);
      this.sideFilter.enable(0);
      this.sideFilter.enable(1);
    }
  }

  /** Audio thread: allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const start = this.previousWidth;
    const end = this.width;
    this.previousWidth = end;
    if (!this.monoBass && start === 1 && end === 1) return;
    const mid = this.mid;
    const side = this.side;
    for (let i = 0; i < frames; i++) {
      const l = left[i]!;
      const r = right[i]!;
      mid[i] = 0.5 * (l + r);
      side[i] = 0.5 * (l - r);
    }
    if (this.monoBass) {
      this.midFilter.process64(0, mid, frames);
      this.sideFilter.process64(0, side, frames);
    }
    const step = frames > 0 ? (end - start) / frames : 0;
    let w = start;
    for (let i = 0; i < frames; i++) {
      w += step;
      const m = mid[i]!;
      const s = side[i]! * w;
      left[i] = m + s;
      right[i] = m - s;
    }
  }

  reset(): void {
    this.midFilter.reset();
    this.sideFilter.reset();
    this.previousWidth = this.width;
  }
}

export const STEREO_WIDTH_KIND: ProcessorKind = {
  params: STEREO_WIDTH_PARAMS,
  create(sampleRate: number, maxBlockFrames: number): BlockProcessor {
    return new StereoWidth(sampleRate, maxBlockFrames);
  },
};
