/**
 * Three-band Linkwitz-Riley (LR4, 24 dB/oct) crossover for multiband dynamics.
 *
 * LR4 = two identical cookbook Butterworth sections (Q = 1/sqrt 2) in series; LP and HP at the
 * same fc are each -6.02 dB there and sum (HP not inverted) to the 2nd-order all-pass with
 * Q = 1/sqrt 2 at fc: (1 + s^4) / (s^2 + sqrt2 s + 1)^2 = (s^2 - sqrt2 s + 1) / (s^2 + sqrt2 s + 1),
 * and the bilinear transform (same prewarp for every section) keeps that identity exactly.
 * Bands, fc1 = low/mid, fc2 = mid/high:
 *   low  = LP(fc1)^2 * AP(fc2)      (the all-pass gives the low band the phase of the fc2 split)
 *   mid  = HP(fc1)^2 * LP(fc2)^2
 *   high = HP(fc1)^2 * HP(fc2)^2
 * so low + mid + high = AP(fc1) * AP(fc2): flat magnitude (dsp-and-loudness.md §8). Without the
 * low band's all-pass the sum is off by about 0.1 dB around the crossovers.
 *
 * Nine sections per channel, state in Float64Array, outputs in Float64Array so the band sum is
 * exact to double precision.
 */
import {
  BIQUAD_COEFFICIENTS,
  BUTTERWORTH_Q,
  BiquadKind,
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  designBiquad,
} from './biquad-design.ts';
import { BIQUAD_STATE, runBiquad32To64, runBiquad64 } from './biquad-filter.ts';

// Coefficient slots.
const LP1 = 0;
const HP1 = 1;
const LP2 = 2;
const HP2 = 3;
const AP2 = 4;
const DESIGNS = 5;
/** State sections per channel: LP1 x2, AP2, HP1 x2, LP2 x2, HP2 x2. */
const SECTIONS_PER_CHANNEL = 9;

/** Initial crossover points until the first setFrequencies. */
const DEFAULT_LOW_MID_HZ = 200;
const DEFAULT_MID_HIGH_HZ = 2000;

export class LinkwitzRileySplitter3 {
  readonly channels: 1 | 2;
  /** Largest `frames` per split; kept for callers' checks (no scratch buffers are needed). */
  readonly maxBlockFrames: number;
  private readonly coefficients = new Float64Array(DESIGNS * BIQUAD_COEFFICIENTS);
  private readonly state: Float64Array;
  private readonly args = new Float64Array(DESIGN_ARGS);
  /** Crossover points now designed (NaN before the first design). */
  private readonly current = new Float64Array([Number.NaN, Number.NaN]);

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    // Every stage writes into the caller's band buffers: no scratch buffers.
    this.maxBlockFrames = maxBlockFrames;
    this.channels = channels;
    this.state = new Float64Array(channels * SECTIONS_PER_CHANNEL * BIQUAD_STATE);
    this.args[DESIGN_SAMPLE_RATE] = sampleRate;
    this.args[DESIGN_Q] = BUTTERWORTH_Q;
    const initial = new Float64Array([DEFAULT_LOW_MID_HZ, DEFAULT_MID_HIGH_HZ]);
    this.setFrequencies(initial, 0);
  }

  /**
   * `values[base]` = low/mid crossover (Hz), `values[base + 1]` = mid/high (Hz); sections are
   * redesigned only for a point that changed (values arrive smoothed per block; filter state is
   * kept, so sweeps don't click). Frequencies are clamped to 1 Hz .. 0.49 fs.
   * Audio thread: allocates nothing, throws nothing.
   */
  setFrequencies(values: Float64Array, base: number): void {
    const low = values[base]!;
    const high = values[base + 1]!;
    const args = this.args;
    const out = this.coefficients;
    if (low !== this.current[0]) {
      this.current[0] = low;
      args[DESIGN_FREQUENCY] = low;
      designBiquad(BiquadKind.lowpass, args, 0, out, LP1 * BIQUAD_COEFFICIENTS);
      designBiquad(BiquadKind.highpass, args, 0, out, HP1 * BIQUAD_COEFFICIENTS);
    }
    if (high !== this.current[1]) {
      this.current[1] = high;
      args[DESIGN_FREQUENCY] = high;
      designBiquad(BiquadKind.lowpass, args, 0, out, LP2 * BIQUAD_COEFFICIENTS);
      designBiquad(BiquadKind.highpass, args, 0, out, HP2 * BIQUAD_COEFFICIENTS);
      designBiquad(BiquadKind.allpass, args, 0, out, AP2 * BIQUAD_COEFFICIENTS);
    }
  }

  /**
   * Audio thread: splits channel `channel` of `input` into three bands (Float64Array outputs,
   * length >= frames). Allocates nothing, throws nothing.
   */
  split(
    channel: number,
    input: Float32Array,
    low: Float64Array,
    mid: Float64Array,
    high: Float64Array,
    frames: number,
  ): void {
    const c = this.coefficients;
    const s = this.state;
    const base = channel * SECTIONS_PER_CHANNEL * BIQUAD_STATE;
    const lp1 = LP1 * BIQUAD_COEFFICIENTS;
    const hp1 = HP1 * BIQUAD_COEFFICIENTS;
    const lp2 = LP2 * BIQUAD_COEFFICIENTS;
    const hp2 = HP2 * BIQUAD_COEFFICIENTS;
    const ap2 = AP2 * BIQUAD_COEFFICIENTS;
    runBiquad32To64(c, lp1, s, base, input, low, frames);
    runBiquad64(c, lp1, s, base + 2, low, low, frames, 0);
    runBiquad64(c, ap2, s, base + 4, low, low, frames, 0);
    runBiquad32To64(c, hp1, s, base + 6, input, high, frames);
    runBiquad64(c, hp1, s, base + 8, high, high, frames, 0);
    runBiquad64(c, lp2, s, base + 10, high, mid, frames, 0);
    runBiquad64(c, lp2, s, base + 12, mid, mid, frames, 0);
    runBiquad64(c, hp2, s, base + 14, high, high, frames, 0);
    runBiquad64(c, hp2, s, base + 16, high, high, frames, 0);
  }

  /**
   * Copies the five designs (LP1, HP1, LP2, HP2, AP2; five coefficients each) to `target` from
   * index 0: StereoLr4Splitter runs them in WebAssembly. Allocates nothing.
   */
  copyCoefficients(target: Float64Array): void {
    const c = this.coefficients;
    for (let i = 0; i < c.length; i++) target[i] = c[i]!;
  }

  /** Clears all filter state. Allocates nothing. */
  reset(): void {
    this.state.fill(0);
  }
}
