/**
 * Saturation: aliasing measured with a windowed FFT (every component that is not a harmonic of
 * the input must be 80 dB below the fundamental, for 0 dBFS sines from 7 to 17 kHz at drive
 * 18 dB), shown to fail without anti-aliasing (no oversampling; 8x without ADAA; ADAA at 4x);
 * the ADAA kernel against a numerically integrated reference; the curve, latency, mix, output and
 * asymmetry against their definitions; small-signal response flat to 20 kHz (ADAA's droop
 * compensated); bypass; no allocation; no subnormal state; speed printed.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { softClipAdaa } from '../../../engine/dsp/adaa-soft-clipper.ts';
import {
  SATURATION_PARAMS,
  Saturation,
  saturationParamIndex,
} from '../../../engine/processors/saturation.ts';
import type { SaturationOptions } from '../../../engine/processors/saturation.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const FS = 48000;
const BLOCK = 128;
/** Only the engine's own files count (this test file's path contains "/engine/" too). */
const ENGINE_FILES = fileURLToPath(new URL('../../../engine/', import.meta.url));
const p = saturationParamIndex;

function values(settings: Record<string, number> = {}): Float64Array {
  const v = new Float64Array(SATURATION_PARAMS.map((param) => param.default));
  for (const [key, value] of Object.entries(settings)) v[p(key)] = value;
  return v;
}

function sine(length: number, frequency: number, amplitude: number): Float32Array {
  return new Float32Array(length).map((_, n) => amplitude * Math.sin((2 * Math.PI * frequency * n) / FS));
}

/** Mono run in 128-frame blocks. */
function run(sat: Saturation, v: Float64Array, input: Float32Array): Float32Array {
  const out = Float32Array.from(input);
  for (let start = 0; start < input.length; start += BLOCK) {
    const frames = Math.min(BLOCK, input.length - start);
    const block = out.subarray(start, start + frames);
    sat.update(v, 0);
    sat.process(block, block, frames);
  }
  return out;
}

/** In-place radix-2 complex FFT (re, im of length 2^k). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

const N = 65536;

/** The curve by its definition: x(3/2 - x^2/2) for |x| < 1, clamped, at unit small-signal slope. */
function cubicClip(u: number): number {
  const v = u / 1.5;
  if (v >= 1) return 1;
  if (v <= -1) return -1;
  return 1.5 * v - 0.5 * v * v * v;
}

/**
 * Worst non-harmonic component (dB relative to the fundamental) of the saturated output of a
 * 0 dBFS sine near `frequency`, moved to an FFT bin so every harmonic and every alias (which
 * sit at |n f - k fs|) lands on a bin: with a 4-term Blackman-Harris window each component then
 * covers only +-3 bins. Harmonics n f < fs/2 (and DC) are excluded with +-4 bins.
 */
function worstAlias(
  options: SaturationOptions,
  frequency: number,
): { dbc: number; hz: number; fundamental: number } {
  const bin = Math.round((frequency * N) / FS);
  const f = (bin * FS) / N;
  const sat = new Saturation(FS, BLOCK, 1, options);
  const warm = 8192;
  const out = run(sat, values({ drive: 18, mix: 100, output: 0, asymmetry: 0 }), sine(warm + N, f, 1));
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const t = (2 * Math.PI * n) / N;
    const w = 0.35875 - 0.48829 * Math.cos(t) + 0.14128 * Math.cos(2 * t) - 0.01168 * Math.cos(3 * t);
    re[n] = out[warm + n]! * w;
  }
  fft(re, im);
  const magnitude = (k: number): number => Math.hypot(re[k]!, im[k]!);
  const excluded = new Uint8Array(N / 2 + 1);
  for (let h = 0; h <= N / 2; h += bin) {
    for (let k = Math.max(0, h - 4); k <= Math.min(N / 2, h + 4); k++) excluded[k] = 1;
  }
  let worst = 0;
  let worstBin = 0;
  for (let k = 0; k <= N / 2; k++) {
    if (excluded[k] === 0 && magnitude(k) > worst) {
      worst = magnitude(k);
      worstBin = k;
    }
  }
  return { dbc: 20 * Math.log10(worst / magnitude(bin)), hz: (worstBin * FS) / N, fundamental: f };
}

