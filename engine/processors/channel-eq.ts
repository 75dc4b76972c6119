/**
 * Channel-strip EQ: Butterworth high- and low-pass (12 or 24 dB/oct) and four cookbook bands
 * (low shelf, two peaking, high shelf), as up to eight TDF-II sections per channel.
 *
 * Sections that are off or flat (0 dB) are bypassed: they run as identity only until their tail
 * has decayed, then cost nothing. Coefficients are recomputed in `update` only for the filter
 * whose values changed (values arrive smoothed once per block).
 *
 * The sections run in a WebAssembly SIMD kernel (StereoBiquadCascade), both channels at once and
 * in doubles from the first section to the last; a mono instance runs its signal in both lanes.
 */
import {
  BIQUAD_COEFFICIENTS,
  BiquadKind,
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_GAIN_DB,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  biquadMagnitude,
  designBiquad,
  designButterworth,
} from '../dsp/biquad-design.ts';
import { toggleTemplate } from './param-templates.ts';
import { SECTION_DRAINING } from '../dsp/biquad-filter.ts';
import { StereoBiquadCascade } from '../wasm/stereo-biquad-cascade.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

const SLOPES = ['12 dB/oct', '24 dB/oct'] as const;
const SMOOTHING_MS = 20;
const BAND_COUNT = 4;
const BAND_KINDS = [
  BiquadKind.lowShelf,
  BiquadKind.peaking,
  BiquadKind.peaking,
  BiquadKind.highShelf,
] as const;
const BAND_DEFAULT_HZ = [100, 500, 2500, 8000] as const;
const BAND_DEFAULT_Q = [0.707, 1, 1, 0.707] as const;
const BAND_NAMES = ['low shelf', 'low mid', 'high mid', 'high shelf'] as const;

function slope(key: string, label: string): ParamTemplate {
  return {
    key,
    label,
    unit: 'enum',
    min: 0,
    max: SLOPES.length - 1,
    default: 0,
    taper: 'stepped',
    steps: SLOPES.length,
    choices: SLOPES,
    smoothingMs: 0,
  };
}

function frequency(key: string, label: string, min: number, max: number, value: number): ParamTemplate {
  return { key, label, unit: 'Hz', min, max, default: value, taper: 'log', smoothingMs: SMOOTHING_MS };
}

function bandParams(band: number): ParamTemplate[] {
  const prefix = `eq/${band + 1}/`;
  const name = `EQ ${band + 1} (${BAND_NAMES[band]!})`;
  return [
    toggleTemplate(`${prefix}on`, `${name} on`, true),
    frequency(`${prefix}freq`, `${name} freq`, 20, 20000, BAND_DEFAULT_HZ[band]!),
    {
      key: `${prefix}gain`,
      label: `${name} gain`,
      unit: 'dB',
      min: -18,
      max: 18,
      default: 0,
      taper: 'linear',
      smoothingMs: SMOOTHING_MS,
    },
    {
      key: `${prefix}q`,
      label: `${name} Q`,
      unit: 'Q',
      min: 0.1,
      max: 10,
      default: BAND_DEFAULT_Q[band]!,
      taper: 'log',
      smoothingMs: SMOOTHING_MS,
    },
  ];
}

/** The channel EQ's parameters, in the order of `values[base + i]`. */
export const CHANNEL_EQ_PARAMS: readonly ParamTemplate[] = [
  toggleTemplate('hpf/on', 'HPF on', false),
  frequency('hpf/freq', 'HPF freq', 20, 1000, 80),
  slope('hpf/slope', 'HPF slope'),
  toggleTemplate('lpf/on', 'LPF on', false),
  frequency('lpf/freq', 'LPF freq', 1000, 20000, 18000),
  slope('lpf/slope', 'LPF slope'),
  ...Array.from({ length: BAND_COUNT }, (_, band) => bandParams(band)).flat(),
];

