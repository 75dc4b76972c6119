import { describe, expect, it } from 'vitest';
import {
  STEREO_IMAGE_READOUT,
  STEREO_IMAGE_READOUT_COUNT,
  StereoImageMeter,
} from '../../../engine/meters/stereo-image-meter.ts';
import { gaussianNoise, sine } from './meter-signals.ts';

const RATE = 48000;
const R = STEREO_IMAGE_READOUT;

/** Feeds the pair in blocks of `block`, calling `each` with the readout after every block. */
function feed(
  meter: StereoImageMeter,
  left: Float32Array,
  right: Float32Array,
  block: number,
  each?: (end: number, out: Float64Array) => void,
): Float64Array {
  const out = new Float64Array(STEREO_IMAGE_READOUT_COUNT);
  for (let start = 0; start < left.length; start += block) {
    const end = Math.min(left.length, start + block);
    meter.process(left.subarray(start, end), right.subarray(start, end), end - start);
    if (each !== undefined) {
      meter.readInto(out, 0);
      each(end, out);
    }
  }
  meter.readInto(out, 0);
  return out;
}

const noise = (seconds: number, seed: number, rms: number): Float32Array =>
  Float32Array.from(gaussianNoise(RATE * seconds, seed), (v) => v * rms);

describe('StereoImageMeter', () => {
  it('reads +1 for identical channels, -1 for inverted ones, about 0 for independent noise', () => {
    const left = noise(4, 1, 0.1);
    const inverted = left.map((v) => -v);
    const identical = feed(new StereoImageMeter(RATE), left, left, 128);
    expect(identical[R.correlation]).toBe(1);
    expect(identical[R.balanceDb]).toBe(0);
    expect(identical[R.sideDbfs]).toBe(-Infinity);
    expect(identical[R.midDbfs]).toBeCloseTo(identical[R.leftDbfs]!, 12);
    const opposite = feed(new StereoImageMeter(RATE), left, inverted, 128);
    expect(opposite[R.correlation]).toBe(-1);
    expect(opposite[R.midDbfs]).toBe(-Infinity);
    expect(opposite[R.sideDbfs]).toBeCloseTo(opposite[R.leftDbfs]!, 12);
    // Independent: each 300 ms window (14 400 frames) has r ~ N(0, 1/14 400), sigma 0.0083.
    const meter = new StereoImageMeter(RATE);
    let worst = 0;
    feed(meter, noise(20, 2, 0.1), noise(20, 3, 0.1), 128, (end, out) => {
      if (end > RATE * 0.3) worst = Math.max(worst, Math.abs(out[R.correlation]!));
    });
    const summary = meter.summary();
    console.log(
      `independent noise: |r| <= ${worst.toFixed(4)} over ${summary.windows} windows, mean ${summary.correlationMean!.toFixed(5)}`,
    );
    expect(worst).toBeLessThan(5 / Math.sqrt(14400));
    expect(Math.abs(summary.correlationMean!)).toBeLessThan(0.01);
  });

  it('reads balance and mid/side levels of constructed signals exactly', () => {
    // L = s1 + s2, R = s1 - s2: M = s1, S = s2. s1 = 0.3 sin(1 kHz), s2 = 0.1 sin(1.5 kHz): whole
    // periods in a 300 ms window, so sum(s1 s2) = 0 and r = (0.045 - 0.005) / (0.045 + 0.005) = 0.8.
    const s1 = sine(RATE * 2, 1000, RATE, 0.3);
    const s2 = sine(RATE * 2, 1500, RATE, 0.1);
    const left = s1.map((v, i) => v + s2[i]!);
    const right = s1.map((v, i) => v - s2[i]!);
    const out = feed(new StereoImageMeter(RATE), left, right, 100);
    expect(out[R.midDbfs]).toBeCloseTo(20 * Math.log10(0.3), 4);
    expect(out[R.sideDbfs]).toBeCloseTo(20 * Math.log10(0.1), 4);
    expect(out[R.correlation]).toBeCloseTo(0.8, 5);
    // Mean square 0.05 = -10 dB FS RMS (AES17) on both sides.
    expect(out[R.leftDbfs]).toBeCloseTo(-10, 4);
    expect(out[R.rightDbfs]).toBeCloseTo(-10, 4);
    expect(out[R.balanceDb]).toBeCloseTo(0, 4);
    // Right at half the left's amplitude: -6.02 dB to the left, whatever the window holds.
    const tone = sine(RATE, 441, RATE, 0.5);
    const half = tone.map((v) => v / 2);
    const leaning = feed(new StereoImageMeter(RATE), tone, half, 128);
    expect(leaning[R.balanceDb]).toBeCloseTo(20 * Math.log10(0.5), 6);
    expect(leaning[R.correlation]).toBeCloseTo(1, 12);
    // One silent side: the balance is all the way over.
    const hard = feed(new StereoImageMeter(RATE), tone, new Float32Array(RATE), 128);
    expect(hard[R.balanceDb]).toBe(-Infinity);
    expect(hard[R.correlation]).toBe(0);
  });

  it('slides a 300 ms window in 10 ms hops: half-way through a polarity flip it reads 0', () => {
    const left = noise(2, 4, 0.1);
    const right = left.map((v, i) => (i < RATE ? v : -v));
    const at = new Map<number, number>();
    feed(new StereoImageMeter(RATE), left, right, 480, (end, out) => at.set(end, out[R.correlation]!));
    expect(at.get(RATE)).toBe(1);
    // 150 ms after the flip the window holds 150 ms of each: r = (E1 - E2) / (E1 + E2), near 0.
    expect(Math.abs(at.get(RATE + 7200)!)).toBeLessThan(0.05);
    expect(at.get(RATE + 14400)).toBe(-1);
    // A 100 ms window flips within 100 ms.
    const short = new Map<number, number>();
    feed(new StereoImageMeter(RATE, { windowSeconds: 0.1 }), left, right, 480, (end, out) =>
      short.set(end, out[R.correlation]!),
    );
    expect(short.get(RATE + 4800)).toBe(-1);
  });

  it('summarises a run: minimum and mean correlation over full, non-silent windows', () => {
    const left = noise(4, 5, 0.1);
    const right = left.map((v, i) => (i < RATE * 2 ? v : -v));
    // Silence in the middle counts in no window statistics.
    for (let i = RATE * 1.5; i < RATE * 2.5; i++) {
      left[i] = 0;
      right[i] = 0;
    }
    const meter = new StereoImageMeter(RATE);
    feed(meter, left, right, 128);
    const summary = meter.summary();
    expect(summary.correlationMin).toBe(-1);
    // About 1.2 s of windows reading +1 (ending 0.3 .. 1.5 s) and 1.2 s reading -1 (ending
    // 2.8 .. 4 s), and the partly silent ones in between: a mean near 0.
    expect(summary.windows).toBeGreaterThan(240);
    expect(Math.abs(summary.correlationMean!)).toBeLessThan(0.05);
    expect(summary.balanceDb).toBeCloseTo(0, 6);
    expect(new StereoImageMeter(RATE).summary().correlationMin).toBeNull();
  });

  it('reads silence as correlation 0, balance 0, levels -Infinity; NaN samples count as 0', () => {
    const silent = feed(new StereoImageMeter(RATE), new Float32Array(RATE), new Float32Array(RATE), 128);
    expect(silent[R.correlation]).toBe(0);
    expect(silent[R.balanceDb]).toBe(0);
    expect(silent[R.midDbfs]).toBe(-Infinity);
    const left = noise(1, 6, 0.1);
    const right = left.slice();
    left[500] = Number.NaN;
    right[500] = 0;
    right[900] = -Infinity;
    left[900] = 0;
    const out = feed(new StereoImageMeter(RATE), left, right, 128);
    expect(out[R.correlation]).toBeCloseTo(1, 12);
  });
});