describe('Saturation', () => {
  it('aliasing: every non-harmonic component >= 80 dB below the fundamental (0 dBFS 7 to 17 kHz, drive 18 dB)', () => {
    for (const frequency of [7000, 11000, 13000, 15000, 17000]) {
      const { dbc, hz, fundamental } = worstAlias({}, frequency);
      console.log(
        `8x + ADAA2: ${fundamental.toFixed(1)} Hz -> worst alias ${dbc.toFixed(1)} dBc at ${hz.toFixed(0)} Hz`,
      );
      expect(dbc).toBeLessThan(-80);
    }
  });

  it('the same measurement fails without anti-aliasing: no oversampling, 8x without ADAA, ADAA at only 4x', () => {
    for (const frequency of [7000, 15000]) {
      const none = worstAlias({ stages: 0, antiderivative: false }, frequency);
      const plain = worstAlias({ stages: 3, antiderivative: false }, frequency);
      console.log(
        `${none.fundamental.toFixed(1)} Hz: 1x plain curve worst alias ${none.dbc.toFixed(1)} dBc at ${none.hz.toFixed(0)} Hz, ` +
          `8x plain curve ${plain.dbc.toFixed(1)} dBc at ${plain.hz.toFixed(0)} Hz`,
      );
      expect(none.dbc).toBeGreaterThan(-80);
      expect(plain.dbc).toBeGreaterThan(-80);
    }
    // At 4x the ADAA sees the input as a polyline (13.7 samples per period of 14 kHz): too coarse.
    const four = worstAlias({ stages: 2 }, 14000);
    console.log(
      `${four.fundamental.toFixed(1)} Hz: 4x + ADAA2 worst alias ${four.dbc.toFixed(1)} dBc at ${four.hz.toFixed(0)} Hz`,
    );
    expect(four.dbc).toBeGreaterThan(-80);
  });

  it('ADAA2 kernel: 2 F2[a, b, c] equals the curve averaged over the hat spanning a, b, c (numerical integration), to 1e-12', () => {
    // Reference: Hermite-Genocchi, y = integral of f(v) M(v) dv with M the hat (linear B-spline)
    // on [lo, hi] peaked at mid, integrated with 24-point Gauss-Legendre between the knees.
    const nodes: number[] = [];
    const weights: number[] = [];
    const order = 24;
    for (let i = 1; i <= order; i++) {
      let z = Math.cos((Math.PI * (i - 0.25)) / (order + 0.5));
      for (let iteration = 0; iteration < 100; iteration++) {
        let p1 = 1;
        let p2 = 0;
        for (let j = 1; j <= order; j++) {
          const p3 = p2;
          p2 = p1;
          p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
        }
        const derivative = (order * (z * p1 - p2)) / (z * z - 1);
        const previous = z;
        z = previous - p1 / derivative;
        if (Math.abs(z - previous) < 1e-16) {
          nodes.push(z);
          weights.push(2 / ((1 - z * z) * derivative * derivative));
          break;
        }
      }
    }
    const curve = (v: number): number => (v >= 1 ? 1 : v <= -1 ? -1 : 1.5 * v - 0.5 * v * v * v);
    const reference = (a: number, b: number, c: number): number => {
      const [lo, mid, hi] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
      const span = hi - lo;
      if (span < 1e-9) return curve((a + b + c) / 3);
      // In the coordinate t = v - lo, cut at the knees.
      const integrate = (t0: number, t1: number, weight: (t: number) => number): number => {
        const cuts = [t0, t1, -1 - lo, 1 - lo].filter((t) => t >= t0 && t <= t1).sort((p, q) => p - q);
        let sum = 0;
        for (let k = 0; k + 1 < cuts.length; k++) {
          const centre = (cuts[k]! + cuts[k + 1]!) / 2;
          const half = (cuts[k + 1]! - cuts[k]!) / 2;
          for (let i = 0; i < order; i++) {
            const t = centre + half * nodes[i]!;
            sum += weights[i]! * half * curve(lo + t) * weight(t);
          }
        }
        return sum;
      };
      const rise = mid - lo;
      const fall = hi - mid;
      return (
        (rise > 0 ? integrate(0, rise, (t) => (2 * t) / (span * rise)) : 0) +
        (fall > 0 ? integrate(rise, span, (t) => (2 * (span - t)) / (span * fall)) : 0)
      );
    };
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const buf = new Float64Array(1);
    const state = new Float64Array(2);
    const pending = new Float64Array(4);
    let worst = 0;
    const check = (a: number, b: number, c: number): void => {
      buf[0] = a;
      state[0] = b;
      state[1] = c;
      softClipAdaa(buf, 0, 1, state, 0, pending);
      worst = Math.max(worst, Math.abs(buf[0] - reference(a, b, c)));
    };
    // Around the knees and 0, spreads from 1e-12 to 3, including repeated points (peaks).
    for (let k = 0; k < 20000; k++) {
      const scale = [0.01, 0.5, 1, 2, 5, 30][k % 6]!;
      const centre = [0, 0.99, 1, 1.01, -1, 0.5, 3][Math.floor(random() * 7)]!;
      const spread = 10 ** (-12 + 12.5 * random());
      const a = centre * scale + (random() - 0.5) * spread * scale;
      const b = centre * scale + (random() - 0.5) * spread * scale;
      const c = random() < 0.2 ? a : centre * scale + (random() - 0.5) * spread * scale;
      check(a, b, c);
    }
    for (const [a, b, c] of [
      [1, 1, 1],
      [-1, -1, -1],
      [0, 0, 0],
      [1, 1 - 1e-9, 1],
      [-3, 3, -3],
      [0.5, 2, -2],
    ] as const) {
      check(a, b, c);
    }
    console.log(`ADAA2 kernel: worst error ${worst.toExponential(2)} against the integrated reference`);
    expect(worst).toBeLessThan(1e-12);
  });

  it('is the cubic clipper of drive x delayed by latencyFrames, within 1e-4 (a 100 Hz tone, drive 12 dB)', () => {
    const sat = new Saturation(FS, BLOCK, 1);
    const latency = sat.latencyFrames;
    expect(latency).toBe(37);
    const input = sine(FS / 2, 100, 0.5);
    const g = 10 ** (12 / 20);
    const out = run(sat, values({ drive: 12 }), input);
    const errorAt = (delay: number): number => {
      let worst = 0;
      for (let n = FS / 10; n < input.length; n++) {
        worst = Math.max(worst, Math.abs(out[n]! - cubicClip(g * input[n - delay]!)));
      }
      return worst;
    };
    const error = errorAt(latency);
    console.log(
      `latency ${latency} frames: max error ${error.toExponential(2)}; one frame off: ${errorAt(latency - 1).toExponential(2)}`,
    );
    expect(error).toBeLessThan(1e-4);
    expect(errorAt(latency - 1)).toBeGreaterThan(1e-2);
    expect(errorAt(latency + 1)).toBeGreaterThan(1e-2);
  });

  it('small-signal response is flat to 20 kHz within 0.05 dB, wet in phase with dry (ADAA droop compensated)', () => {
    // -40 dBFS at drive 0 dB stays far inside the knees: the wet path is linear.
    const level = 0.01;
    const gainDb = (frequency: number, mix: number): number => {
      const sat = new Saturation(FS, BLOCK, 1);
      const out = run(sat, values({ drive: 0, mix }), sine(FS / 2, frequency, level));
      const latency = sat.latencyFrames;
      // Single-bin DFT over whole periods of the delayed tone.
      const start = FS / 4;
      const periods = Math.floor(((FS / 4) * frequency) / FS);
      const length = Math.round((periods * FS) / frequency);
      let re = 0;
      let im = 0;
      for (let n = start; n < start + length; n++) {
        const t = (2 * Math.PI * frequency * (n - latency)) / FS;
        re += out[n]! * Math.sin(t);
        im += out[n]! * Math.cos(t);
      }
      return 20 * Math.log10(((2 / length) * Math.hypot(re, im)) / level);
    };
    const report: string[] = [];
    for (const frequency of [100, 1000, 5000, 10000, 15000, 18000, 20000]) {
      const wet = gainDb(frequency, 100);
      const half = gainDb(frequency, 50);
      report.push(`${frequency} Hz ${wet.toFixed(4)} / ${half.toFixed(4)} dB`);
      expect(Math.abs(wet)).toBeLessThan(0.05);
      // Half dry, half wet: any phase difference between them would comb (0.05 dB = 6 degrees).
      expect(Math.abs(half)).toBeLessThan(0.05);
    }
    console.log(`small-signal gain (wet / 50 % mix): ${report.join(', ')}`);
  });

  it('mix and output: out = output * (dry (1 - mix) + wet mix), dry aligned with wet', () => {
    const sat = new Saturation(FS, BLOCK, 1);
    const latency = sat.latencyFrames;
    const input = sine(FS / 2, 150, 0.7);
    const g = 10 ** (6 / 20);
    const out = run(sat, values({ drive: 6, mix: 30, output: -6 }), input);
    let worst = 0;
    for (let n = FS / 10; n < input.length; n++) {
      const x = input[n - latency]!;
      const expected = 10 ** (-6 / 20) * (0.7 * x + 0.3 * cubicClip(g * x));
      worst = Math.max(worst, Math.abs(out[n]! - expected));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('asymmetry adds even harmonics and no DC; 0 % has none', () => {
    const harmonics = (asymmetry: number): { h2: number; dc: number } => {
      const sat = new Saturation(FS, BLOCK, 1);
      const length = 2 * FS;
      const out = run(sat, values({ drive: 12, asymmetry }), sine(length, 1000, 0.5));
      // Goertzel-style single-bin DFTs over the last second (1000 whole periods).
      const start = length - FS;
      let re1 = 0;
      let im1 = 0;
      let re2 = 0;
      let im2 = 0;
      let dc = 0;
      for (let n = start; n < length; n++) {
        const t = (2 * Math.PI * 1000 * n) / FS;
        re1 += out[n]! * Math.cos(t);
        im1 += out[n]! * Math.sin(t);
        re2 += out[n]! * Math.cos(2 * t);
        im2 += out[n]! * Math.sin(2 * t);
        dc += out[n]!;
      }
      const a1 = Math.hypot(re1, im1);
      return {
        h2: 20 * Math.log10(Math.hypot(re2, im2) / a1),
        dc: 20 * Math.log10(Math.abs(dc / FS) + 1e-30),
      };
    };
    const symmetric = harmonics(0);
    const asymmetric = harmonics(100);
    console.log(
      `H2: ${symmetric.h2.toFixed(1)} dBc at 0 %, ${asymmetric.h2.toFixed(1)} dBc at 100 %; DC ${asymmetric.dc.toFixed(1)} dBFS`,
    );
    expect(symmetric.h2).toBeLessThan(-100);
    expect(asymmetric.h2).toBeGreaterThan(-30);
    expect(asymmetric.dc).toBeLessThan(-60);
  });

  it('switched off, outputs the input delayed by latencyFrames (bit-exact after a 10 ms crossfade)', () => {
    const sat = new Saturation(FS, BLOCK, 2);
    const latency = sat.latencyFrames;
    const v = values({ drive: 18, on: 0 });
    const left = sine(FS / 4, 440, 0.9);
    const right = sine(FS / 4, 660, 0.9);
    const outL = Float32Array.from(left);
    const outR = Float32Array.from(right);
    for (let start = 0; start < left.length; start += BLOCK) {
      const frames = Math.min(BLOCK, left.length - start);
      sat.update(v, 0);
      sat.process(outL.subarray(start, start + frames), outR.subarray(start, start + frames), frames);
    }
    let same = true;
    for (let n = 480 + latency; n < left.length; n++) {
      if (outL[n] !== left[n - latency] || outR[n] !== right[n - latency]) same = false;
    }
    expect(same).toBe(true);
  });

  it('allocates nothing per block while parameters change', async () => {
    const sat = new Saturation(FS, 32, 2);
    const mono = new Saturation(FS, 32, 1);
    const v = values();
    const frames = 32;
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    const source = sine(frames * 64, 220, 0.8);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 3 === 0) {
          v[p('drive')] = k % 24;
          v[p('mix')] = (k * 7) % 100;
          v[p('output')] = -(k % 24);
          v[p('asymmetry')] = (k * 3) % 100;
        }
        if (k % 211 === 0) v[p('on')] = (k >> 4) % 4 === 0 ? 0 : 1;
        const offset = (k % 64) * frames;
        left.set(source.subarray(offset, offset + frames));
        right.set(source.subarray(offset, offset + frames));
        sat.update(v, 0);
        sat.process(left, right, frames);
        mono.update(v, 0);
        mono.process(left, left, frames);
      }
    };
    blocks(20_000)(); // warm up until everything is optimized
    const { short, long } = await steadyAllocations(ENGINE_FILES, blocks, { label: 'saturation' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('leaves no subnormal state after a loud burst and 10 s of silence', () => {
    const sat = new Saturation(FS, BLOCK, 2);
    const v = values({ drive: 24, asymmetry: 100 });
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const burst = sine(FS, 55, 1);
    let subnormalBlocks = 0;
    const silent = Math.ceil((10 * FS) / BLOCK);
    for (let b = 0; b < FS / BLOCK + silent; b++) {
      if (b < FS / BLOCK) {
        left.set(burst.subarray(b * BLOCK, (b + 1) * BLOCK));
        right.set(burst.subarray(b * BLOCK, (b + 1) * BLOCK));
      } else {
        left.fill(0);
        right.fill(0);
      }
      sat.update(v, 0);
      sat.process(left, right, BLOCK);
      if (b >= FS / BLOCK && b % 16 === 0 && countSubnormals(sat) > 0) subnormalBlocks++;
    }
    expect(subnormalBlocks).toBe(0);
    expect(countSubnormals(sat)).toBe(0);
    expect(Math.max(...left.map(Math.abs))).toBe(0);
  });

  it('prints its speed (not asserted)', () => {
    const speed = (settings: Record<string, number>, frequency: number, amplitude: number): number => {
      const sat = new Saturation(FS, BLOCK, 2);
      const v = values(settings);
      const source = sine(FS, frequency, amplitude);
      const left = new Float32Array(BLOCK);
      const right = new Float32Array(BLOCK);
      const blocks = 2 * (FS / BLOCK);
      const pass = (): void => {
        for (let b = 0; b < blocks; b++) {
          const offset = (b % (FS / BLOCK)) * BLOCK;
          left.set(source.subarray(offset, offset + BLOCK));
          right.set(source.subarray(offset, offset + BLOCK));
          sat.update(v, 0);
          sat.process(left, right, BLOCK);
        }
      };
      pass();
      // Best of five: the machine is shared, the minimum is the least disturbed run.
      let ns = Infinity;
      for (let run = 0; run < 5; run++) {
        const start = performance.now();
        pass();
        ns = Math.min(ns, ((performance.now() - start) * 1e6) / (blocks * BLOCK));
      }
      return ns;
    };
    const typical = speed({ drive: 12 }, 440, 0.5);
    const clipped = speed({ drive: 18 }, 15000, 1);
    const asymmetric = speed({ drive: 12, asymmetry: 50 }, 440, 0.5);
    console.log(
      `saturation (8x + ADAA2, stereo): ${typical.toFixed(1)} ns per frame (440 Hz, -6 dBFS, drive 12 dB); ` +
        `${clipped.toFixed(1)} (15 kHz, 0 dBFS, drive 18 dB); ${asymmetric.toFixed(1)} (asymmetry 50 %)`,
    );
  });
});