const PARAM_COUNT = CHANNEL_EQ_PARAMS.length;
const INDEX_BY_KEY = new Map(CHANNEL_EQ_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in CHANNEL_EQ_PARAMS (setup code; throws on an unknown key). */
export function channelEqParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown channel EQ parameter: ${key}`);
  return index;
}

// Parameter layout: [on, freq, slope] per pass filter, [on, freq, gain, q] per band.
const HPF = 0;
const LPF = 3;
const BANDS = 6;
const BAND_PARAMS = 4;
const ON = 0;
const FREQ = 1;
const SLOPE = 2;
const GAIN = 2;
const Q = 3;

// Filter groups (one per control section) and their cascade slots.
/** Groups: 0 = HPF, 1 = LPF, 2.. = bands. */
const GROUP_HPF = 0;
const GROUP_BAND = 2;
const GROUPS = GROUP_BAND + BAND_COUNT;
/** Cascade slots: HPF 0-1, LPF 2-3, bands 4-7. */
const SLOTS = 8;
const GROUP_FIRST_PARAM = [
  HPF,
  LPF,
  BANDS,
  BANDS + BAND_PARAMS,
  BANDS + 2 * BAND_PARAMS,
  BANDS + 3 * BAND_PARAMS,
];
const GROUP_PARAM_COUNT = [3, 3, BAND_PARAMS, BAND_PARAMS, BAND_PARAMS, BAND_PARAMS];
const GROUP_FIRST_SLOT = [0, 2, 4, 5, 6, 7];

/**
 * Designs group `group` from `values[base ..]` into `out` at its slots' offsets and returns a bit
 * mask of its non-flat slots (bit k = the group's k-th slot). `args` carries the sample rate.
 * Audio thread safe: allocates nothing.
 */
function designGroup(
  group: number,
  values: Float64Array,
  base: number,
  args: Float64Array,
  out: Float64Array,
): number {
  const first = base + GROUP_FIRST_PARAM[group]!;
  const offset = GROUP_FIRST_SLOT[group]! * BIQUAD_COEFFICIENTS;
  if (values[first + ON]! < 0.5) return 0;
  args[DESIGN_FREQUENCY] = values[first + FREQ]!;
  if (group < GROUP_BAND) {
    const kind = group === GROUP_HPF ? BiquadKind.highpass : BiquadKind.lowpass;
    const fourthOrder = values[first + SLOPE]! >= 0.5;
    return designButterworth(kind, fourthOrder, args, 0, out, offset) === 2 ? 3 : 1;
  }
  const gain = values[first + GAIN]!;
  if (gain === 0) return 0;
  args[DESIGN_GAIN_DB] = gain;
  args[DESIGN_Q] = values[first + Q]!;
  designBiquad(BAND_KINDS[group - GROUP_BAND]!, args, 0, out, offset);
  return 1;
}

const magnitudeArgs = new Float64Array(DESIGN_ARGS);
const magnitudeCoefficients = new Float64Array(SLOTS * BIQUAD_COEFFICIENTS);

/**
 * Linear magnitude of the whole EQ at `frequencyHz` for the parameter values at
 * `values[base ..]` (CHANNEL_EQ_PARAMS order), evaluated analytically: for the panel's curve.
 * Pure (uses module scratch only); main thread.
 */
export function channelEqMagnitude(
  values: Float64Array,
  base: number,
  frequencyHz: number,
  sampleRate: number,
): number {
  magnitudeArgs[DESIGN_SAMPLE_RATE] = sampleRate;
  let magnitude = 1;
  for (let group = 0; group < GROUPS; group++) {
    const mask = designGroup(group, values, base, magnitudeArgs, magnitudeCoefficients);
    const firstSlot = GROUP_FIRST_SLOT[group]!;
    for (let k = 0; k < 2; k++) {
      if ((mask & (1 << k)) !== 0) {
        magnitude *= biquadMagnitude(
          magnitudeCoefficients,
          (firstSlot + k) * BIQUAD_COEFFICIENTS,
          frequencyHz,
          sampleRate,
        );
      }
    }
  }
  return magnitude;
}

/** The channel EQ (mono or stereo). See the module comment. */
export class ChannelEq implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest `frames` per process call (the kernel's block is this long; longer calls are cut up). */
  readonly maxBlockFrames: number;
  private readonly cascade: StereoBiquadCascade;
  private readonly args = new Float64Array(DESIGN_ARGS);
  /** Values the coefficients were designed from (NaN: never designed). */
  private readonly designed = new Float64Array(CHANNEL_EQ_PARAMS.length).fill(Number.NaN);
  /** Whether some section was still draining at the last settle (settle again next block). */
  private draining = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.maxBlockFrames = maxBlockFrames;
    this.channels = channels;
    this.cascade = new StereoBiquadCascade(SLOTS, maxBlockFrames);
    this.args[DESIGN_SAMPLE_RATE] = sampleRate;
  }

  /**
   * Audio thread: redesigns the filters whose values changed. With no value changed and no
   * section draining (the steady state) it only compares the values: settling could change
   * nothing then. Allocates nothing.
   */
  update(values: Float64Array, base: number): void {
    const designed = this.designed;
    const cascade = this.cascade;
    let any = false;
    for (let i = 0; i < PARAM_COUNT; i++) {
      if (values[base + i] !== designed[i]) {
        any = true;
        break;
      }
    }
    if (!any && !this.draining) return;
    for (let group = 0; any && group < GROUPS; group++) {
      const first = GROUP_FIRST_PARAM[group]!;
      const end = first + GROUP_PARAM_COUNT[group]!;
      let changed = false;
      for (let i = first; i < end; i++) {
        const value = values[base + i]!;
        if (value !== designed[i]) {
          designed[i] = value;
          changed = true;
        }
      }
      if (!changed) continue;
      const mask = designGroup(group, values, base, this.args, cascade.coefficients);
      const firstSlot = GROUP_FIRST_SLOT[group]!;
      const slots = group < GROUP_BAND ? 2 : 1;
      for (let k = 0; k < slots; k++) {
        if ((mask & (1 << k)) !== 0) cascade.enable(firstSlot + k);
        else cascade.bypass(firstSlot + k);
      }
    }
    cascade.settle();
    this.draining = cascade.mode.includes(SECTION_DRAINING);
  }

  /** Audio thread: filters in place. Allocates nothing. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    // Mono: the signal runs in both lanes (the same cost as one) and is written back twice.
    this.cascade.process(left, this.channels === 2 ? right : left, frames);
  }

  /** Clears the filter state. Allocates nothing. */
  reset(): void {
    this.cascade.reset();
  }
}

/** The channel EQ as a placeable processor kind. */
export const CHANNEL_EQ_KIND: ProcessorKind = {
  params: CHANNEL_EQ_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new ChannelEq(sampleRate, maxBlockFrames, channels),
};
