import { Xoshiro128 } from '../dsp/xoshiro128.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';

/** Output word lengths (`bits` enum values, by index). '32f' passes floats through untouched. */
export const DITHER_BITS_CHOICES = ['16', '24', '32f'] as const;
/** Dither kinds (`dither` enum values, by index). */
export const DITHER_TYPE_CHOICES = ['tpdf', 'shaped', 'none'] as const;

export const DITHER_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'bits',
    label: 'Word length',
    unit: 'enum',
    min: 0,
    max: DITHER_BITS_CHOICES.length - 1,
    // '32f': inserting the stage changes nothing until a word length is chosen.
    default: 2,
    taper: 'stepped',
    steps: DITHER_BITS_CHOICES.length,
    choices: DITHER_BITS_CHOICES,
    smoothingMs: 0,
  },
  {
    key: 'dither',
    label: 'Dither',
    unit: 'enum',
    min: 0,
    max: DITHER_TYPE_CHOICES.length - 1,
    default: 0,
    taper: 'stepped',
    steps: DITHER_TYPE_CHOICES.length,
    choices: DITHER_TYPE_CHOICES,
    smoothingMs: 0,
  },
];

/** Index of each parameter in DITHER_PARAMS. */
export const DitherParam = { bits: 0, dither: 1 } as const;

/**
 * Error-feedback coefficients for 'shaped', newest error first: the 5-tap filter of Lipshitz,
 * Vanderkooy and Wannamaker, "Minimally Audible Noise Shaping", J. Audio Eng. Soc. 39(11),
 * 836-852, 1991, fitted at 44.1 kHz to an E-weighted (15-phon) audibility curve; the same
 * published values are SoX's `dither -f lipshitz`. Noise transfer N(z) = 1 - sum h[k] z^-(k+1):
 * about -16 dB from DC to 3 kHz, -27 dB near 4 kHz, +8 to +19 dB from 15 kHz to Nyquist at
 * 44.1 kHz (the curve moves up by 48/44.1 at 48 kHz: still -15 to -24 dB at 1-4 kHz); total
 * noise power +12.2 dB over TPDF, sum |N| = 9.36, so the output moves at most 14 LSB off the input.
 */
export const SHAPING_FILTER: readonly number[] = [2.033, -2.165, 1.959, -1.59, 0.6149];

/** Seed of the dither noise after construction and reset() (a render is reproducible). */
export const DITHER_DEFAULT_SEED = 0x5eed1a7e;

/** Largest fed-back error, LSB: TPDF (+-1) plus rounding (+-0.5); clipping must not blow the loop up. */
const MAX_ERROR = 1.5;

/**
 * Word-length reduction, the last stage of the chain: dither (optional), rounding to the target
 * word length, clamping to the integer range. The output stays float, each sample an exact
 * multiple of 2^-(bits-1) in [-1, 1 - 2^-(bits-1)] (what a 16/24-bit PCM writer that scales by
 * 2^(bits-1) stores without any further rounding; encodeWav in engine/audio/wav-file.ts scales by
 * 2^(bits-1) - 1 and re-rounds, which must change for dithered output to survive).
 *
 * - tpdf: add (u1 - u2) LSB, u1 and u2 independent uniforms in [0, 1): triangular on +-1 LSB, which
 *   makes the first and second moments of the total error independent of the signal. Error RMS
 *   is LSB/2: -96.33 dBFS at 16 bits (rounding alone: LSB/sqrt(12), -101.1 dBFS, but correlated
 *   with the signal: distortion).
 * - shaped: the same TPDF inside an error-feedback loop with SHAPING_FILTER: the total error
 *   (dither + rounding) is fed back, so it comes out filtered by N(z), away from 1-4 kHz.
 * - none: plain rounding (for comparisons and for material already dithered upstream).
 * - bits '32f': no change at all (dither ignored).
 *
 * Silence policy: dither is never gated. A silent input yields the dither noise floor (-96.3 dBFS
 * RMS at 16 bits), as sox does without -a; gating would switch the noise floor on and off with
 * the programme. Non-finite input samples are read as 0.
 *
 * Noise: one Xoshiro128 stream for all channels, seeded with DITHER_DEFAULT_SEED (or the
 * constructor's seed) and reseeded by reset(), so a render is bit-for-bit reproducible.
 * update/process/reset run on the audio thread: they never allocate, log, await or throw.
 */
export class Dither implements BlockProcessor {
  readonly latencyFrames = 0;
  /** Kept for the chain's bookkeeping; SHAPING_FILTER is tuned for 44.1 and 48 kHz. */
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly maxBlockFrames: number;
  private readonly seedValue: number;
  private readonly random: Xoshiro128;
  /** 2 uniforms per sample and channel for one chunk. */
  private readonly noise: Float64Array;
  /** Per channel the last SHAPING_FILTER.length errors, newest first, in LSB. */
  private readonly errors: Float64Array;
  private readonly taps: Float64Array;
  /** 0 = float passthrough, else 16 or 24. */
  private bits = 0;
  /** Index into DITHER_TYPE_CHOICES. */
  private mode = 0;

