import { describe, expect, it } from 'vitest';
import {
  BiquadKind,
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  designBiquad,
} from '../../../engine/dsp/biquad-design.ts';
import { BiquadCascade } from '../../../engine/dsp/biquad-filter.ts';
import {
  StereoWidth,
  StereoWidthParam,
  STEREO_WIDTH_PARAMS,
} from '../../../engine/processors/stereo-width.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const RATE = 48000;
const BLOCK = 128;

function settings(width: number, monoBass: boolean, corner = 120): Float64Array {
  const values = Float64Array.from(STEREO_WIDTH_PARAMS, (p) => p.default);
  values[StereoWidthParam.width] = width;
  values[StereoWidthParam.monoBass] = monoBass ? 1 : 0;
  values[StereoWidthParam.monoBelow] = corner;
  return values;
}

/** Runs sines (per channel amplitude) through the stage; returns the last second's amplitude (RMS x sqrt 2) per channel. */
function run(values: Float64Array, frequency: number, left: number, right: number): [number, number] {
  const stage = new StereoWidth(RATE, BLOCK);
  const l = new Float32Array(BLOCK);
  const r = new Float32Array(BLOCK);
  let sumL = 0;
  let sumR = 0;
  const blocks = Math.ceil((2 * RATE) / BLOCK);
  for (let b = 0; b < blocks; b++) {
    stage.update(values, 0);
    for (let i = 0; i < BLOCK; i++) {
      const x = Math.sin((2 * Math.PI * frequency * (b * BLOCK + i)) / RATE);
      l[i] = left * x;
      r[i] = right * x;
    }
    stage.process(l, r, BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      const n = b * BLOCK + i;
      if (n < RATE || n >= 2 * RATE) continue;
      sumL += l[i]! * l[i]!;
      sumR += r[i]! * r[i]!;
    }
  }
  // One whole second: a whole number of periods of every test frequency.
  return [Math.sqrt((2 * sumL) / RATE), Math.sqrt((2 * sumR) / RATE)];
}

const db = (x: number): number => 20 * Math.log10(x);

describe('stereo width (master chain)', () => {
  it('width 0 % folds to mono, 100 % passes, 200 % doubles the side', () => {
    const [l0, r0] = run(settings(0, false), 1000, 0.5, 0.1);
    expect(l0).toBeCloseTo(0.3, 4);
    expect(r0).toBeCloseTo(0.3, 4);
    const [l1, r1] = run(settings(100, false), 1000, 0.5, 0.1);
    expect(l1).toBeCloseTo(0.5, 4);
    expect(r1).toBeCloseTo(0.1, 4);
    // M = 0.3, S = 0.2 x 2: L = 0.7, R = -0.1 (amplitude 0.1).
    const [l2, r2] = run(settings(200, false), 1000, 0.5, 0.1);
    expect(l2).toBeCloseTo(0.7, 4);
    expect(r2).toBeCloseTo(0.1, 4);
  });

  it('mono bass: the side below the corner is removed (LR4), the mid is untouched in level', () => {
    // Side-only 40 Hz with the corner at 120 Hz: LR4 high-pass, analytically -38 dB at f/fc = 1/3.
    const [sideLow] = run(settings(100, true), 40, 0.5, -0.5);
    expect(db(sideLow / 0.5)).toBeLessThan(-30);
    // Side-only 5 kHz: passes within 0.05 dB.
    const [sideHigh] = run(settings(100, true), 5000, 0.5, -0.5);
    expect(Math.abs(db(sideHigh / 0.5))).toBeLessThan(0.05);
    // Mid-only at several frequencies: the allpass keeps the level exactly.
    for (const f of [30, 120, 500, 5000]) {
      const [midL, midR] = run(settings(100, true), f, 0.5, 0.5);
      expect(Math.abs(db(midL / 0.5)), `${f} Hz`).toBeLessThan(0.01);
      expect(Math.abs(db(midR / 0.5)), `${f} Hz`).toBeLessThan(0.01);
    }
  });

  it('mono bass keeps mid and side in phase above the corner: a left-only 2 kHz tone stays on the left', () => {
    // L-only means M = S; if the side filter and the mid allpass disagreed in phase, it would leak right.
    const [left, right] = run(settings(100, true), 2000, 0.5, 0);
    expect(Math.abs(db(left / 0.5))).toBeLessThan(0.01);
    expect(db(right / 0.5)).toBeLessThan(-60);
  });

  it('leaves no subnormal state after a burst and silence', () => {
    const stage = new StereoWidth(RATE, BLOCK);
    const values = settings(150, true);
    const l = new Float32Array(BLOCK);
    const r = new Float32Array(BLOCK);
    for (let b = 0; b < 4000; b++) {
      stage.update(values, 0);
      const loud = b < 400;
      for (let i = 0; i < BLOCK; i++) {
        l[i] = loud ? Math.sin(i * 0.3) : 0;
        r[i] = loud ? Math.cos(i * 0.17) : 0;
      }
      stage.process(l, r, BLOCK);
    }
    expect(countSubnormals(stage)).toBe(0);
  });
});

