/**
 * Gate / downward expander, mono or stereo-linked.
 *
 * Static law (gain-computer.ts, expanderAttenuationDb): at or above the threshold nothing
 * happens; below it the output falls `ratio` dB per dB of input, i.e. the attenuation is
 * (threshold - level)(ratio - 1), never more than `range` dB. Ratio 20 (the default) acts as a
 * gate with a `range` floor, ratio 2 as a gentle expander.
 *
 * Level: peak |x| (the larger channel) held for `hold` ms, i.e. the maximum over the last `hold`
 * ms (peak-hold.ts). So after the signal falls below the threshold the gate stays open exactly
 * `hold` ms before the release starts, and with hold >= half a period (10 ms for 50 Hz) a steady
 * tone reads its peak level without chatter. Hold 0 uses |x| itself.
 *
 * Ballistics as the compressor's: a branching one-pole on the attenuation in dB, attack while it
 * decreases (opening), release while it increases (closing); each time is the time to cover
 * 1 - 1/e (63.2 %) of a step in attenuation. No look-ahead: latency 0.
 */
import { expanderAttenuationDb } from '../dsp/gain-computer.ts';
import { PeakHold } from '../dsp/peak-hold.ts';
import { DENORMAL_FLUSH } from './block-processor.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

const SMOOTHING_MS = 20;
/** Longest hold (the top of the 'hold' range). */
const MAX_HOLD_MS = 500;
/** Linear crossfade when the gate is switched on or off. */
const BYPASS_RAMP_MS = 10;
const DB_TO_LN = Math.LN10 / 20;

/** The gate's parameters, in the order of `values[base + i]`. */
export const GATE_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'on',
    label: 'Gate on',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 1,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'threshold',
    label: 'Gate threshold (peak dBFS)',
    unit: 'dB',
    min: -80,
    max: 0,
    default: -50,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'ratio',
    label: 'Gate ratio (dB out per dB in below threshold)',
    unit: 'ratio',
    min: 1,
    max: 20,
    default: 20,
    taper: 'log',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'range',
    label: 'Gate range (max attenuation)',
    unit: 'dB',
    min: 0,
    max: 80,
    default: 40,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'attack',
    label: 'Gate attack (to 63 % of a step)',
    unit: 'ms',
    min: 0.1,
    max: 50,
    default: 1,
    taper: 'log',
    smoothingMs: 0,
  },
  {
    key: 'hold',
    label: 'Gate hold',
    unit: 'ms',
    min: 0,
    max: MAX_HOLD_MS,
    default: 50,
    taper: 'linear',
    smoothingMs: 0,
  },
  {
    key: 'release',
    label: 'Gate release (to 63 % of a step)',
    unit: 'ms',
    min: 5,
    max: 2000,
    default: 150,
    taper: 'log',
    smoothingMs: 0,
  },
];

/** Index of each parameter in GATE_PARAMS. */
export const GateParam = {
  on: 0,
  threshold: 1,
  ratio: 2,
  range: 3,
  attack: 4,
  hold: 5,
  release: 6,
} as const;

