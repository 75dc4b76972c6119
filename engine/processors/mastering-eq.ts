/**
 * Mastering EQ (stereo): Butterworth high- and low-pass (12 or 24 dB/oct) and six cookbook bands
 * whose type (low shelf, peak, high shelf) and target (stereo, mid, side) are parameters.
 *
 * Stereo-target bands and the pass filters run on L/R. Mid- or side-target bands run on
 * M = (L + R) / 2 and S = (L - R) / 2 in double, converted back as L = M + S, R = M - S; the
 * conversion happens only while some band targets mid or side (the round trip is exact anyway).
 * Off or flat (0 dB) bands are bypassed and, once their tail has decayed, cost nothing.
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
import { choiceTemplate, toggleTemplate } from './param-templates.ts';
import { BiquadCascade, SECTION_DRAINING } from '../dsp/biquad-filter.ts';
import { StereoBiquadCascade } from '../wasm/stereo-biquad-cascade.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

const SLOPES = ['12 dB/oct', '24 dB/oct'] as const;
const BAND_TYPES = ['low shelf', 'peak', 'high shelf'] as const;
const TARGETS = ['stereo', 'mid', 'side'] as const;
const SMOOTHING_MS = 20;
const BAND_COUNT = 6;
const BAND_DEFAULT_TYPE = [0, 1, 1, 1, 1, 2] as const;
const BAND_DEFAULT_HZ = [60, 200, 800, 2500, 6000, 12000] as const;
const BAND_DEFAULT_Q = [0.707, 1, 1, 1, 1, 0.707] as const;
/** Band type index -> design. */
const TYPE_KINDS = [BiquadKind.lowShelf, BiquadKind.peaking, BiquadKind.highShelf] as const;

function frequency(key: string, label: string, min: number, max: number, value: number): ParamTemplate {
  return { key, label, unit: 'Hz', min, max, default: value, taper: 'log', smoothingMs: SMOOTHING_MS };
}

