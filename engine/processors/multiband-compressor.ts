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
 */
import { CompressorCore, LEVEL_PEAK, MAX_HOLD_MS, BYPASS_RAMP_MS } from '../dsp/compressor-core.ts';
import { LinkwitzRileySplitter3 } from '../dsp/linkwitz-riley.ts';
import { PeakHold } from '../dsp/peak-hold.ts';
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

export class MultibandCompressor implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest gain reduction (dB, positive = reduction) of the last block per band: low, mid, high. */
  readonly gainReductionDb = new Float64Array(3);
  /** Mono: the JavaScript crossover, bands planar. */
  private readonly splitter: LinkwitzRileySplitter3 | null;
  /** Stereo: the WebAssembly crossover (same arithmetic), bands interleaved L/R. */
  private readonly stereoSplitter: StereoLr4Splitter | null;
  private readonly cores: CompressorCore[];
  private readonly detectors: PeakHold[];
  /** Band signals, [low, mid, high]: planar (mono) or interleaved L/R (stereo: kernel memory). */
  private readonly bands: Float64Array[];
  /** Detector levels per band (stereo: kernel memory, written by the crossover). */
  private readonly levels: Float64Array[];
  private readonly rampStep: number;
  /** On/off crossfade (1 = processed): [at the start of this block, at its end]. */
  private readonly ramp = new Float64Array([1, 1]);
  private enabled = 1;
  private idle = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.channels = channels;
    if (channels === 2) {
      const stereo = new StereoLr4Splitter(sampleRate, maxBlockFrames);
      this.splitter = null;
      this.stereoSplitter = stereo;
      this.bands = [stereo.low, stereo.mid, stereo.high];
      this.levels = [...stereo.levels];
    } else {
      this.splitter = new LinkwitzRileySplitter3(sampleRate, maxBlockFrames, channels);
      this.stereoSplitter = null;
      this.bands = Array.from({ length: 3 }, () => new Float64Array(maxBlockFrames));
      this.levels = Array.from({ length: 3 }, () => new Float64Array(maxBlockFrames));
    }
    this.cores = MULTIBAND_BANDS.map(() => new CompressorCore(sampleRate));
    const maxHold = Math.ceil((MAX_HOLD_MS * sampleRate) / 1000) + 1;
    this.detectors = MULTIBAND_BANDS.map(() => new PeakHold(maxHold));
    this.rampStep = 1000 / (BYPASS_RAMP_MS * sampleRate);
    this.update(multibandDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see MULTIBAND_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    this.enabled = values[base + MultibandParam.on]! >= 0.5 ? 1 : 0;
    this.splitter?.setFrequencies(values, base + MultibandParam.lowMid);
    this.stereoSplitter?.setFrequencies(values, base + MultibandParam.lowMid);
    for (let band = 0; band < 3; band++) {
      const offset = base + MultibandParam.bandBase + band * MultibandParam.bandStride;
      const core = this.cores[band]!;
      core.configure(values, offset, LEVEL_PEAK, values[offset + MultibandParam.bypass]! >= 0.5 ? 0 : 1);
      this.detectors[band]!.setWindow(core.holdFrames);
    }
  }

  /** Audio thread: processes `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const ramp = this.ramp;
    if (this.enabled === 0 && ramp[0] === 0) {
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
        this.detectors[band]!.reset();
      }
    }
    const bands = this.bands;
    if (this.stereoSplitter !== null) this.stereoSplitter.process(left, right, frames);
    else this.splitter?.split(0, left, bands[0]!, bands[1]!, bands[2]!, frames);
    const stride = this.channels;
    for (let band = 0; band < 3; band++) this.compressBand(band, stride, frames);
    this.sum(left, 0, stride, frames);
    if (stride === 2) this.sum(right, 1, stride, frames);
    ramp[0] = ramp[1]!;
  }

  /** Clears crossover, detectors and ballistics. Allocates nothing. */
  reset(): void {
    this.splitter?.reset();
    this.stereoSplitter?.reset();
    for (let band = 0; band < 3; band++) {
      this.cores[band]!.reset();
      this.detectors[band]!.reset();
    }
    this.ramp[0] = this.enabled;
    this.ramp[1] = this.enabled;
    this.gainReductionDb.fill(0);
  }

  /**
   * Band `band`'s gains into levels[band] (all 1 while the band is bypassed and settled); the
   * multiply happens in sum(). `stride` 1: planar mono band; 2: interleaved L/R, whose levels the
   * crossover has already written.
   */
  private compressBand(band: number, stride: number, frames: number): void {
    const core = this.cores[band]!;
    const levels = this.levels[band]!;
    if (core.isIdle()) {
      this.gainReductionDb[band] = 0;
      levels.fill(1, 0, frames);
      return;
    }
    if (stride === 1) {
      const signal = this.bands[band]!;
      for (let i = 0; i < frames; i++) levels[i] = Math.abs(signal[i]!);
    }
    this.detectors[band]!.process(levels, frames);
    core.computeGains(levels, levels, frames);
    this.gainReductionDb[band] = core.gainReductionDb[0]!;
  }

  /**
   * io = dry + (low * gLow + mid * gMid + high * gHigh - dry) * ramp, the ramp advancing per
   * sample toward on/off from ramp[0]; where it ends goes to ramp[1]. (The products and their
   * order are those of multiplying each band in place and then summing.)
   */
  private sum(io: Float32Array, channel: number, stride: number, frames: number): void {
    const low = this.bands[0]!;
    const mid = this.bands[1]!;
    const high = this.bands[2]!;
    const gLow = this.levels[0]!;
    const gMid = this.levels[1]!;
    const gHigh = this.levels[2]!;
    let ramp = this.ramp[0]!;
    const target = this.enabled;
    if (ramp === target && target === 1) {
      for (let i = 0, j = channel; i < frames; i++, j += stride) {
        io[i] = low[j]! * gLow[i]! + mid[j]! * gMid[i]! + high[j]! * gHigh[i]!;
      }
      this.ramp[1] = 1;
      return;
    }
    const step = this.rampStep;
    for (let i = 0, j = channel; i < frames; i++, j += stride) {
      ramp = target > ramp ? Math.min(1, ramp + step) : Math.max(0, ramp - step);
      const dry = io[i]!;
      io[i] = dry + (low[j]! * gLow[i]! + mid[j]! * gMid[i]! + high[j]! * gHigh[i]! - dry) * ramp;
    }
    this.ramp[1] = ramp;
  }
}

/** The multiband compressor as a placeable processor kind. */
export const MULTIBAND_KIND: ProcessorKind = {
  params: MULTIBAND_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) =>
    new MultibandCompressor(sampleRate, maxBlockFrames, channels),
};
