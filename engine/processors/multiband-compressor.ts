/**
 * Three-band compressor for the master chain: an LR4 crossover (LinkwitzRileySplitter3: bands
 * sum to an all-pass, flat magnitude) and one stereo-linked compressor per band, each the same
 * CompressorCore as the channel compressor (soft-knee curve, attack/release as the time to 63 %
 * of a gain-reduction step) fed by a peak-hold detector on the band (the louder channel).
 *
 * With every band at ratio 1 and make-up 0 the gains are exactly 1, so the output is the
 * crossover's all-pass sum: flat magnitude, the phase of two 2nd-order all-passes. A bypassed
 * band passes at unity (still part of the sum). 'on' off passes the input itself (not the
 * all-pass sum), crossfaded over 10 ms. No look-ahead: latency 0.
 *
 * After the crossover, everything runs in one dynamics-kernel call per block
 * (engine/wasm/dynamics.wat, "multiband"): per band the level max(|L|, |R|), the peak hold,
 * CompressorCore's gain computer (the scalar arithmetic except ln/exp, within 1 ulp of
 * Math.log/Math.exp, and the one-pole in closed form inside a run of one target: gains within
 * 1e-11 dB), then the weighted band sum with the on/off ramp. The tests find the float32 output
 * identical to the scalar processor's. A band whose level is steady with its reduction settled
 * costs no ln/exp.
 */
import { BYPASS_RAMP_MS, CompressorCore, LEVEL_PEAK, MAX_HOLD_MS } from '../dsp/compressor-core.ts';
import { LinkwitzRileySplitter3 } from '../dsp/linkwitz-riley.ts';
import {
  copyIn,
  copyOut,
  dynamicsBlockSlots,
  instantiateDynamics,
  KernelHold,
  KernelLayout,
  layoutHold,
  PADDING_FRAMES,
  type DynamicsExports,
} from '../wasm/dynamics-kernel.ts';
import { StereoLr4Splitter } from '../wasm/stereo-lr4-splitter.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

const SMOOTHING_MS = 20;
export const MULTIBAND_BANDS = ['low', 'mid', 'high'] as const;
const BAND_LABELS = ['Low', 'Mid', 'High'] as const;
/** Default ballistics per band: slower for the low band (its periods are longer). */
const DEFAULT_ATTACK_MS = [30, 10, 5] as const;
const DEFAULT_RELEASE_MS = [300, 150, 80] as const;

function bandParams(band: number): ParamTemplate[] {
  const key = `${MULTIBAND_BANDS[band]!}/`;
  const name = `MB ${BAND_LABELS[band]!}`;
  return [
    {
      key: `${key}threshold`,
      label: `${name} threshold (peak dBFS)`,
      unit: 'dB',
      min: -60,
      max: 0,
      default: -18,
      taper: 'linear',
      smoothingMs: SMOOTHING_MS,
    },
    {
      key: `${key}ratio`,
      label: `${name} ratio`,
      unit: 'ratio',
      min: 1,
      max: 20,
      default: 2,
      taper: 'log',
      smoothingMs: SMOOTHING_MS,
    },
    {
      key: `${key}knee`,
      label: `${name} knee`,
      unit: 'dB',
      min: 0,
      max: 24,
      default: 6,
      taper: 'linear',
      smoothingMs: SMOOTHING_MS,
    },
    {
      key: `${key}attack`,
      label: `${name} attack (to 63 % of a step)`,
      unit: 'ms',
      min: 0.1,
      max: 100,
      default: DEFAULT_ATTACK_MS[band]!,
      taper: 'log',
      smoothingMs: 0,
    },
    {
      key: `${key}release`,
      label: `${name} release (to 63 % of a step)`,
      unit: 'ms',
      min: 10,
      max: 2000,
      default: DEFAULT_RELEASE_MS[band]!,
      taper: 'log',
      smoothingMs: 0,
    },
    {
      key: `${key}makeup`,
      label: `${name} make-up`,
      unit: 'dB',
      min: 0,
      max: 24,
      default: 0,
      taper: 'linear',
      smoothingMs: SMOOTHING_MS,
    },
    {
      key: `${key}bypass`,
      label: `${name} bypass`,
      unit: 'bool',
      min: 0,
      max: 1,
      default: 0,
      taper: 'stepped',
      steps: 2,
      smoothingMs: 0,
    },
  ];
}

/**
 * The multiband compressor's parameters, in the order of `values[base + i]`: on, the two
 * crossover points (consecutive, as LinkwitzRileySplitter3.setFrequencies reads them), then per
 * band threshold, ratio, knee, attack, release, makeup (consecutive, as CompressorCore reads
 * them) and bypass.
 */