function bandParams(band: number): ParamTemplate[] {
  const prefix = `band/${band + 1}/`;
  const name = `Band ${band + 1}`;
  return [
    toggleTemplate(`${prefix}on`, `${name} on`, true),
    choiceTemplate(`${prefix}type`, `${name} type`, BAND_TYPES, BAND_DEFAULT_TYPE[band]!),
    frequency(`${prefix}freq`, `${name} freq`, 20, 20000, BAND_DEFAULT_HZ[band]!),
    {
      key: `${prefix}gain`,
      label: `${name} gain`,
      unit: 'dB',
      min: -12,
      max: 12,
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
    choiceTemplate(`${prefix}target`, `${name} target`, TARGETS, 0),
  ];
}

/** The mastering EQ's parameters, in the order of `values[base + i]`. */
export const MASTERING_EQ_PARAMS: readonly ParamTemplate[] = [
  toggleTemplate('hpf/on', 'HPF on', false),
  frequency('hpf/freq', 'HPF freq', 10, 1000, 30),
  choiceTemplate('hpf/slope', 'HPF slope', SLOPES, 0),
  toggleTemplate('lpf/on', 'LPF on', false),
  frequency('lpf/freq', 'LPF freq', 1000, 20000, 20000),
  choiceTemplate('lpf/slope', 'LPF slope', SLOPES, 0),
  ...Array.from({ length: BAND_COUNT }, (_, band) => bandParams(band)).flat(),
];

const INDEX_BY_KEY = new Map(MASTERING_EQ_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in MASTERING_EQ_PARAMS (setup code; throws on an unknown key). */
export function masteringEqParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown mastering EQ parameter: ${key}`);
  return index;
}

// Parameter layout: [on, freq, slope] per pass filter, [on, type, freq, gain, q, target] per band.
const HPF = 0;
const LPF = 3;
const PASS_PARAMS = 3;
const BANDS = 6;
const BAND_PARAMS = 6;
const ON = 0;
const FREQ = 1;
const SLOPE = 2;
const TYPE = 1;
const BAND_FREQ = 2;
const GAIN = 3;
const Q = 4;
const TARGET = 5;

const TARGET_STEREO = 0;
const TARGET_MID = 1;
const TARGET_SIDE = 2;

const PARAM_COUNT = MASTERING_EQ_PARAMS.length;

/** L/R cascade slots: HPF 0-1, LPF 2-3, stereo bands 4-9. Mid and side cascades: one slot per band. */
const LR_SLOTS = 4 + BAND_COUNT;
const LR_FIRST_BAND_SLOT = 4;

/** Target index of band `band` (0-based), rounded and clamped. Allocates nothing. */
function bandTarget(values: Float64Array, base: number, band: number): number {
  const raw = Math.round(values[base + BANDS + band * BAND_PARAMS + TARGET]!);
  return raw <= TARGET_STEREO ? TARGET_STEREO : raw >= TARGET_SIDE ? TARGET_SIDE : TARGET_MID;
}

/**
 * Designs pass filter (`first` = HPF or LPF) into `out` at `offset`; returns a mask of its
 * non-flat sections (bit 0, bit 1). Allocates nothing.
 */
function designPass(
  first: number,
  values: Float64Array,
  base: number,
  args: Float64Array,
  out: Float64Array,
  offset: number,
): number {
  const index = base + first;
  if (values[index + ON]! < 0.5) return 0;
  args[DESIGN_FREQUENCY] = values[index + FREQ]!;
  const kind = first === HPF ? BiquadKind.highpass : BiquadKind.lowpass;
  return designButterworth(kind, values[index + SLOPE]! >= 0.5, args, 0, out, offset) === 2 ? 3 : 1;
}

/** Designs band `band` into `out` at `offset`; returns false when it is off or flat. Allocates nothing. */
function designBand(
  band: number,
  values: Float64Array,
  base: number,
  args: Float64Array,
  out: Float64Array,
  offset: number,
): boolean {
  const index = base + BANDS + band * BAND_PARAMS;
  if (values[index + ON]! < 0.5) return false;
  const gain = values[index + GAIN]!;
  if (gain === 0) return false;
  // Integer arithmetic only: Math.round can return -0, a heap number (an allocation per call).
  const type = (values[index + TYPE]! + 0.5) | 0;
  const kind = TYPE_KINDS[type <= 0 ? 0 : type >= 2 ? 2 : 1];
  args[DESIGN_FREQUENCY] = values[index + BAND_FREQ]!;
  args[DESIGN_GAIN_DB] = gain;
  args[DESIGN_Q] = values[index + Q]!;
  designBiquad(kind, args, 0, out, offset);
  return true;
}

/** Which signal component `masteringEqMagnitude` describes. */
export type MasteringEqComponent = 'mid' | 'side';

const magnitudeArgs = new Float64Array(DESIGN_ARGS);
const magnitudeCoefficients = new Float64Array(2 * BIQUAD_COEFFICIENTS);

/**
 * Linear magnitude at `frequencyHz` seen by the mid (L + R) or side (L - R) component of the
 * signal, for the values at `values[base ..]` (MASTERING_EQ_PARAMS order): pass filters and
 * stereo bands apply to both, mid/side bands to theirs. Evaluated analytically, for the panel's
 * curves. Pure (module scratch only); main thread.
 */
export function masteringEqMagnitude(
  values: Float64Array,
  base: number,
  component: MasteringEqComponent,
  frequencyHz: number,
  sampleRate: number,
): number {
  magnitudeArgs[DESIGN_SAMPLE_RATE] = sampleRate;
  const own = component === 'mid' ? TARGET_MID : TARGET_SIDE;
  const c = magnitudeCoefficients;
  let magnitude = 1;
  for (const first of [HPF, LPF]) {
    const mask = designPass(first, values, base, magnitudeArgs, c, 0);
    if ((mask & 1) !== 0) magnitude *= biquadMagnitude(c, 0, frequencyHz, sampleRate);
    if ((mask & 2) !== 0) magnitude *= biquadMagnitude(c, BIQUAD_COEFFICIENTS, frequencyHz, sampleRate);
  }
  for (let band = 0; band < BAND_COUNT; band++) {
    const target = bandTarget(values, base, band);
    if (target !== TARGET_STEREO && target !== own) continue;
    if (designBand(band, values, base, magnitudeArgs, c, 0))
      magnitude *= biquadMagnitude(c, 0, frequencyHz, sampleRate);
  }
  return magnitude;
}

/**
 * The mastering EQ. See the module comment. Built for stereo; a mono instance (a mono bus) treats
 * its signal as mid: mid bands apply, side bands don't.
 */
export class MasteringEq implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** The stereo (L/R) sections: lrStereo (WebAssembly, same results) or lrMono. */
  private readonly lr: BiquadCascade | StereoBiquadCascade;
  private readonly lrMono: BiquadCascade | null;
  private readonly lrStereo: StereoBiquadCascade | null;
  private readonly mid = new BiquadCascade(BAND_COUNT, 1);
  private readonly side = new BiquadCascade(BAND_COUNT, 1);
  private readonly midBuffer: Float64Array;
  private readonly sideBuffer: Float64Array;
  private readonly args = new Float64Array(DESIGN_ARGS);
  /** Values the coefficients were designed from (NaN: never designed). */
  private readonly designed = new Float64Array(MASTERING_EQ_PARAMS.length).fill(Number.NaN);
  /** Target each band's filter state belongs to. */
  private readonly targets = new Int32Array(BAND_COUNT);
  /** Whether a mid or side section runs this block. */
  private midSide = false;
  /** Whether some section was still draining at the last settle (settle again next block). */
  private draining = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2 = 2) {
    this.channels = channels;
    this.lrStereo = channels === 2 ? new StereoBiquadCascade(LR_SLOTS, maxBlockFrames, 'float32') : null;
    this.lrMono = channels === 2 ? null : new BiquadCascade(LR_SLOTS, channels);
    this.lr = this.lrStereo ?? this.lrMono!;
    this.midBuffer = new Float64Array(maxBlockFrames);
    this.sideBuffer = new Float64Array(maxBlockFrames);
    this.args[DESIGN_SAMPLE_RATE] = sampleRate;
  }

  /**
   * Audio thread: redesigns the filters whose values changed. With no value changed and no
   * section draining (the steady state) it only compares the values: settling could change
   * nothing then. Allocates nothing.
   */
  update(values: Float64Array, base: number): void {
    const designed = this.designed;
    let changed = false;
    for (let i = 0; i < PARAM_COUNT; i++) {
      if (values[base + i] !== designed[i]) {
        changed = true;
        break;
      }
    }
    if (!changed && !this.draining) return;
    if (changed) {
      if (this.changed(values, base, HPF, PASS_PARAMS)) this.updatePass(HPF, values, base, 0);
      if (this.changed(values, base, LPF, PASS_PARAMS)) this.updatePass(LPF, values, base, 2);
      for (let band = 0; band < BAND_COUNT; band++) {
        if (this.changed(values, base, BANDS + band * BAND_PARAMS, BAND_PARAMS))
          this.updateBand(band, values, base);
      }
    }
    this.lr.settle();
    const mid = this.mid.settle();
    const side = this.side.settle();
    this.midSide = mid || (side && this.channels === 2);
    this.draining =
      this.lr.mode.includes(SECTION_DRAINING) ||
      this.mid.mode.includes(SECTION_DRAINING) ||
      this.side.mode.includes(SECTION_DRAINING);
  }

  /** Audio thread: filters in place. Allocates nothing. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    if (this.lrMono !== null) {
      this.lrMono.process(0, left, frames);
      if (this.midSide) this.mid.process(0, left, frames);
      return;
    }
    this.lrStereo?.process(left, right, frames);
    if (!this.midSide) return;
    const m = this.midBuffer;
    const s = this.sideBuffer;
    for (let i = 0; i < frames; i++) {
      const l = left[i]!;
      const r = right[i]!;
      m[i] = (l + r) * 0.5;
      s[i] = (l - r) * 0.5;
    }
    this.mid.process64(0, m, frames);
    this.side.process64(0, s, frames);
    for (let i = 0; i < frames; i++) {
      const mi = m[i]!;
      const si = s[i]!;
      left[i] = mi + si;
      right[i] = mi - si;
    }
  }

  /** Clears the filter state. Allocates nothing. */
  reset(): void {
    this.lr.reset();
    this.mid.reset();
    this.side.reset();
  }

  /** Records `count` values from `first`; true if any differs from the designed ones. */
  private changed(values: Float64Array, base: number, first: number, count: number): boolean {
    const designed = this.designed;
    let changed = false;
    for (let i = first; i < first + count; i++) {
      const value = values[base + i]!;
      if (value !== designed[i]) {
        designed[i] = value;
        changed = true;
      }
    }
    return changed;
  }

  private updatePass(first: number, values: Float64Array, base: number, slot: number): void {
    const lr = this.lr;
    const mask = designPass(first, values, base, this.args, lr.coefficients, slot * BIQUAD_COEFFICIENTS);
    if ((mask & 1) !== 0) lr.enable(slot);
    else lr.bypass(slot);
    if ((mask & 2) !== 0) lr.enable(slot + 1);
    else lr.bypass(slot + 1);
  }

  private updateBand(band: number, values: Float64Array, base: number): void {
    const target = bandTarget(values, base, band);
    const previous = this.targets[band]!;
    if (target !== previous) {
      // The state belongs to another signal now: stop the old section outright.
      this.cascadeFor(previous).clear(this.slotFor(previous, band));
      this.targets[band] = target;
    }
    const cascade = this.cascadeFor(target);
    const slot = this.slotFor(target, band);
    if (designBand(band, values, base, this.args, cascade.coefficients, slot * BIQUAD_COEFFICIENTS)) {
      cascade.enable(slot);
    } else {
      cascade.bypass(slot);
    }
  }

  private cascadeFor(target: number): BiquadCascade | StereoBiquadCascade {
    return target === TARGET_STEREO ? this.lr : target === TARGET_MID ? this.mid : this.side;
  }

  private slotFor(target: number, band: number): number {
    return target === TARGET_STEREO ? LR_FIRST_BAND_SLOT + band : band;
  }
}

/** The mastering EQ as a placeable processor kind. */
export const MASTERING_EQ_KIND: ProcessorKind = {
  params: MASTERING_EQ_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new MasteringEq(sampleRate, maxBlockFrames, channels),
};
