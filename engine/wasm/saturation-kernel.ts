import { instantiateKernel } from './wasm-kernel.ts';

/**
 * The saturation's WebAssembly kernel (saturation.wat, which documents the memory map): one
 * instance per strip, its memory laid out here once, and typed-array views on it for the owner
 * (engine/processors/saturation.ts). Every sample is an f64x2 of (left, right); a mono strip
 * leaves the right inputs at 0.
 */

/** Slots of `params` (f64, from byte 128 of the kernel's memory): the block's ramps and constants. */
export const KernelParam = {
  driveFrom: 0,
  driveStep: 1,
  biasFrom: 2,
  biasStep: 3,
  offsetFrom: 4,
  offsetStep: 5,
  mixFrom: 6,
  mixStep: 7,
  outputFrom: 8,
  outputStep: 9,
  normFrom: 10,
  normStep: 11,
  rampFrom: 12,
  rampTarget: 13,
  rampStep: 14,
  /** Written by the kernel: the bypass ramp at the end of the block. */
  rampReached: 15,
  dcCoefficient: 16,
  /** Droop FIR taps: centre, then one side (4 slots). */
  droop: 17,
} as const;

const PARAMS_ADDRESS = 128;
const PARAM_SLOTS = 21;
/** Bytes of the per-lane state: v[n-1], v[n-2] of x + b and of b - x, then the DC tracker. */
const STATE_BYTES = 5 * 16;
const TRACKER_SLOT = 8;
/** Bytes per f64x2 sample. */
const SAMPLE = 16;
/** Stages the header has room for. */
const MAX_STAGES = 3;
/** History of the droop FIR's wet line, in frames. */
const WET_HISTORY = 6;

// i32 slots of the header (byte address / 4)
const STAGES = 0;
const ANTIDERIVATIVE = 1;
const LATENCY = 2;
const PAIRS = 3;
const PHASES = 6;
const INTERPOLATION_TAPS = 9;
const DECIMATION_TAPS = 12;
const UP_BUFFERS = 15;
const DOWN_BUFFERS = 18;
const HIGH = 21;
const INPUT = 22;
const WET = 23;
const DRY = 24;
const MIRROR = 25;
const STATE = 26;
const INPUT_LEFT = 27;
const INPUT_RIGHT = 28;
const OUTPUT_LEFT = 29;
const OUTPUT_RIGHT = 30;
const PENDING = 31;
/** Entries of the across-knee list: both lanes of the ADAA kernel's chunk of 256 samples. */
const PENDING_BYTES = 2 * 256 * 32;

interface SaturationExports extends WebAssembly.Exports {
  process: (frames: number, symmetricLanes: number, settled: number) => void;
  bypass: (frames: number) => void;
}

/** What the kernel is built for (all fixed for the instance's life). */
export interface SaturationKernelOptions {
  readonly maxBlockFrames: number;
  /** Half-band stages (0 .. 3). */
  readonly stages: number;
  /** Odd-tap coefficients of each stage (halfBandPlan). */
  readonly coefficients: readonly Float64Array[];
  /** Decimation phase of each stage (halfBandPlan). */
  readonly phases: Int32Array;
  readonly antiderivative: boolean;
  /** Frames of dry-path delay (the processor's latency). */
  readonly latencyFrames: number;
  /** Droop FIR taps: centre, then 3 side taps. */
  readonly droop: Float64Array;
  readonly dcCoefficient: number;
  /** Bypass ramp step per frame. */
  readonly rampStep: number;
}

export class SaturationKernel {
  /**
   * Audio thread: runs one block of `frames` (<= maxBlockFrames) from the inputs to the
   * outputs. `symmetricLanes` bit c: channel c takes the plain curve; `settled` 1: no ramps.
   * Allocates nothing.
   */
  readonly process: (frames: number, symmetricLanes: number, settled: number) => void;
  /** Audio thread: output = input delayed by the latency. Allocates nothing. */
  readonly bypass: (frames: number) => void;
  /** The block's ramps and the constants (see KernelParam). */
  readonly params: Float64Array;
  readonly inputLeft: Float32Array;
  readonly inputRight: Float32Array;
  readonly outputLeft: Float32Array;
  readonly outputRight: Float32Array;
  /** The even part's DC tracker per channel (0 when settled). */
  readonly evenDc: Float64Array;
  /** Everything the filters remember: ADAA histories, DC trackers, the up/down and wet lines. */
  readonly filters: Float64Array;
  /** The dry path's delay line (latency frames of history, then the block). */
  readonly dry: Float64Array;