export const MULTIBAND_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'on',
    label: 'Multiband on',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 1,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'low-mid',
    label: 'Multiband low/mid crossover',
    unit: 'Hz',
    min: 40,
    max: 1000,
    default: 200,
    taper: 'log',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'mid-high',
    label: 'Multiband mid/high crossover',
    unit: 'Hz',
    min: 1000,
    max: 12000,
    default: 3000,
    taper: 'log',
    smoothingMs: SMOOTHING_MS,
  },
  ...MULTIBAND_BANDS.flatMap((_, band) => bandParams(band)),
];

/** Indices in MULTIBAND_PARAMS: the global ones, and per band `BAND_BASE + band * BAND_STRIDE + BAND_*`. */
export const MultibandParam = {
  on: 0,
  lowMid: 1,
  midHigh: 2,
  bandBase: 3,
  bandStride: 7,
  threshold: 0,
  ratio: 1,
  knee: 2,
  attack: 3,
  release: 4,
  makeup: 5,
  bypass: 6,
} as const;

const INDEX_BY_KEY = new Map(MULTIBAND_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` ('on', 'low-mid', 'mid/threshold', ...) in MULTIBAND_PARAMS (setup code; throws on an unknown key). */
export function multibandParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown multiband parameter: ${key}`);
  return index;
}

/** Default values in parameter order (a Float64Array ready for `update(values, 0)`). */
export function multibandDefaults(): Float64Array {
  return Float64Array.from(MULTIBAND_PARAMS, (param) => param.default);
}

// Multiband slots (f64, kernel memory; dynamics.wat, "multiband"): the on/off ramp at the start
// and end of the block, its target and step, then the gain reduction per band.
const RAMP_START = 0;
const RAMP_END = 1;
const RAMP_TARGET = 2;
const RAMP_STEP = 3;
const GAIN_REDUCTION = 4;
const MULTIBAND_SLOTS = 8;
// Descriptor (i32 slots, bytes / 4): left, right, bands, levels (then gains), scratch, ramps,
// cores, holds, slots.
const D_LEFT = 0;
const D_RIGHT = 1;
const D_BANDS = 2;
const D_LEVELS = 5;
const D_SCRATCH = 8;
const D_RAMPS = 9;
const D_CORES = 11;
const D_HOLDS = 14;
const D_SLOTS = 17;
const DESCRIPTOR_BYTES = 80;

