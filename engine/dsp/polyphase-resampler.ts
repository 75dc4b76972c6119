import { LatheError } from '../errors.ts';
import { instantiateKernel } from '../wasm/wasm-kernel.ts';
import { besselI0, kaiserBeta, kaiserLength, kaiserWindow } from './kaiser-window.ts';

interface ResampleExports extends WebAssembly.Exports {
  produce(
    coefs: number,
    lines: number,
    lineStride: number,
    channels: number,
    taps: number,
    position: number,
    phase: number,
    last: number,
    count: number,
    up: number,
    stepWhole: number,
    stepPhase: number,
    out: number,
    outStride: number,
    state: number,
  ): number;
}

/** Outputs per kernel call (copied out of the kernel's memory after each). */
const KERNEL_OUTPUT_FRAMES = 4096;

/**
 * Stopband attenuation the filter is designed for (aliases and images), dB. 150 rather than the
 * 120 required: it costs 7 % more taps than 140 and leaves the float32 output's own rounding
 * (about -150 dBFS) as the floor.
 */
export const RESAMPLER_STOPBAND_DB = 150;
/**
 * Passband edge as a fraction of the lower rate's Nyquist frequency: 20 kHz when either side is
 * 44.1 kHz (21.8 kHz at 48 kHz). The stopband starts at that Nyquist frequency itself, so nothing
 * above it folds back (no "aliasing allowed" shortcut).
 */
export const RESAMPLER_PASSBAND_FRACTION = 20000 / 22050;
/** Largest coefficient table accepted (phases x taps, 32 MB of doubles): odd rate pairs need more. */
const MAX_COEFFICIENTS = 1 << 22;

export interface ResamplerOptions {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly channelCount: number;
  /** Internal input buffer size; `process` accepts any chunk size and works through it in pieces this big. */
  readonly maxInputFrames?: number;
  readonly stopbandDb?: number;
  readonly passbandFraction?: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const rest = a % b;
    a = b;
    b = rest;
  }
  return a;
}

/** A whole stream's output length: round(frames * outputRate / inputRate), halves up, in integers. */
export function resampledLength(frames: number, inputRate: number, outputRate: number): number {
  const g = gcd(inputRate, outputRate);
  return lengthFor(frames, outputRate / g, inputRate / g);
}

function lengthFor(frames: number, up: number, down: number): number {
  return Math.floor((2 * frames * up + down) / (2 * down));
}

/**
 * Sample-rate converter for offline rendering: exact rational ratio L/M (L = outputRate/g,
 * M = inputRate/g), polyphase Kaiser-windowed sinc, double arithmetic throughout.
 *
 * Design (at construction only): the prototype low-pass runs at L x inputRate, passband to
 * RESAMPLER_PASSBAND_FRACTION of the lower Nyquist, stopband from that Nyquist on, Kaiser window
 * for RESAMPLER_STOPBAND_DB, length from Kaiser's formula (48k -> 44.1k: 234 input taps per
 * output sample; 44.1k -> 48k: 214; 96k -> 44.1k: 466). It is stored as L phases of
 * `tapsPerPhase` coefficients; output k sits at input time k*M/L exactly (no phase interpolation,
 * so no time quantisation noise), so phase (k*M mod L) applied to the inputs around floor(k*M/L)
 * computes it. The table is scaled for unit DC gain.
 *
 * Time alignment: the filter is centred on each output's instant, i.e. its delay is compensated:
 * output k is the band-limited input at time k/outputRate, and a stream of N input frames gives
 * exactly resampledLength(N) output frames (the input is taken as zero outside 0..N-1). Output
 * therefore lags input by tapsPerPhase/2 input frames while streaming; `flush` delivers the tail.
 *
 * Why not a library: libsamplerate's WASM build (@alexanderolsen/libsamplerate-js 2.1.2, MIT),
 * measured at SRC_SINC_BEST_QUALITY, meets the quality (flat to 20 kHz, about -145 dB aliasing)
 * but ran 13x real time for stereo 48k -> 44.1k here (this class: 30-60x in JavaScript, ~250x
 * since its dot products run in WebAssembly, polyphase-resample.wat), works on interleaved
 * float32 only and offers no end-of-stream flush or delay compensation; its medium quality has a
 * 90 % band (19.8 kHz at 44.1k). No libsoxr WASM package was found on npm; the Speex WASM resampler
 * (VoIP-oriented) was not evaluated. SoX `rate -v` is the test reference.
 *
 * Equal rates are passed through untouched. `process` and `flush` allocate nothing and do not
 * throw once constructed (offline use, but the rule costs nothing; a test proves it).
 */