  constructor(options: SaturationKernelOptions) {
    const { maxBlockFrames, stages, coefficients, phases, latencyFrames } = options;
    if (stages > MAX_STAGES) throw new RangeError(`the saturation kernel has room for ${MAX_STAGES} stages`);
    const pairs = coefficients.map((c) => c.length);
    let next = PARAMS_ADDRESS + PARAM_SLOTS * 8;
    const take = (bytes: number): number => {
      const at = align16(next);
      next = at + bytes;
      return at;
    };
    const interpolationTaps = pairs.map((p) => take(p * SAMPLE));
    const decimationTaps = pairs.map((p) => take(p * SAMPLE));
    // Filter state, contiguous so one fill clears it.
    const stateAddress = take(STATE_BYTES);
    const up = pairs.map((p, s) => take((2 * p - 1 + maxBlockFrames * 2 ** s) * SAMPLE));
    const down = pairs.map((p, s) => take((2 * (2 * p - 1) + maxBlockFrames * 2 ** (s + 1)) * SAMPLE));
    const ownHigh = stages === 0 ? take(maxBlockFrames * SAMPLE) : 0;
    const wet = take((WET_HISTORY + maxBlockFrames) * SAMPLE);
    const filtersEnd = next;
    const dry = take((latencyFrames + maxBlockFrames) * SAMPLE);
    const mirror = take(maxBlockFrames * 2 ** stages * SAMPLE);
    const pending = take(PENDING_BYTES);
    const inputLeft = take(maxBlockFrames * 4);
    const inputRight = take(maxBlockFrames * 4);
    const outputLeft = take(maxBlockFrames * 4);
    const outputRight = take(maxBlockFrames * 4);

    const { exports, memory } = instantiateKernel<SaturationExports>('saturation', next);
    const buffer = memory.buffer;
    const header = new Int32Array(buffer, 0, PARAMS_ADDRESS / 4);
    header[STAGES] = stages;
    header[ANTIDERIVATIVE] = options.antiderivative ? 1 : 0;
    header[LATENCY] = latencyFrames;
    for (let s = 0; s < stages; s++) {
      const c = coefficients[s]!;
      header[PAIRS + s] = c.length;
      header[PHASES + s] = phases[s]!;
      header[INTERPOLATION_TAPS + s] = interpolationTaps[s]!;
      header[DECIMATION_TAPS + s] = decimationTaps[s]!;
      header[UP_BUFFERS + s] = up[s]!;
      header[DOWN_BUFFERS + s] = down[s]!;
      // Each tap twice (one per lane); the interpolator's doubled (its branches have gain 1/2).
      const interpolation = new Float64Array(buffer, interpolationTaps[s], 2 * c.length);
      const decimation = new Float64Array(buffer, decimationTaps[s], 2 * c.length);
      for (let i = 0; i < c.length; i++) {
        interpolation[2 * i] = interpolation[2 * i + 1] = 2 * c[i]!;
        decimation[2 * i] = decimation[2 * i + 1] = c[i]!;
      }
    }
    const last = stages - 1;
    header[HIGH] = stages === 0 ? ownHigh : down[last]! + 2 * (2 * pairs[last]! - 1) * SAMPLE;
    header[INPUT] = stages === 0 ? ownHigh : up[0]! + (2 * pairs[0]! - 1) * SAMPLE;
    header[WET] = wet;
    header[DRY] = dry;
    header[MIRROR] = mirror;
    header[STATE] = stateAddress;
    header[INPUT_LEFT] = inputLeft;
    header[INPUT_RIGHT] = inputRight;
    header[OUTPUT_LEFT] = outputLeft;
    header[OUTPUT_RIGHT] = outputRight;
    header[PENDING] = pending;

    this.params = new Float64Array(buffer, PARAMS_ADDRESS, PARAM_SLOTS);
    this.params[KernelParam.dcCoefficient] = options.dcCoefficient;
    this.params[KernelParam.rampStep] = options.rampStep;
    for (let k = 0; k < 4; k++) this.params[KernelParam.droop + k] = options.droop[k]!;
    this.filters = new Float64Array(buffer, stateAddress, (filtersEnd - stateAddress) / 8);
    this.evenDc = this.filters.subarray(TRACKER_SLOT, TRACKER_SLOT + 2);
    this.dry = new Float64Array(buffer, dry, 2 * (latencyFrames + maxBlockFrames));
    this.inputLeft = new Float32Array(buffer, inputLeft, maxBlockFrames);
    this.inputRight = new Float32Array(buffer, inputRight, maxBlockFrames);
    this.outputLeft = new Float32Array(buffer, outputLeft, maxBlockFrames);
    this.outputRight = new Float32Array(buffer, outputRight, maxBlockFrames);
    this.process = exports.process;
    this.bypass = exports.bypass;
  }
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
