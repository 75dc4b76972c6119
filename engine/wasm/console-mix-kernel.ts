import { instantiateKernel } from './wasm-kernel.ts';

interface ConsoleMixExports extends WebAssembly.Exports {
  mixStereo: (left: number, right: number, mixL: number, mixR: number, n: number, p: number) => void;
  mixMono: (x: number, mixL: number, mixR: number, n: number, p: number) => void;
  addSend: (left: number, right: number, busL: number, busR: number, n: number, p: number) => void;
  mixReturn: (left: number, right: number, mixL: number, mixR: number, n: number, p: number) => void;
  rampStereo: (left: number, right: number, n: number, p: number) => void;
  stereoStats: (left: number, right: number, n: number, p: number) => void;
}

/** Slots of `params` (f64): ramps in, results out (see console-mix.wat). */
export const MixSlot = {
  gain: 0,
  gainStep: 1,
  left: 2,
  leftStep: 3,
  right: 4,
  rightStep: 5,
  width: 6,
  widthStep: 7,
  /** Results: peak and sum of squares (mixStereo, mixMono, mixReturn) ... */
  peak: 8,
  sumSquares: 9,
  /** ... or, from masterStats, the right peak and both sums. */
  peakRight: 9,
  sumLeft: 10,
  sumRight: 11,
} as const;

/** Ramp slots of addSend and rampStereo: left gain, its step, right gain, its step. */
export const RampSlot = { left: 0, leftStep: 1, right: 2, rightStep: 3 } as const;

const PARAM_BYTES = 128;

/**
 * The console graph's buses and its per-sample mixing loops (engine/wasm/console-mix.wat): the
 * strip buffers, the mix bus and every aux bus live in one WebAssembly memory, and the graph's
 * JavaScript keeps only the per-block gain arithmetic. The kernel repeats the JavaScript it
 * replaced operation for operation in double precision, so the mix is bit-identical; it takes
 * about a quarter of the time (V8's code for these loops spent ~25 ns per stereo frame).
 *
 * Processors work on the buffers as ordinary Float32Arrays (views on the kernel's memory).
 * Every method runs on the audio thread: integers only across the boundary (gains go through
 * `params`), no allocation, no throw.
 */
export class ConsoleMixKernel {
  /** Gain ramps in, results out: see MixSlot and RampSlot. */
  readonly params: Float64Array;
  readonly stripLeft: Float32Array;
  readonly stripRight: Float32Array;
  readonly mixLeft: Float32Array;
  readonly mixRight: Float32Array;
  readonly auxLeft: readonly Float32Array[];
  readonly auxRight: readonly Float32Array[];
  private readonly exports: ConsoleMixExports;
  private readonly stripLeftAt: number;
  private readonly stripRightAt: number;
  private readonly mixLeftAt: number;
  private readonly mixRightAt: number;
  private readonly auxLeftAt: Int32Array;
  private readonly auxRightAt: Int32Array;

  constructor(maxBlockFrames: number, auxCount: number) {
    // Each buffer on a 16-byte boundary.
    const bufferBytes = (maxBlockFrames * 4 + 15) & ~15;
    const buffers = 4 + 2 * auxCount;
    const { exports, memory } = instantiateKernel<ConsoleMixExports>(
      'console-mix',
      PARAM_BYTES + buffers * bufferBytes,
    );
    this.exports = exports;
    this.params = new Float64Array(memory.buffer, 0, PARAM_BYTES / 8);
    const at = (k: number): number => PARAM_BYTES + k * bufferBytes;
    const view = (address: number): Float32Array => new Float32Array(memory.buffer, address, maxBlockFrames);
    this.stripLeftAt = at(0);
    this.stripRightAt = at(1);
    this.mixLeftAt = at(2);
    this.mixRightAt = at(3);
    this.auxLeftAt = Int32Array.from({ length: auxCount }, (_, a) => at(4 + 2 * a));
    this.auxRightAt = Int32Array.from({ length: auxCount }, (_, a) => at(5 + 2 * a));
    this.stripLeft = view(this.stripLeftAt);
    this.stripRight = view(this.stripRightAt);
    this.mixLeft = view(this.mixLeftAt);
    this.mixRight = view(this.mixRightAt);
    this.auxLeft = Array.from(this.auxLeftAt, view);
    this.auxRight = Array.from(this.auxRightAt, view);
  }

  /** Audio thread: the stereo strip into the mix (gain, balance and width ramps in params). */
  mixStereoStrip(n: number): void {
    this.exports.mixStereo(this.stripLeftAt, this.stripRightAt, this.mixLeftAt, this.mixRightAt, n, 0);
  }

  /** Audio thread: the mono strip (stripLeft) into the mix. */
  mixMonoStrip(n: number): void {
    this.exports.mixMono(this.stripLeftAt, this.mixLeftAt, this.mixRightAt, n, 0);
  }

  /** Audio thread: the strip into aux bus `a`; a mono strip feeds both sides from stripLeft. */
  addSend(a: number, stereo: boolean, n: number): void {
    const right = stereo ? this.stripRightAt : this.stripLeftAt;
    this.exports.addSend(this.stripLeftAt, right, this.auxLeftAt[a]!, this.auxRightAt[a]!, n, 0);
  }

  /** Audio thread: aux bus `a` (after its effect) into the mix, with the return gain ramp. */
  mixReturn(a: number, n: number): void {
    this.exports.mixReturn(this.auxLeftAt[a]!, this.auxRightAt[a]!, this.mixLeftAt, this.mixRightAt, n, 0);
  }

  /** Audio thread: a gain ramp on the mix bus, in place. */
  rampMix(n: number): void {
    this.exports.rampStereo(this.mixLeftAt, this.mixRightAt, n, 0);
  }

  /** Audio thread: peaks and sums of squares of the mix bus, per side, into params. */
  mixStats(n: number): void {
    this.exports.stereoStats(this.mixLeftAt, this.mixRightAt, n, 0);
  }
}
