import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWavHeader } from '../../../engine/audio/wav-file.ts';
import { Xoshiro128 } from '../../../engine/dsp/xoshiro128.ts';
import {
  DITHER_BITS_CHOICES,
  DITHER_PARAMS,
  DITHER_DEFAULT_SEED,
  DITHER_TYPE_CHOICES,
  Dither,
  DitherParam,
  SHAPING_FILTER,
} from '../../../engine/processors/dither.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';

/** Profiled URLs: the engine's sources only (this test's own path also contains "/engine/"). */
const ENGINE_DIR = fileURLToPath(new URL('../../../engine/', import.meta.url));
const RATE = 48000;
const BLOCK = 128;
type Mode = 'tpdf' | 'shaped' | 'none' | 'truncate';

function values(bits: (typeof DITHER_BITS_CHOICES)[number], dither: (typeof DITHER_TYPE_CHOICES)[number]) {
  const v = new Float64Array(DITHER_PARAMS.length);
  v[DitherParam.bits] = DITHER_BITS_CHOICES.indexOf(bits);
  v[DitherParam.dither] = DITHER_TYPE_CHOICES.indexOf(dither);
  return v;
}

/** Runs `input` (mono) through a fresh Dither in 128-frame blocks; 'truncate' is a test-only floor. */
function reduce(
  input: Float32Array,
  mode: Mode,
  bits: '16' | '24' | '32f' = '16',
  seed?: number,
): Float32Array {
  const out = input.slice();
  if (mode === 'truncate') {
    const scale = bits === '16' ? 32768 : 8388608;
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(out[i]! * scale) / scale;
    return out;
  }
  const dither = seed === undefined ? new Dither(RATE, BLOCK, 1) : new Dither(RATE, BLOCK, 1, seed);
  dither.update(values(bits, mode), 0);
  for (let at = 0; at < out.length; at += BLOCK) {
    const n = Math.min(BLOCK, out.length - at);
    const view = out.subarray(at, at + n);
    dither.process(view, view, n);
  }
  return out;
}

function sine(amplitudeDb: number, frequency = 997, seconds = 4): Float32Array {
  const amplitude = 10 ** (amplitudeDb / 20);
  const x = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / RATE + 0.1);
  return x;
}

// ---- Analysis (reference §7): error e = y - x; RMS; H2..H7 vs the local per-bin noise floor ----

const SEGMENT = 8192;
const HOP = SEGMENT / 2;
const HANN = Float64Array.from(
  { length: SEGMENT },
  (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / SEGMENT),
);
const HANN_SUM = HANN.reduce((a, b) => a + b, 0);

