import { instantiateKernel } from '../wasm/wasm-kernel.ts';
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

/** dither.wat: byte addresses and counts only (see the kernel's header). */
interface DitherExports extends WebAssembly.Exports {
  reduce: (mode: number, frames: number, channels: number, samples: number) => void;
}

// The kernel's fixed memory layout (dither.wat's header).
const STATE_ADDRESS = 0;
const SCALE_ADDRESS = 16;
const TAPS_ADDRESS = 48;
const ERRORS_ADDRESS = 96;
const NOISE_ADDRESS = 192;
/** Doubles of fed-back error: e1 .. e5, each a (left, right) pair. */
const ERROR_DOUBLES = 2 * SHAPING_FILTER.length;

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
 *   (dither + rounding) is fed back, so it comes out filtered by N(z), away from 1-4 kHz. The
 *   fed-back error is clamped to +-1.5 LSB (TPDF +-1 plus rounding +-0.5), so clipping cannot
 *   blow the loop up.
 * - none: plain rounding (for comparisons and for material already dithered upstream).
 * - bits '32f': no change at all (dither ignored).
 *
 * Silence policy: dither is never gated. A silent input yields the dither noise floor (-96.3 dBFS
 * RMS at 16 bits), as sox does without -a; gating would switch the noise floor on and off with
 * the programme. Non-finite input samples are read as 0.
 *
 * Noise: one xoshiro128** stream (engine/dsp/xoshiro128.ts) for all channels, seeded with
 * DITHER_DEFAULT_SEED (or the constructor's seed) and reseeded by reset(), so a render is
 * bit-for-bit reproducible. Per chunk of at most maxBlockFrames frames the left channel takes
 * 2 * frames uniforms, then the right channel 2 * frames (u[2i] - u[2i + 1] at frame i).
 *
 * The per-sample work runs in the WebAssembly kernel dither.wat: the generator's integer steps
 * in the same loop as the rounding, its output scrambled and differenced four draws per vector,
 * two samples per f64x2 (TPDF, plain rounding) or left and right in the two lanes (shaped). The
 * same sequence and the same double arithmetic in the same order as the scalar code, so output
 * and shaper state are bit-identical to it (tests/engine/dsp/dither.test.ts compares them with a
 * scalar reference built on Xoshiro128).
 * update/process/reset run on the audio thread: they never allocate, log, await or throw.
 */
export class Dither implements BlockProcessor {
  readonly latencyFrames = 0;
  /** Kept for the chain's bookkeeping; SHAPING_FILTER is tuned for 44.1 and 48 kHz. */
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly maxBlockFrames: number;
  private readonly seedValue: number;
  private readonly reduceKernel: DitherExports['reduce'];
  /** The generator's four state words (kernel memory). */
  private readonly rngState: Int32Array;
  /** scale, inverse, top, bottom (kernel memory). */
  private readonly scaling: Float64Array;
  /** The shaper's fed-back errors in LSB, newest first, (left, right) per step (kernel memory). */
  private readonly errors: Float64Array;
  /** The samples in kernel memory: left[n] then right[n] for a chunk of n frames, one spare. */
  private readonly samples: Float32Array;
  /** Left and right of a whole maxBlockFrames chunk: it goes out with one TypedArray.set each. */
  private readonly leftBlock: Float32Array;
  private readonly rightBlock: Float32Array;
  private readonly samplesAddress: number;
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
    // Memory: header, draws (4 per frame + 4 spare), samples (left and right + 1 spare).
    this.samplesAddress = NOISE_ADDRESS + 16 * maxBlockFrames + 16;
    const kernel = instantiateKernel<DitherExports>(
      'dither',
      this.samplesAddress + 4 * (2 * maxBlockFrames + 1),
    );
    const buffer = kernel.memory.buffer;
    this.reduceKernel = kernel.exports.reduce;
    this.rngState = new Int32Array(buffer, STATE_ADDRESS, 4);
    this.scaling = new Float64Array(buffer, SCALE_ADDRESS, 4);
    new Float64Array(buffer, TAPS_ADDRESS, SHAPING_FILTER.length).set(SHAPING_FILTER);
    this.errors = new Float64Array(buffer, ERRORS_ADDRESS, ERROR_DOUBLES);
    this.samples = new Float32Array(buffer, this.samplesAddress, 2 * maxBlockFrames + 1);
    this.leftBlock = new Float32Array(buffer, this.samplesAddress, maxBlockFrames);
    this.rightBlock = new Float32Array(buffer, this.samplesAddress + 4 * maxBlockFrames, maxBlockFrames);
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
    if (nextBits !== this.bits && nextBits !== 0) {
      const scale = nextBits === 16 ? 32768 : 8388608;
      const scaling = this.scaling;
      scaling[0] = scale;
      scaling[1] = 1 / scale;
      scaling[2] = scale - 1;
      scaling[3] = -scale;
    }
    this.bits = nextBits;
    this.mode = nextMode;
  }

  /** Audio thread: reduces `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    if (this.bits === 0) return;
    const maxFrames = this.maxBlockFrames;
    const stereo = this.channelCount === 2;
    const samples = this.samples;
    // Whole arrays in and whole chunks out with TypedArray.set (a memcpy, several times faster
    // than an element loop); anything else element-wise. Right goes in after left, so it lands
    // at n even if left is longer than the chunk.
    const copyIn = frames <= maxFrames && left.length <= maxFrames && right.length <= maxFrames;
    for (let at = 0; at < frames; at += maxFrames) {
      const n = Math.min(maxFrames, frames - at);
      if (copyIn) {
        samples.set(left);
        if (stereo) samples.set(right, n);
      } else {
        for (let i = 0; i < n; i++) samples[i] = left[at + i]!;
        if (stereo) for (let i = 0; i < n; i++) samples[n + i] = right[at + i]!;
      }
      this.reduceKernel(this.mode, n, this.channelCount, this.samplesAddress);
      if (n === maxFrames && left.length >= at + n && right.length >= at + n) {
        left.set(this.leftBlock, at);
        if (stereo) right.set(this.rightBlock, at);
      } else {
        for (let i = 0; i < n; i++) left[at + i] = samples[i]!;
        if (stereo) for (let i = 0; i < n; i++) right[at + i] = samples[n + i]!;
      }
    }
  }

  /** Reseeds the noise and clears the shaper's error memory. Allocates nothing. */
  reset(): void {
    seedXoshiro128(this.rngState, this.seedValue);
    this.errors.fill(0);
  }

  /**
   * Constructor only: runs every mode and word length once, through both copy paths (whole
   * blocks and element-wise chunks), so that V8 optimises process() with every branch seen (a
   * branch first taken later deoptimises it), then restores the defaults and the seed.
   */
  private prime(): void {
    const frames = this.maxBlockFrames;
    const left = new Float32Array(2 * frames + 1);
    const right = new Float32Array(2 * frames + 1);
    const values = new Float64Array(DITHER_PARAMS.length);
    for (let bits = 0; bits < DITHER_BITS_CHOICES.length; bits++) {
      for (let mode = 0; mode < DITHER_TYPE_CHOICES.length; mode++) {
        values[DitherParam.bits] = bits;
        values[DitherParam.dither] = mode;
        this.update(values, 0);
        this.process(left.subarray(0, frames), right.subarray(0, frames), frames);
        this.process(left, right, left.length);
      }
    }
    DITHER_PARAMS.forEach((p, i) => (values[i] = p.default));
    this.update(values, 0);
    this.reset();
  }
}

/**
 * Xoshiro128.seed (engine/dsp/xoshiro128.ts) into `state`: the same four words, so the kernel
 * continues the same sequence. Allocates nothing.
 */
function seedXoshiro128(state: Int32Array, seed: number): void {
  let z = seed | 0;
  for (let k = 0; k < 4; k++) {
    z = (z + 0x9e3779b9) | 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    state[k] = t ^ (t >>> 16);
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
}