/**
 * The scalar stereo width the WebAssembly kernel (engine/wasm/stereo-width.wat) replaces, written
 * out independently: mid/side in Float64Arrays, the allpass and the two high-pass sections as
 * BiquadCascade.process64 (engine/dsp/biquad-filter.ts) runs them, then the width ramp.
 */
class ScalarStereoWidth {
  readonly mid = new BiquadCascade(1, 1);
  readonly side = new BiquadCascade(2, 1);
  private readonly m: Float64Array;
  private readonly s: Float64Array;
  private readonly args = new Float64Array(DESIGN_ARGS);
  private width = 1;
  private previous = 1;
  private monoBass = false;
  private corner = -1;

  constructor(maxFrames: number) {
    this.m = new Float64Array(maxFrames);
    this.s = new Float64Array(maxFrames);
  }

  update(values: Float64Array, base: number): void {
    this.width = values[base + StereoWidthParam.width]! / 100;
    const monoBass = values[base + StereoWidthParam.monoBass]! > 0.5;
    if (monoBass !== this.monoBass) {
      this.monoBass = monoBass;
      this.mid.clear(0);
      this.side.clear(0);
      this.side.clear(1);
      this.corner = -1;
    }
    const corner = values[base + StereoWidthParam.monoBelow]!;
    if (monoBass && corner !== this.corner) {
      this.corner = corner;
      this.args[DESIGN_FREQUENCY] = corner;
      this.args[DESIGN_Q] = Math.SQRT1_2;
      this.args[DESIGN_SAMPLE_RATE] = RATE;
      designBiquad(BiquadKind.allpass, this.args, 0, this.mid.coefficients, 0);
      designBiquad(BiquadKind.highpass, this.args, 0, this.side.coefficients, 0);
      designBiquad(BiquadKind.highpass, this.args, 0, this.side.coefficients, 5);
      this.mid.enable(0);
      this.side.enable(0);
      this.side.enable(1);
    }
  }

  reset(): void {
    this.mid.reset();
    this.side.reset();
    this.previous = this.width;
  }

  process(left: Float32Array, right: Float32Array, frames: number): void {
    const start = this.previous;
    this.previous = this.width;
    if (!this.monoBass && start === 1 && this.width === 1) return;
    for (let i = 0; i < frames; i++) {
      this.m[i] = 0.5 * (left[i]! + right[i]!);
      this.s[i] = 0.5 * (left[i]! - right[i]!);
    }
    if (this.monoBass) {
      this.mid.process64(0, this.m, frames);
      this.side.process64(0, this.s, frames);
    }
    const step = (this.width - start) / frames;
    let w = start;
    for (let i = 0; i < frames; i++) {
      w += step;
      const s = this.s[i]! * w;
      left[i] = this.m[i]! + s;
      right[i] = this.m[i]! - s;
    }
  }
}