/** In-place iterative radix-2 FFT. */
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
  for (let size = 2; size <= n; size *= 2) {
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

/**
 * Welch spectrum (Hann, 50 % overlap) as the squared amplitude of a sine that would give the same
 * bin value (coherent gain corrected): a sine of amplitude A reads A^2 in its bin. `power(f)`
 * evaluates the same average at an exact frequency (Goertzel-style DFT per segment).
 */
function welch(signal: Float64Array): { bins: Float64Array; power: (f: number) => number } {
  const segments: number[] = [];
  for (let s = 0; s + SEGMENT <= signal.length; s += HOP) segments.push(s);
  const bins = new Float64Array(SEGMENT / 2);
  const re = new Float64Array(SEGMENT);
  const im = new Float64Array(SEGMENT);
  const norm = (2 / HANN_SUM) ** 2 / segments.length;
  for (const s of segments) {
    for (let i = 0; i < SEGMENT; i++) {
      re[i] = signal[s + i]! * HANN[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < SEGMENT / 2; k++) bins[k]! += (re[k]! ** 2 + im[k]! ** 2) * norm;
  }
  const power = (f: number): number => {
    const w = (2 * Math.PI * f) / RATE;
    let sum = 0;
    for (const s of segments) {
      let r = 0;
      let q = 0;
      for (let i = 0; i < SEGMENT; i++) {
        const v = signal[s + i]! * HANN[i]!;
        r += v * Math.cos(w * i);
        q -= v * Math.sin(w * i);
      }
      sum += r * r + q * q;
    }
    return sum * norm;
  };
  return { bins, power };
}

const BIN_HZ = RATE / SEGMENT;

/** Mean bin value over [f - 300 Hz, f + 300 Hz] without the 4 bins either side of f. */
function localFloor(bins: Float64Array, f: number): number {
  const centre = f / BIN_HZ;
  let sum = 0;
  let count = 0;
  for (let k = Math.ceil(centre - 300 / BIN_HZ); k <= centre + 300 / BIN_HZ; k++) {
    if (Math.abs(k - centre) <= 4 || k < 1 || k >= bins.length) continue;
    sum += bins[k]!;
    count++;
  }
  return sum / count;
}

function bandMean(bins: Float64Array, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let k = Math.ceil(from / BIN_HZ); k <= to / BIN_HZ; k++, count++) sum += bins[k]!;
  return sum / count;
}

interface ErrorAnalysis {
  /** Error RMS, dBFS (full scale = 1.0). */
  readonly rmsDb: number;
  /** H2..H7 of the error: level (dBFS amplitude) and excess over the local per-bin floor (dB). */
  readonly harmonics: readonly {
    readonly order: number;
    readonly levelDb: number;
    readonly excessDb: number;
  }[];
  /** True when any harmonic stands more than 3 dB above its local floor. */
  readonly distorted: boolean;
  readonly bins: Float64Array;
}

function analyseError(x: Float32Array, y: Float32Array, f0 = 997): ErrorAnalysis {
  const e = new Float64Array(x.length);
  let energy = 0;
  for (let i = 0; i < x.length; i++) {
    e[i] = y[i]! - x[i]!;
    energy += e[i]! ** 2;
  }
  const { bins, power } = welch(e);
  const harmonics = [2, 3, 4, 5, 6, 7].map((order) => {
    const level = power(order * f0);
    return {
      order,
      levelDb: 10 * Math.log10(level),
      excessDb: 10 * Math.log10(level / localFloor(bins, order * f0)),
    };
  });
  return {
    rmsDb: 10 * Math.log10(energy / x.length),
    harmonics,
    distorted: harmonics.some((h) => h.excessDb > 3),
    bins,
  };
}

function describeAnalysis(name: string, a: ErrorAnalysis): string {
  const h = a.harmonics.map(
    (v) => `H${v.order} ${v.levelDb.toFixed(1)} (${v.excessDb >= 0 ? '+' : ''}${v.excessDb.toFixed(1)})`,
  );
  return `${name.padEnd(9)} error RMS ${a.rmsDb.toFixed(2)} dBFS; ${h.join(', ')}`;
}

/** |N(e^jw)|^2 of the shaper's noise transfer 1 - sum h[k] z^-(k+1). */
function shapingPowerGain(f: number): number {
  let re = 1;
  let im = 0;
  SHAPING_FILTER.forEach((h, k) => {
    const w = (2 * Math.PI * f * (k + 1)) / RATE;
    re -= h * Math.cos(w);
    im += h * Math.sin(w);
  });
  return re * re + im * im;
}

describe('word-length reduction: dither analysis (reference §7)', () => {
  const x = sine(-60);
  const results = new Map<Mode, ErrorAnalysis>();
  for (const mode of ['truncate', 'none', 'tpdf', 'shaped'] as const)
    results.set(mode, analyseError(x, reduce(x, mode)));

  it('flags truncation and plain rounding as distortion, passes TPDF and shaped', () => {
    for (const [mode, a] of results) console.log(describeAnalysis(mode, a));
    expect(results.get('truncate')!.distorted).toBe(true);
    expect(results.get('none')!.distorted).toBe(true);
    expect(results.get('tpdf')!.distorted).toBe(false);
    expect(results.get('shaped')!.distorted).toBe(false);
    // Rounding without dither: coherent odd harmonics around -121 dBFS (reference: -120.9 H3).
    const h3 = results.get('none')!.harmonics.find((h) => h.order === 3)!;
    expect(h3.levelDb).toBeGreaterThan(-124);
    expect(h3.levelDb).toBeLessThan(-118);
  });

  it('TPDF error RMS is LSB/2: -96.33 dBFS at 16 bits (within 0.2 dB)', () => {
    const rms = results.get('tpdf')!.rmsDb;
    expect(Math.abs(rms - 20 * Math.log10(2 ** -16))).toBeLessThan(0.2);
    // Rounding alone: LSB/sqrt(12) = -101.1 dBFS; truncation adds the -1/2 LSB offset.
    expect(results.get('none')!.rmsDb).toBeCloseTo(20 * Math.log10(2 ** -15 / Math.sqrt(12)), 0);
  });

  it('keeps TPDF free of harmonics for tones down to -90 dBFS, and a -100 dBFS tone visible', () => {
    for (const level of [-70, -80, -90]) {
      const tone = sine(level);
      const a = analyseError(tone, reduce(tone, 'tpdf'));
      console.log(describeAnalysis(`tpdf ${level}`, a));
      expect(a.distorted).toBe(false);
      expect(reduce(tone, 'none').some((v) => v !== 0)).toBe(true);
    }
    // -100 dBFS is a third of an LSB: rounding erases it; dither keeps it, as a tone in noise.
    const faint = sine(-100);
    const rounded = reduce(faint, 'none');
    expect(rounded.every((v) => v === 0)).toBe(true);
    const dithered = welch(Float64Array.from(reduce(faint, 'tpdf')));
    const snr = 10 * Math.log10(dithered.power(997) / localFloor(dithered.bins, 997));
    console.log(`-100 dBFS tone after TPDF to 16 bits: ${snr.toFixed(1)} dB above the per-bin floor`);
    expect(snr).toBeGreaterThan(15);
    expect(10 * Math.log10(dithered.power(997))).toBeCloseTo(-100, 0);
  });

  it('shaped: less noise than TPDF at 1-4 kHz, more at 15-20 kHz, following |N(f)|^2', () => {
    const tpdf = results.get('tpdf')!;
    const shaped = results.get('shaped')!;
    const bands: [number, number][] = [
      [1000, 2000],
      [2000, 3000],
      [3000, 4000],
      [15000, 17500],
      [17500, 20000],
    ];
    for (const [from, to] of bands) {
      const measured = 10 * Math.log10(bandMean(shaped.bins, from, to) / bandMean(tpdf.bins, from, to));
      let predicted = 0;
      let count = 0;
      for (let f = Math.ceil(from / BIN_HZ) * BIN_HZ; f <= to; f += BIN_HZ, count++)
        predicted += shapingPowerGain(f);
      const predictedDb = 10 * Math.log10(predicted / count);
      console.log(
        `shaped vs TPDF ${from}-${to} Hz: ${measured.toFixed(1)} dB (|N|^2 predicts ${predictedDb.toFixed(1)})`,
      );
      if (to <= 4000) expect(measured).toBeLessThan(-10);
      else expect(measured).toBeGreaterThan(2);
      expect(Math.abs(measured - predictedDb)).toBeLessThan(1);
    }
    // Total error: white error of LSB/2 through N(z): +12.2 dB.
    const gain = 1 + SHAPING_FILTER.reduce((a, h) => a + h * h, 0);
    const expected = 20 * Math.log10(2 ** -16) + 10 * Math.log10(gain);
    console.log(
      `shaped total error RMS ${shaped.rmsDb.toFixed(2)} dBFS (white through N(z): ${expected.toFixed(2)})`,
    );
    expect(Math.abs(shaped.rmsDb - expected)).toBeLessThan(0.3);
  });
});

describe('word-length reduction: output format', () => {
  it('gives exact multiples of 2^-(bits-1) within the integer range, clamped', () => {
    const input = new Float32Array(48000);
    for (let i = 0; i < input.length; i++) input[i] = 1.2 * Math.sin(i * 0.013) + 1e-5 * Math.sin(i * 0.7);
    input[10] = 1.5;
    input[11] = -1.5;
    input[12] = Number.NaN;
    input[13] = Number.POSITIVE_INFINITY;
    for (const bits of ['16', '24'] as const) {
      const scale = bits === '16' ? 32768 : 8388608;
      for (const mode of ['tpdf', 'shaped', 'none'] as const) {
        const y = reduce(input, mode, bits);
        const offGrid = y.filter((v) => {
          const k = v * scale;
          return !Number.isInteger(k) || k < -scale || k > scale - 1;
        });
        expect(offGrid.length).toBe(0);
        expect(y[10]).toBe((scale - 1) / scale);
        expect(y[11]).toBe(-1);
        expect(Math.abs(y[12]!)).toBeLessThan(16 / scale);
      }
    }
    // 32f: untouched, whatever the dither setting.
    const passthrough = reduce(input, 'tpdf', '32f');
    expect(passthrough).toEqual(input);
  });

  it('survives a 2^(bits-1)-scaled PCM writer and the project reader bit-exactly', () => {
    const tone = sine(-1, 997, 0.5);
    for (const bits of ['16', '24'] as const) {
      const y = reduce(tone, 'tpdf', bits);
      const bytesPerSample = bits === '16' ? 2 : 3;
      const header = encodeWavHeader(RATE, 1, bits, y.length);
      const file = new Uint8Array(header.length + y.length * bytesPerSample + 1);
      file.set(header);
      const view = new DataView(file.buffer);
      const scale = bits === '16' ? 32768 : 8388608;
      y.forEach((v, i) => {
        const k = v * scale; // exact integer: no rounding here
        const at = header.length + i * bytesPerSample;
        if (bits === '16') view.setInt16(at, k, true);
        else {
          view.setUint8(at, k & 0xff);
          view.setUint8(at + 1, (k >> 8) & 0xff);
          view.setInt8(at + 2, k >> 16);
        }
      });
      expect(decodeWav(file).channels[0]).toEqual(y);
    }
  });

  it('is reproducible: same seed same output, reset() restarts the noise, other seeds differ', () => {
    const x = sine(-40, 997, 0.25);
    const a = reduce(x, 'shaped');
    expect(reduce(x, 'shaped')).toEqual(a);
    expect(reduce(x, 'shaped', '16', 12345)).not.toEqual(a);
    const dither = new Dither(RATE, BLOCK, 1);
    dither.update(values('16', 'shaped'), 0);
    const first = x.slice(0, 1024);
    const second = x.slice(0, 1024);
    dither.process(first, first, 1024);
    dither.reset();
    dither.process(second, second, 1024);
    expect(second).toEqual(first);
  });

  it('draws TPDF from two uniforms: mean 0, variance 1/6 LSB^2, triangular on +-1', () => {
    const random = new Xoshiro128(7);
    const u = new Float64Array(2_000_000);
    random.fillUniform(u, u.length);
    let mean = 0;
    let variance = 0;
    const histogram = new Float64Array(4);
    for (let i = 0; i < u.length; i += 2) {
      const d = u[i]! - u[i + 1]!;
      mean += d;
      variance += d * d;
      histogram[Math.min(3, Math.floor((d + 1) * 2))]!++;
    }
    const n = u.length / 2;
    expect(Math.abs(mean / n)).toBeLessThan(0.003);
    expect(variance / n).toBeCloseTo(1 / 6, 2);
    // Triangle: 1/8, 3/8, 3/8, 1/8 over quarters of [-1, 1).
    expect(histogram.map((h) => h / n).every((p, k) => Math.abs(p - [1, 3, 3, 1][k]! / 8) < 0.003)).toBe(
      true,
    );
  });
});

describe('word-length reduction on the audio thread', () => {
  it('allocates nothing per block (tpdf and shaped, 16 and 24 bits), and reports its speed', async () => {
    const left = new Float32Array(BLOCK * 64);
    const right = new Float32Array(BLOCK * 64);
    for (let i = 0; i < left.length; i++) {
      left[i] = 0.5 * Math.sin(i * 0.031);
      right[i] = 0.4 * Math.sin(i * 0.017);
    }
    const dither = new Dither(RATE, BLOCK, 2);
    const settings = [
      values('16', 'tpdf'),
      values('16', 'shaped'),
      values('24', 'shaped'),
      values('24', 'tpdf'),
    ];
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 1000 === 0) dither.update(settings[(k / 1000) % settings.length]!, 0);
        const at = (k % 64) * BLOCK;
        dither.process(left.subarray(at, at + BLOCK), right.subarray(at, at + BLOCK), BLOCK);
      }
    };
    blocks(20_000)();
    const { short, long } = await steadyAllocations(ENGINE_DIR, blocks, { label: 'dither' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);

    for (const [name, setting] of [
      ['tpdf', values('16', 'tpdf')],
      ['shaped', values('16', 'shaped')],
    ] as const) {
      dither.update(setting, 0);
      const started = process.hrtime.bigint();
      blocks(20_000)();
      const ns = Number(process.hrtime.bigint() - started) / (20_000 * BLOCK);
      console.log(`dither ${name}: ${ns.toFixed(1)} ns per stereo frame`);
    }
  }, 60_000);
});