  constructor(
    sampleRate: number,
    maxBlockFrames: number,
    channelCount: 1 | 2 = 2,
    seed: number = DITHER_DEFAULT_SEED,
  ) {
    if (!(sampleRate > 0)) throw new RangeError(`invalid sample rate ${sampleRate}`);
    if (!Number.isInteger(maxBlockFrames) || maxBlockFrames < 1) {
      throw new RangeError(`invalid block size ${maxBlockFrames}`);
    }
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.maxBlockFrames = maxBlockFrames;
    this.seedValue = seed | 0;
    this.random = new Xoshiro128(this.seedValue);
    this.noise = new Float64Array(2 * maxBlockFrames * channelCount);
    this.taps = new Float64Array(SHAPING_FILTER);
    this.errors = new Float64Array(channelCount * SHAPING_FILTER.length);
    this.prime();
  }

  /** Audio thread: takes `bits` and `dither` (enum indices). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const bits = Math.round(values[base + DitherParam.bits]!);
    const mode = Math.round(values[base + DitherParam.dither]!);
    const nextBits = bits === 0 ? 16 : bits === 1 ? 24 : 0;
    const nextMode = mode >= 0 && mode < DITHER_TYPE_CHOICES.length ? mode : 0;
    // The fed-back error belongs to one word length and one mode.
    if (nextBits !== this.bits || nextMode !== this.mode) this.errors.fill(0);
    this.bits = nextBits;
    this.mode = nextMode;
  }

  /** Audio thread: reduces `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    if (this.bits === 0) return;
    const maxFrames = this.maxBlockFrames;
    for (let at = 0; at < frames; at += maxFrames) {
      const n = Math.min(maxFrames, frames - at);
      this.reduce(left, 0, at, n);
      if (this.channelCount === 2) this.reduce(right, 1, at, n);
    }
  }

  /** Reseeds the noise and clears the shaper's error memory. Allocates nothing. */
  reset(): void {
    this.random.seed(this.seedValue);
    this.errors.fill(0);
  }

  /**
   * Constructor only: runs every mode and word length once, clipping and non-finite input
   * included, so that V8 optimises with all paths seen (a path first taken later deoptimises the
   * loop), then restores the defaults and the seed.
   */
  private prime(): void {
    const frames = Math.min(64, this.maxBlockFrames);
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    const values = new Float64Array(DITHER_PARAMS.length);
    for (let bits = 0; bits < DITHER_BITS_CHOICES.length; bits++) {
      for (let mode = 0; mode < DITHER_TYPE_CHOICES.length; mode++) {
        for (let i = 0; i < frames; i++) left[i] = right[i] = 1.5 * Math.sin(i * 0.3);
        left[1] = Number.NaN;
        values[DitherParam.bits] = bits;
        values[DitherParam.dither] = mode;
        this.update(values, 0);
        this.process(left, right, frames);
      }
    }
    DITHER_PARAMS.forEach((p, i) => (values[i] = p.default));
    this.update(values, 0);
    this.reset();
  }

  private reduce(samples: Float32Array, channel: number, offset: number, frames: number): void {
    const scale = this.bits === 16 ? 32768 : 8388608;
    const inverse = 1 / scale;
    const top = scale - 1;
    const bottom = -scale;
    const mode = this.mode;
    const noise = this.noise;
    if (mode !== 2) this.random.fillUniform(noise, 2 * frames);

    if (mode !== 1) {
      const dithered = mode === 0 ? 1 : 0;
      for (let i = 0; i < frames; i++) {
        let x = samples[offset + i]!;
        if (x - x !== 0) x = 0;
        const d = (noise[2 * i]! - noise[2 * i + 1]!) * dithered;
        let q = Math.floor(x * scale + d + 0.5);
        q = q > top ? top : q < bottom ? bottom : q;
        samples[offset + i] = q * inverse;
      }
      return;
    }

    const errors = this.errors;
    const taps = this.taps;
    const h0 = taps[0]!;
    const h1 = taps[1]!;
    const h2 = taps[2]!;
    const h3 = taps[3]!;
    const h4 = taps[4]!;
    const base = channel * 5;
    let e1 = errors[base]!;
    let e2 = errors[base + 1]!;
    let e3 = errors[base + 2]!;
    let e4 = errors[base + 3]!;
    let e5 = errors[base + 4]!;
    for (let i = 0; i < frames; i++) {
      let x = samples[offset + i]!;
      if (x - x !== 0) x = 0;
      // In LSB units: the target minus the filtered past error.
      const w = x * scale - (h0 * e1 + h1 * e2 + h2 * e3 + h3 * e4 + h4 * e5);
      let q = Math.floor(w + (noise[2 * i]! - noise[2 * i + 1]!) + 0.5);
      q = q > top ? top : q < bottom ? bottom : q;
      samples[offset + i] = q * inverse;
      let e = q - w;
      e = e > MAX_ERROR ? MAX_ERROR : e < -MAX_ERROR ? -MAX_ERROR : e;
      e5 = e4;
      e4 = e3;
      e3 = e2;
      e2 = e1;
      e1 = e;
    }
    errors[base] = e1;
    errors[base + 1] = e2;
    errors[base + 2] = e3;
    errors[base + 3] = e4;
    errors[base + 4] = e5;
  }
}
