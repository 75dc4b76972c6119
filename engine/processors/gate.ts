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
 *
 * Runs in the dynamics kernel (engine/wasm/dynamics.wat): level, hold, law, ballistics and gain
 * multiply in one call per block, with the scalar arithmetic except ln/exp (within 1 ulp of
 * Math.log/Math.exp) and the one-pole inside a run of one target (closed form): gains within
 * 1e-11 dB of the scalar code, and the tests find the float32 output identical to it. A block
 * whose levels all sit at or above the threshold while the gate is open (attenuation exactly 0)
 * costs only the level and the hold: its gains are exactly 1 and the audio is left as it is; a
 * closed gate on levels under the floor, and any steady level at rest, multiply by one constant.
 */
import {
  channelDynamicsMemory,
  copyIn,
  copyOut,
  type DynamicsExports,
  DynamicsSlot,
  initDynamicsSlots,
  KernelHold,
} from '../wasm/dynamics-kernel.ts';
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

// Slots of the gate's Float64Array in kernel memory: the dynamics kernel's shared settings block
// (dynamics-kernel.ts, DynamicsSlot; make-up stays 0), then the gate's law.
const ATTACK_COEF = DynamicsSlot.attack;
const RELEASE_COEF = DynamicsSlot.release;
const RAMP_TARGET = DynamicsSlot.rampTarget;
const ATTENUATION = DynamicsSlot.state;
const RAMP = DynamicsSlot.ramp;
const MAX_ATTENUATION = DynamicsSlot.maxState;
const LAST_LEVEL = DynamicsSlot.lastLevel;
const THRESHOLD = DynamicsSlot.curve;
const THRESHOLD_LINEAR = DynamicsSlot.curve + 1;
const FLOOR_LINEAR = DynamicsSlot.curve + 2;
const RATIO = DynamicsSlot.curve + 3;
const RANGE = DynamicsSlot.curve + 4;
const RATIO_MINUS_ONE = DynamicsSlot.curve + 5;
const SEEN_ATTACK = DynamicsSlot.curve + 6;
const SEEN_RELEASE = DynamicsSlot.curve + 7;

export class Gate implements BlockProcessor {
  readonly latencyFrames = 0;
  readonly channels: 1 | 2;
  /** Largest attenuation (dB, positive) of the last block, for the meters. */
  readonly gainReductionDb: Float64Array;
  private readonly sampleRate: number;
  private readonly maxBlockFrames: number;
  private readonly kernel: DynamicsExports['gate'];
  private readonly descriptor: number;
  private readonly hold: KernelHold;
  /** Settings, state and outputs (see the slot list), in kernel memory. */
  private readonly slots: Float64Array;
  /** The block's channels in kernel memory. */
  private readonly inputLeft: Float32Array;
  private readonly inputRight: Float32Array;
  /** The kernel's answer: 1 when it changed the block. */
  private readonly changed: Int32Array;
  private enabled = 1;
  private idle = false;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    const frames = Math.max(1, maxBlockFrames);
    this.maxBlockFrames = frames;
    const memory = channelDynamicsMemory(frames, sampleRate, MAX_HOLD_MS);
    this.kernel = memory.exports.gate;
    this.descriptor = memory.descriptor;
    this.changed = memory.changed;
    this.hold = new KernelHold(memory.buffer, memory.hold);
    this.slots = memory.slots;
    initDynamicsSlots(this.slots, 1000 / (BYPASS_RAMP_MS * sampleRate));
    // Parameters never seen: the first update computes everything.
    this.slots.fill(Number.NaN, THRESHOLD, SEEN_RELEASE + 1);
    this.gainReductionDb = this.slots.subarray(MAX_ATTENUATION, MAX_ATTENUATION + 1);
    this.inputLeft = memory.left;
    this.inputRight = memory.right;
    this.update(gateDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see GATE_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const s = this.slots;
    const threshold = values[base + GateParam.threshold]!;
    const ratio = Math.max(1, values[base + GateParam.ratio]!);
    const range = Math.max(0, values[base + GateParam.range]!);
    if (threshold !== s[THRESHOLD] || ratio !== s[RATIO] || range !== s[RANGE]) {
      s[THRESHOLD] = threshold;
      s[RATIO] = ratio;
      s[RATIO_MINUS_ONE] = ratio - 1;
      s[RANGE] = range;
      // Ratio 1 or range 0: nothing to do at any level (and no log of a zero level).
      s[THRESHOLD_LINEAR] = ratio > 1 && range > 0 ? Math.exp(DB_TO_LN * threshold) : 0;
      // Level below which the attenuation is the full range (no log needed there).
      s[FLOOR_LINEAR] = ratio > 1 ? Math.exp(DB_TO_LN * (threshold - range / (ratio - 1))) : -1;
      s[LAST_LEVEL] = Number.NaN;
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
    this.hold.setWindow(Math.round((values[base + GateParam.hold]! * this.sampleRate) / 1000) | 0);
    this.enabled = values[base + GateParam.on]! >= 0.5 ? 1 : 0;
    s[RAMP_TARGET] = this.enabled;
    if (this.enabled === 0 && s[RAMP] === 0) {
      s[ATTENUATION] = 0;
      s[MAX_ATTENUATION] = 0;
    }
  }

  /** Audio thread: gates `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const s = this.slots;
    if (this.enabled === 0 && s[RAMP] === 0) {
      this.idle = true;
      return;
    }
    if (this.idle) {
      // Switched back on: start open, forget levels from before the bypass.
      this.idle = false;
      this.hold.reset();
      s[ATTENUATION] = 0;
    }
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    const stereo = this.channels === 2;
    copyIn(left, this.inputLeft, n);
    if (stereo) copyIn(right, this.inputRight, n);
    this.kernel(this.descriptor, n, stereo ? 1 : 0);
    if (this.changed[0] === 0) return;
    copyOut(this.inputLeft, left, n);
    if (stereo) copyOut(this.inputRight, right, n);
  }

  /** Clears detector and ballistics (gate open). Allocates nothing. */
  reset(): void {
    this.hold.reset();
    this.slots[ATTENUATION] = 0;
    this.slots[RAMP] = this.enabled;
    this.slots[MAX_ATTENUATION] = 0;
  }
}

/** The gate/expander as a placeable processor kind. */
export const GATE_KIND: ProcessorKind = {
  params: GATE_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Gate(sampleRate, maxBlockFrames, channels),
};