const INDEX_BY_KEY = new Map(GATE_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in GATE_PARAMS (setup code; throws on an unknown key). */
export function gateParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown gate parameter: ${key}`);
  return index;
}

/** Default values in parameter order (a Float64Array ready for `update(values, 0)`). */
export function gateDefaults(): Float64Array {
  return Float64Array.from(GATE_PARAMS, (param) => param.default);
}

// settings slots
const THRESHOLD = 0;
const THRESHOLD_LINEAR = 1;
const FLOOR_LINEAR = 2;
const RATIO = 3;
const RANGE = 4;
const ATTACK_COEF = 5;
const RELEASE_COEF = 6;
const SEEN_ATTACK = 7;
const SEEN_RELEASE = 8;
const SETTINGS = 9;
// state slots
const ATTENUATION = 0;
const RAMP = 1;

export class Gate implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest attenuation (dB, positive) of the last block, for the meters. */
  readonly gainReductionDb = new Float64Array(1);
  private readonly sampleRate: number;
  private readonly detector: PeakHold;
  private readonly levels: Float64Array;
  private readonly settings = new Float64Array(SETTINGS).fill(Number.NaN);
  private readonly state = new Float64Array(2);
  private readonly rampStep: number;
  private enabled = 1;
  private idle = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.detector = new PeakHold(Math.ceil((MAX_HOLD_MS * sampleRate) / 1000) + 1);
    this.levels = new Float64Array(maxBlockFrames);
    this.rampStep = 1000 / (BYPASS_RAMP_MS * sampleRate);
    this.state[RAMP] = 1;
    this.update(gateDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see GATE_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const s = this.settings;
    const threshold = values[base + GateParam.threshold]!;
    const ratio = Math.max(1, values[base + GateParam.ratio]!);
    const range = Math.max(0, values[base + GateParam.range]!);
    if (threshold !== s[THRESHOLD] || ratio !== s[RATIO] || range !== s[RANGE]) {
      s[THRESHOLD] = threshold;
      s[RATIO] = ratio;
      s[RANGE] = range;
      // Ratio 1 or range 0: nothing to do at any level (and no log of a zero level).
      s[THRESHOLD_LINEAR] = ratio > 1 && range > 0 ? Math.exp(DB_TO_LN * threshold) : 0;
      // Level below which the attenuation is the full range (no log needed there).
      s[FLOOR_LINEAR] = ratio > 1 ? Math.exp(DB_TO_LN * (threshold - range / (ratio - 1))) : -1;
    }
    const attack = values[base + GateParam.attack]!;
    if (attack !== s[SEEN_ATTACK]) {
      s[SEEN_ATTACK] = attack;
      s[ATTACK_COEF] = Math.exp(-1000 / (Math.max(0.01, attack) * this.sampleRate));
    }
    const release = values[base + GateParam.release]!;
    if (release !== s[SEEN_RELEASE]) {
      s[SEEN_RELEASE] = release;
      s[RELEASE_COEF] = Math.exp(-1000 / (Math.max(0.01, release) * this.sampleRate));
    }
    this.detector.setWindow(Math.round((values[base + GateParam.hold]! * this.sampleRate) / 1000) | 0);
    this.enabled = values[base + GateParam.on]! >= 0.5 ? 1 : 0;
    if (this.enabled === 0 && this.state[RAMP] === 0) {
      this.state[ATTENUATION] = 0;
      this.gainReductionDb[0] = 0;
    }
  }

  /** Audio thread: gates `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const state = this.state;
    let ramp = state[RAMP]!;
    const rampTarget = this.enabled;
    if (rampTarget === 0 && ramp === 0) {
      this.idle = true;
      return;
    }
    if (this.idle) {
      // Switched back on: start open, forget levels from before the bypass.
      this.idle = false;
      this.detector.reset();
      state[ATTENUATION] = 0;
    }
    const stereo = this.channels === 2;
    const levels = this.levels;
    if (stereo) {
      for (let i = 0; i < frames; i++) levels[i] = Math.max(Math.abs(left[i]!), Math.abs(right[i]!));
    } else {
      for (let i = 0; i < frames; i++) levels[i] = Math.abs(left[i]!);
    }
    this.detector.process(levels, frames);
    const s = this.settings;
    const threshold = s[THRESHOLD]!;
    const thresholdLinear = s[THRESHOLD_LINEAR]!;
    const floorLinear = s[FLOOR_LINEAR]!;
    const ratio = s[RATIO]!;
    const range = s[RANGE]!;
    const attack = s[ATTACK_COEF]!;
    const release = s[RELEASE_COEF]!;
    const rampStep = this.rampStep;
    let attenuation = state[ATTENUATION]!;
    let maxAttenuation = 0;
    let lastLevel = -1;
    let target = 0;
    let lastAttenuation = Number.NaN;
    let g = 1;
    for (let i = 0; i < frames; i++) {
      const level = levels[i]!;
      if (level !== lastLevel) {
        lastLevel = level;
        if (level >= thresholdLinear) target = 0;
        else if (level <= floorLinear) target = range;
        else target = expanderAttenuationDb((20 / Math.LN10) * Math.log(level), threshold, ratio, range);
      }
      attenuation =
        target < attenuation
          ? target + attack * (attenuation - target)
          : target + release * (attenuation - target);
      if (ramp !== rampTarget) {
        ramp = rampTarget > ramp ? Math.min(1, ramp + rampStep) : Math.max(0, ramp - rampStep);
      }
      if (attenuation !== lastAttenuation) {
        lastAttenuation = attenuation;
        g = Math.exp(-DB_TO_LN * attenuation);
      }
      levels[i] = 1 + (g - 1) * ramp;
      const shown = attenuation * ramp;
      if (shown > maxAttenuation) maxAttenuation = shown;
    }
    state[ATTENUATION] = attenuation < DENORMAL_FLUSH ? 0 : attenuation;
    state[RAMP] = ramp;
    this.gainReductionDb[0] = maxAttenuation;
    for (let i = 0; i < frames; i++) left[i] = left[i]! * levels[i]!;
    if (stereo) for (let i = 0; i < frames; i++) right[i] = right[i]! * levels[i]!;
  }

  /** Clears detector and ballistics (gate open). Allocates nothing. */
  reset(): void {
    this.detector.reset();
    this.state[ATTENUATION] = 0;
    this.state[RAMP] = this.enabled;
    this.gainReductionDb[0] = 0;
  }
}

/** The gate/expander as a placeable processor kind. */
export const GATE_KIND: ProcessorKind = {
  params: GATE_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Gate(sampleRate, maxBlockFrames, channels),
};