describe('stereo width: the WebAssembly kernel against the scalar reference', () => {
  it('gives bit-identical samples and filter state through width ramps, mono-bass switches and resets', () => {
    let seed = 5;
    const next = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    let compared = 0;
    let mismatches = 0;
    for (const maxFrames of [128, 61]) {
      const stage = new StereoWidth(RATE, maxFrames);
      const reference = new ScalarStereoWidth(maxFrames);
      const values = settings(100, false);
      for (let block = 0; block < 6000; block++) {
        if (block % 50 === 0) {
          values[StereoWidthParam.width] = [100, 0, 200, 137.25, 100, 64.5][(block / 50) % 6]!;
          values[StereoWidthParam.monoBass] = (block / 50) % 7 < 5 ? 1 : 0;
          values[StereoWidthParam.monoBelow] = 20 + 480 * (next() + 0.5);
        }
        stage.update(values, 0);
        reference.update(values, 0);
        if (block === 3001) {
          stage.reset();
          reference.reset();
        }
        const frames = [maxFrames, 1, 2, 17, maxFrames - 1][block % 5]!;
        const left = new Float32Array(maxFrames);
        const right = new Float32Array(maxFrames);
        const gain = block % 600 < 400 ? 1 : 0;
        for (let i = 0; i < frames; i++) {
          left[i] = gain * next();
          right[i] = gain * 0.7 * next();
        }
        if (block % 13 === 0) left[0] = right[0] = -0;
        const expectedLeft = left.slice();
        const expectedRight = right.slice();
        stage.process(left, right, frames);
        reference.process(expectedLeft, expectedRight, frames);
        for (let i = 0; i < maxFrames; i++) {
          compared++;
          if (!Object.is(left[i], expectedLeft[i]) || !Object.is(right[i], expectedRight[i])) mismatches++;
        }
        // State in doubles (lanes: allpass and high-pass 1, then 0 and high-pass 2): a changed
        // operation order in a section shows here long before it reaches a Float32 sample.
        const state = stage['state'];
        const expected = [
          reference.mid.state[0],
          reference.side.state[0],
          reference.mid.state[1],
          reference.side.state[1],
          0,
          reference.side.state[2],
          0,
          reference.side.state[3],
        ];
        for (let k = 0; k < expected.length; k++) if (!Object.is(state[k], expected[k])) mismatches++;
      }
    }
    expect(compared).toBeGreaterThan(500_000);
    expect(mismatches).toBe(0);
  });

  it('rounds the mix exactly as the scalar code: m + s*w and m - s*w at Float32 rounding ties', () => {
    // Width 200 % without mono bass: s*w = l - r exactly, so the outputs are 1.5 l - 0.5 r and
    // 1.5 r - 0.5 l in double, chosen to fall exactly halfway between two Float32 values (ties go
    // to even): a result one double ulp off, or any other rounding, picks the other neighbour.
    const stage = new StereoWidth(RATE, BLOCK);
    const reference = new ScalarStereoWidth(BLOCK);
    const values = settings(200, false);
    // Settle the ramp at 200 % first (the first block ramps from 100 %).
    for (const processor of [stage, reference]) {
      processor.update(values, 0);
      processor.process(new Float32Array(BLOCK), new Float32Array(BLOCK), BLOCK);
    }
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    let ties = 0;
    for (let i = 0; i < BLOCK; i++) {
      // l = 1 + i 2^-22, so 1.5 l is a multiple of 2^-23 (the Float32 spacing in [1, 2)); 0.5 r is
      // an odd multiple of 2^-24: their difference lies exactly halfway between two Float32 values.
      left[i] = 1 + i * 2 ** -22;
      right[i] = 2 ** -23 * (2 * (i % 5) + 1);
      const exact = 1.5 * left[i]! - 0.5 * right[i]!;
      if (Math.abs(Math.fround(exact) - exact) === 2 ** -24) ties++;
    }
    const expectedLeft = left.slice();
    const expectedRight = right.slice();
    stage.process(left, right, BLOCK);
    reference.process(expectedLeft, expectedRight, BLOCK);
    expect(ties).toBe(BLOCK);
    expect(Array.from(left)).toEqual(Array.from(expectedLeft));
    expect(Array.from(right)).toEqual(Array.from(expectedRight));
  });

  it('reports its speed (mono bass on, width moving; not asserted)', () => {
    const stage = new StereoWidth(RATE, BLOCK);
    const values = settings(120, true);
    const sourceLeft = Float32Array.from({ length: 64 * BLOCK }, (_, i) => Math.sin(i * 0.01));
    const sourceRight = Float32Array.from({ length: 64 * BLOCK }, (_, i) => Math.cos(i * 0.013));
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const run = (blocks: number): void => {
      for (let b = 0; b < blocks; b++) {
        values[StereoWidthParam.width] = 120 + (b & 1);
        stage.update(values, 0);
        const at = (b & 63) * BLOCK;
        left.set(sourceLeft.subarray(at, at + BLOCK));
        right.set(sourceRight.subarray(at, at + BLOCK));
        stage.process(left, right, BLOCK);
      }
    };
    run(10_000);
    const started = process.hrtime.bigint();
    run(20_000);
    const ns = Number(process.hrtime.bigint() - started) / (20_000 * BLOCK);
    console.log(
      `stereo width (mono bass, ramp): ${ns.toFixed(1)} ns per stereo frame (incl. copying the input in)`,
    );
    expect(ns).toBeGreaterThan(0);
  });
});
