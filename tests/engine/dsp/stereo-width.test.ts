import { describe, expect, it } from 'vitest';
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