export class PolyphaseResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly channelCount: number;
  /** L: output samples per `downFactor` input samples. */
  readonly upFactor: number;
  /** M */
  readonly downFactor: number;
  /** Input samples each output sample is computed from (0 when the rates are equal). */
  readonly tapsPerPhase: number;
  /** Output frames `flush` may write at most. */
  readonly maxFlushFrames: number;
  /** Coefficients, phase-major: phase p's taps at p * tapsPerPhase, applied oldest input first. */
  readonly coefficients: Float64Array;
  private readonly half: number;
  private readonly stepWhole: number;
  private readonly stepPhase: number;
  /** Per channel, in the kernel's memory (see polyphase-resample.wat). */
  private readonly history: Float64Array[];
  private readonly capacity: number;
  /** The dot products in WebAssembly (null when the rates are equal). */
  private readonly kernel: {
    readonly exports: ResampleExports;
    readonly linesAddress: number;
    readonly lineStride: number;
    readonly outAddress: number;
    readonly outStride: number;
    readonly stateAddress: number;
    /** The kernel's output lines (f32) and its state word pair (position, phase). */
    readonly out: Float32Array[];
    readonly state: Int32Array;
  } | null;
  /** Samples held in `history`. */
  private filled = 0;
  /** Index in `history` of the next output's first tap (may run past `filled` when decimating hard). */
  private position = 0;
  private phase = 0;
  private inputTotal = 0;
  private outputTotal = 0;
  /** Output count `produce` stops at: unbounded while streaming, the stream's length at flush. */
  private outputLimit = Number.MAX_SAFE_INTEGER;
  private ended = false;

  constructor(options: ResamplerOptions) {
    const { inputRate, outputRate, channelCount } = options;
    const stopbandDb = options.stopbandDb ?? RESAMPLER_STOPBAND_DB;
    const passbandFraction = options.passbandFraction ?? RESAMPLER_PASSBAND_FRACTION;
    const maxInputFrames = Math.max(1, Math.floor(options.maxInputFrames ?? 8192));
    for (const [name, value] of [
      ['input rate', inputRate],
      ['output rate', outputRate],
      ['channel count', channelCount],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new LatheError(
          'LATHE_AUDIO_CONFIG_INVALID',
          `resampler: ${name} must be a positive integer, got ${value}`,
        );
      }
    }
    if (!(stopbandDb >= 40 && stopbandDb <= 200) || !(passbandFraction > 0 && passbandFraction < 1)) {
      throw new LatheError(
        'LATHE_AUDIO_CONFIG_INVALID',
        'resampler: stopbandDb must be 40..200 and passbandFraction in (0, 1)',
      );
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.channelCount = channelCount;
    const g = gcd(inputRate, outputRate);
    this.upFactor = outputRate / g;
    this.downFactor = inputRate / g;
    this.stepWhole = Math.floor(this.downFactor / this.upFactor);
    this.stepPhase = this.downFactor % this.upFactor;

    let table: Float64Array = new Float64Array(0);
    if (this.upFactor === 1 && this.downFactor === 1) {
      this.tapsPerPhase = 0;
      this.half = 0;
    } else {
      const nyquist = Math.min(inputRate, outputRate) / 2;
      const passEdge = nyquist * passbandFraction;
      const cutoff = (passEdge + nyquist) / 2 / inputRate;
      const taps = kaiserLength(stopbandDb, (nyquist - passEdge) / inputRate);
      this.half = Math.ceil(taps / 2);
      this.tapsPerPhase = 2 * this.half;
      if (this.upFactor * this.tapsPerPhase > MAX_COEFFICIENTS) {
        throw new LatheError(
          'LATHE_AUDIO_CONFIG_INVALID',
          `resampler: ${inputRate} Hz -> ${outputRate} Hz needs ${this.upFactor} phases of ${this.tapsPerPhase} taps, too many; use standard rates`,
        );
      }
      table = designTable(this.upFactor, this.half, cutoff, kaiserBeta(stopbandDb));
    }
    this.capacity = this.tapsPerPhase + Math.max(maxInputFrames, this.half);
    if (this.tapsPerPhase === 0) {
      this.kernel = null;
      this.coefficients = table;
      this.history = Array.from({ length: channelCount }, () => new Float64Array(this.capacity));
    } else {
      // Kernel memory: the table, the history lines (f64), the output lines (f32), the state.
      const linesAddress = (table.byteLength + 15) & ~15;
      const lineStride = (8 * this.capacity + 15) & ~15;
      const outAddress = linesAddress + channelCount * lineStride;
      const outStride = (4 * KERNEL_OUTPUT_FRAMES + 15) & ~15;
      const stateAddress = outAddress + channelCount * outStride;
      const { exports, memory } = instantiateKernel<ResampleExports>('polyphase-resample', stateAddress + 16);
      this.coefficients = new Float64Array(memory.buffer, 0, table.length);
      this.coefficients.set(table);
      this.history = Array.from(
        { length: channelCount },
        (_, c) => new Float64Array(memory.buffer, linesAddress + c * lineStride, this.capacity),
      );
      this.kernel = {
        exports,
        linesAddress,
        lineStride,
        outAddress,
        outStride,
        stateAddress,
        out: Array.from(
          { length: channelCount },
          (_, c) => new Float32Array(memory.buffer, outAddress + c * outStride, KERNEL_OUTPUT_FRAMES),
        ),
        state: new Int32Array(memory.buffer, stateAddress, 2),
      };
    }
    this.maxFlushFrames =
      this.tapsPerPhase === 0 ? 0 : Math.ceil(((this.half + 1) * this.upFactor) / this.downFactor) + 2;
    this.reset();
  }

  /** Output frames one `process` call may write for `frames` input frames, at most. */
  maxOutputFrames(frames: number): number {
    return Math.ceil((frames * this.upFactor) / this.downFactor) + 1;
  }

  /** Start a new stream: clears the history and the counters. */
  reset(): void {
    for (let c = 0; c < this.channelCount; c++) this.history[c]!.fill(0);
    // The half-window of zeros before input 0, so output 0 is centred on input 0.
    this.filled = Math.max(0, this.half - 1);
    this.position = 0;
    this.phase = 0;
    this.inputTotal = 0;
    this.outputTotal = 0;
    this.outputLimit = Number.MAX_SAFE_INTEGER;
    this.ended = false;
  }

  /**
   * Feeds `frames` frames of `input` (planar, channelCount arrays) and writes the output frames
   * that are now complete to `output` from index 0 (capacity: maxOutputFrames(frames));
   * returns how many. After `flush`, returns 0 until `reset`.
   */
  process(input: readonly Float32Array[], frames: number, output: readonly Float32Array[]): number {
    if (this.ended) return 0;
    const channelCount = this.channelCount;
    if (this.tapsPerPhase === 0) {
      for (let c = 0; c < channelCount; c++) {
        const from = input[c]!;
        const to = output[c]!;
        for (let i = 0; i < frames; i++) to[i] = from[i]!;
      }
      this.inputTotal += frames;
      this.outputTotal += frames;
      return frames;
    }
    let written = 0;
    let taken = 0;
    while (taken < frames) {
      this.compact();
      let count = Math.min(frames - taken, this.capacity - this.filled);
      // Hard decimation can step past everything held: those inputs are never needed.
      const skip = Math.min(count, this.position - this.filled);
      if (skip > 0) {
        this.position -= skip;
        taken += skip;
        count -= skip;
      }
      const filled = this.filled;
      for (let c = 0; c < channelCount; c++) {
        const from = input[c]!;
        const to = this.history[c]!;
        for (let i = 0; i < count; i++) to[filled + i] = from[taken + i]!;
      }
      this.filled = filled + count;
      taken += count;
      written += this.produce(output, written);
    }
    this.inputTotal += frames;
    return written;
  }

  /**
   * Ends the stream: writes the remaining output frames (at most maxFlushFrames), so the whole
   * stream has resampledLength(input frames) frames. Call `reset` to start another.
   */
  flush(output: readonly Float32Array[]): number {
    if (this.ended) return 0;
    this.ended = true;
    if (this.tapsPerPhase === 0) return 0;
    this.compact();
    this.outputLimit = lengthFor(this.inputTotal, this.upFactor, this.downFactor);
    // The half-window of zeros after the last input.
    const zeros = Math.min(this.half + 1, this.capacity - this.filled);
    for (let c = 0; c < this.channelCount; c++) this.history[c]!.fill(0, this.filled, this.filled + zeros);
    this.filled += zeros;
    return this.produce(output, 0);
  }

  private compact(): void {
    const drop = Math.min(this.position, this.filled);
    if (drop === 0) return;
    for (let c = 0; c < this.channelCount; c++) this.history[c]!.copyWithin(0, drop, this.filled);
    this.filled -= drop;
    this.position -= drop;
  }

  /**
   * Computes every output whose window is held (up to outputLimit), writing from index `at`, in
   * the kernel (polyphase-resample.wat: the scalar arithmetic, exactly). Integers in, integer out:
   * nothing to box.
   */
  private produce(output: readonly Float32Array[], at: number): number {
    const kernel = this.kernel!;
    const channelCount = this.channelCount;
    const last = this.filled - this.tapsPerPhase;
    let k = at;
    for (;;) {
      const left = this.outputLimit - this.outputTotal;
      const room = left < KERNEL_OUTPUT_FRAMES ? left : KERNEL_OUTPUT_FRAMES;
      if (room <= 0) break;
      const n = kernel.exports.produce(
        0,
        kernel.linesAddress,
        kernel.lineStride,
        channelCount,
        this.tapsPerPhase,
        this.position,
        this.phase,
        last,
        room,
        this.upFactor,
        this.stepWhole,
        this.stepPhase,
        kernel.outAddress,
        kernel.outStride,
        kernel.stateAddress,
      );
      this.position = kernel.state[0]!;
      this.phase = kernel.state[1]!;
      for (let c = 0; c < channelCount; c++) {
        const from = kernel.out[c]!;
        const to = output[c]!;
        for (let i = 0; i < n; i++) to[k + i] = from[i]!;
      }
      k += n;
      this.outputTotal += n;
      if (n < room) break;
    }
    return k - at;
  }
}

/**
 * Phase p, tap j weighs the input at distance t = p/L + (half - 1) - j (input samples) before
 * the output instant: a sinc with `cutoff` cycles per input sample under a Kaiser window that
 * spans +-half. Scaled so the L phases average to unit DC gain.
 */
function designTable(up: number, half: number, cutoff: number, beta: number): Float64Array {
  const taps = 2 * half;
  const table = new Float64Array(up * taps);
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let p = 0; p < up; p++) {
    for (let j = 0; j < taps; j++) {
      const t = p / up + (half - 1) - j;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const weight = 2 * cutoff * sinc * kaiserWindow(t / half, beta, i0Beta);
      table[p * taps + j] = weight;
      sum += weight;
    }
  }
  const scale = up / sum;
  for (let i = 0; i < table.length; i++) table[i]! *= scale;
  return table;
}