/**
 * The scalar word-length reduction the WebAssembly kernel (engine/wasm/dither.wat) replaces,
 * written out independently here: one Xoshiro128 stream, per chunk of at most maxBlockFrames
 * frames 2n uniforms for the left channel then 2n for the right, d = u[2i] - u[2i + 1], and the
 * rounding, clamping and error feedback in double precision in source order.
 */
class ScalarDither {
  readonly errors: Float64Array;
  private readonly random: Xoshiro128;
  private readonly noise: Float64Array;
  private bits = 0;
  private mode = 0;

  private readonly maxBlockFrames: number;
  private readonly channels: number;
  private readonly seedValue: number;

  constructor(maxBlockFrames: number, channels: number, seedValue: number) {
    this.maxBlockFrames = maxBlockFrames;
    this.channels = channels;
    this.seedValue = seedValue;
    this.random = new Xoshiro128(seedValue);
    this.noise = new Float64Array(2 * maxBlockFrames);
    this.errors = new Float64Array(5 * channels);
  }

  update(bits: number, mode: number): void {
    const nextBits = bits === 0 ? 16 : bits === 1 ? 24 : 0;
    if (nextBits !== this.bits || mode !== this.mode) this.errors.fill(0);
    this.bits = nextBits;
    this.mode = mode;
  }