export class MultibandCompressor implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest gain reduction (dB, positive = reduction) of the last block per band: low, mid, high. */
  readonly gainReductionDb: Float64Array;
  /** Mono: the JavaScript crossover, bands planar. */
  private readonly splitter: LinkwitzRileySplitter3 | null;
  /** Stereo: the WebAssembly crossover (same arithmetic), bands interleaved L/R. */
  private readonly stereoSplitter: StereoLr4Splitter | null;
  /** Mono: the crossover's planar bands, [low, mid, high]. */
  private readonly monoBands: Float64Array[];
  private readonly cores: CompressorCore[];
  private readonly holds: KernelHold[];
  private readonly maxBlockFrames: number;
  private readonly kernel: DynamicsExports['multiband'];
  private readonly descriptor: number;
  /** Band signals in kernel memory, [low, mid, high], interleaved L/R (mono: R stays 0). */
  private readonly bands: Float64Array[];
  /** The block in kernel memory: the dry input, then the result. */
  private readonly outputLeft: Float32Array;
  private readonly outputRight: Float32Array;
  /** Ramp and meters (see the slot list), in kernel memory. */
  private readonly slots: Float64Array;
  private enabled = 1;
  private idle = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.channels = channels;
    const frames = Math.max(1, maxBlockFrames);
    this.maxBlockFrames = frames;
    if (channels === 2) {
      this.stereoSplitter = new StereoLr4Splitter(sampleRate, frames);
      this.splitter = null;
      this.monoBands = [];
    } else {
      this.splitter = new LinkwitzRileySplitter3(sampleRate, frames, channels);
      this.stereoSplitter = null;
      this.monoBands = MULTIBAND_BANDS.map(() => new Float64Array(frames));
    }
    const layout = new KernelLayout();
    const descriptor = layout.take(DESCRIPTOR_BYTES);
    const left = layout.take((frames + PADDING_FRAMES) * 4);
    const right = layout.take((frames + PADDING_FRAMES) * 4);
    const bands = MULTIBAND_BANDS.map(() => layout.take((frames + PADDING_FRAMES) * 16));
    const levels = MULTIBAND_BANDS.map(() => layout.take((frames + PADDING_FRAMES) * 8));
    const scratch = layout.take((frames + PADDING_FRAMES) * 8);
    const ramps = layout.take((frames + PADDING_FRAMES) * 8);
    const coreSlots = dynamicsBlockSlots(frames);
    const cores = MULTIBAND_BANDS.map(() => layout.take(coreSlots * 8));
    const maxHold = Math.ceil((MAX_HOLD_MS * sampleRate) / 1000) + 1;
    const holds = MULTIBAND_BANDS.map(() => layoutHold(layout, maxHold));
    const slots = layout.take(MULTIBAND_SLOTS * 8);
    const { exports, buffer } = instantiateDynamics(layout);
    this.kernel = exports.multiband;
    this.descriptor = descriptor;
    const addresses = new Int32Array(buffer, descriptor, DESCRIPTOR_BYTES / 4);
    addresses[D_LEFT] = left;
    addresses[D_RIGHT] = right;
    for (let band = 0; band < 3; band++) {
      addresses[D_BANDS + band] = bands[band]!;
      addresses[D_LEVELS + band] = levels[band]!;
      addresses[D_CORES + band] = cores[band]!;
      addresses[D_HOLDS + band] = holds[band]!.state;
    }
    addresses[D_SCRATCH] = scratch;
    addresses[D_RAMPS] = ramps;
    addresses[D_SLOTS] = slots;
    this.bands = bands.map((at) => new Float64Array(buffer, at, 2 * frames));
    this.cores = cores.map((at) => new CompressorCore(sampleRate, new Float64Array(buffer, at, coreSlots)));
    this.holds = holds.map((hold) => new KernelHold(buffer, hold));
    this.outputLeft = new Float32Array(buffer, left, frames);
    this.outputRight = new Float32Array(buffer, right, frames);
    this.slots = new Float64Array(buffer, slots, MULTIBAND_SLOTS);
    this.gainReductionDb = this.slots.subarray(GAIN_REDUCTION, GAIN_REDUCTION + 3);
    this.slots[RAMP_START] = 1;
    this.slots[RAMP_END] = 1;
    this.slots[RAMP_STEP] = 1000 / (BYPASS_RAMP_MS * sampleRate);
    this.update(multibandDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see MULTIBAND_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    this.enabled = values[base + MultibandParam.on]! >= 0.5 ? 1 : 0;
    this.slots[RAMP_TARGET] = this.enabled;
    this.splitter?.setFrequencies(values, base + MultibandParam.lowMid);
    this.stereoSplitter?.setFrequencies(values, base + MultibandParam.lowMid);
    for (let band = 0; band < 3; band++) {
      const offset = base + MultibandParam.bandBase + band * MultibandParam.bandStride;
      const core = this.cores[band]!;
      core.configure(values, offset, LEVEL_PEAK, values[offset + MultibandParam.bypass]! >= 0.5 ? 0 : 1);
      this.holds[band]!.setWindow(core.holdFrames);
    }
  }

  /** Audio thread: processes `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const slots = this.slots;
    if (this.enabled === 0 && slots[RAMP_START] === 0) {
      this.idle = true;
      return;
    }
    if (this.idle) {
      // Switched back on: no stale filter or detector state from before the bypass.
      this.idle = false;
      this.splitter?.reset();
      this.stereoSplitter?.reset();
      for (let band = 0; band < 3; band++) {
        this.cores[band]!.reset();
        this.holds[band]!.reset();
      }
    }
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    const stereo = this.channels === 2;
    const bands = this.bands;
    if (this.stereoSplitter !== null) {
      const splitter = this.stereoSplitter;
      splitter.process(left, right, n);
      bands[0]!.set(splitter.low);
      bands[1]!.set(splitter.mid);
      bands[2]!.set(splitter.high);
    } else {
      const mono = this.monoBands;
      this.splitter?.split(0, left, mono[0]!, mono[1]!, mono[2]!, n);
      for (let band = 0; band < 3; band++) {
        const source = mono[band]!;
        const target = bands[band]!;
        for (let i = 0; i < n; i++) target[2 * i] = source[i]!;
      }
    }
    if (slots[RAMP_START] !== 1 || this.enabled !== 1) {
      // Crossfading: the kernel needs the dry input.
      copyIn(left, this.outputLeft, n);
      if (stereo) copyIn(right, this.outputRight, n);
    }
    let idle = 0;
    for (let band = 0; band < 3; band++) if (this.cores[band]!.isIdle()) idle |= 1 << band;
    this.kernel(this.descriptor, n, idle);
    copyOut(this.outputLeft, left, n);
    if (stereo) copyOut(this.outputRight, right, n);
    slots[RAMP_START] = slots[RAMP_END]!;
  }

  /** Clears crossover, detectors and ballistics. Allocates nothing. */
  reset(): void {
    this.splitter?.reset();
    this.stereoSplitter?.reset();
    for (let band = 0; band < 3; band++) {
      this.cores[band]!.reset();
      this.holds[band]!.reset();
    }
    this.slots[RAMP_START] = this.enabled;
    this.slots[RAMP_END] = this.enabled;
    this.gainReductionDb.fill(0);
  }
}

/** The multiband compressor as a placeable processor kind. */
export const MULTIBAND_KIND: ProcessorKind = {
  params: MULTIBAND_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) =>
    new MultibandCompressor(sampleRate, maxBlockFrames, channels),
};