  reset(): void {
    this.random.seed(this.seedValue);
    this.errors.fill(0);
  }

  process(left: Float32Array, right: Float32Array, frames: number): void {
    if (this.bits === 0) return;
    for (let at = 0; at < frames; at += this.maxBlockFrames) {
      const n = Math.min(this.maxBlockFrames, frames - at);
      this.reduce(left, 0, at, n);
      if (this.channels === 2) this.reduce(right, 1, at, n);
    }
  }

  private reduce(samples: Float32Array, channel: number, offset: number, frames: number): void {
    const scale = this.bits === 16 ? 32768 : 8388608;
    const h = SHAPING_FILTER;
    if (this.mode !== 2) this.random.fillUniform(this.noise, 2 * frames);
    const e = this.errors;
    const base = channel * 5;
    for (let i = 0; i < frames; i++) {
      let x = samples[offset + i]!;
      if (!Number.isFinite(x)) x = 0;
      const d = this.mode === 2 ? 0 : this.noise[2 * i]! - this.noise[2 * i + 1]!;
      if (this.mode !== 1) {
        const q = Math.min(Math.max(Math.floor(x * scale + d + 0.5), -scale), scale - 1);
        samples[offset + i] = q / scale;
        continue;
      }
      const w =
        x * scale -
        (h[0]! * e[base]! +
          h[1]! * e[base + 1]! +
          h[2]! * e[base + 2]! +
          h[3]! * e[base + 3]! +
          h[4]! * e[base + 4]!);
      const q = Math.min(Math.max(Math.floor(w + d + 0.5), -scale), scale - 1);
      samples[offset + i] = q / scale;
      for (let k = 4; k > 0; k--) e[base + k] = e[base + k - 1]!;
      e[base] = Math.min(Math.max(q - w, -1.5), 1.5);
    }
  }
}

describe('word-length reduction: the WebAssembly kernel against the scalar reference', () => {
  it('gives bit-identical samples and fed-back errors in every mode, word length and chunking', () => {
    let seed = 77;
    const next = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    const frameCounts = [128, 1, 2, 3, 127, 300, 37, 64];
    let compared = 0;
    let errorsCompared = 0;
    let mismatches = 0;
    for (const channels of [1, 2] as const) {
      for (const maxFrames of [128, 37]) {
        for (const seedValue of [undefined, 0, -1, 12345]) {
          const dither =
            seedValue === undefined
              ? new Dither(RATE, maxFrames, channels)
              : new Dither(RATE, maxFrames, channels, seedValue);
          const reference = new ScalarDither(maxFrames, channels, seedValue ?? DITHER_DEFAULT_SEED);
          const settings = new Float64Array(DITHER_PARAMS.length);
          for (let block = 0; block < 360; block++) {
            if (block % 40 === 0) {
              // Every (bits, mode) pair in turn, the default (32f) included.
              const pair = block / 40;
              settings[DitherParam.bits] = pair % 3;
              settings[DitherParam.dither] = Math.floor(pair / 3) % 3;
              dither.update(settings, 0);
              reference.update(pair % 3, Math.floor(pair / 3) % 3);
            }
            if (block === 200) {
              dither.reset();
              reference.reset();
            }
            const frames = frameCounts[block % frameCounts.length]!;
            const length = block % 3 === 0 ? frames + 5 : frames;
            const left = new Float32Array(length);
            const right = new Float32Array(length);
            // Loud (clipping), ordinary, near-silent and exactly silent stretches.
            const gain = [2.4, 0.8, 1e-4, 0][block % 4]!;
            for (let i = 0; i < length; i++) {
              left[i] = gain * next();
              right[i] = gain * next();
            }
            if (block % 7 === 0) {
              left[0] = Number.NaN;
              right[frames - 1] = Number.POSITIVE_INFINITY;
              left[frames - 1] = Number.NEGATIVE_INFINITY;
              right[0] = -0;
            }
            const expectedLeft = left.slice();
            const expectedRight = right.slice();
            dither.process(left, right, frames);
            reference.process(expectedLeft, expectedRight, frames);
            for (let i = 0; i < length; i++) {
              compared++;
              if (!Object.is(left[i], expectedLeft[i])) mismatches++;
              if (channels === 2 && !Object.is(right[i], expectedRight[i])) mismatches++;
            }
            // The shaper's memory in doubles: a changed operation order shows here at once.
            const errors = dither['errors'];
            for (let channel = 0; channel < channels; channel++) {
              for (let k = 0; k < 5; k++) {
                errorsCompared++;
                if (!Object.is(errors[2 * k + channel], reference.errors[channel * 5 + k])) mismatches++;
              }
            }
          }
        }
      }
    }
    console.log(`dither kernel vs scalar reference: ${compared} samples, ${errorsCompared} errors compared`);
    expect(compared).toBeGreaterThan(400_000);
    expect(mismatches).toBe(0);
  });
});
