/**
 * Stereo delay for an aux bus: free or tempo-synced time, feedback through a low-cut and a
 * high-cut (first-order, bilinear: engine/dsp/one-pole.ts), optional ping-pong, wet/dry mix.
 *
 * - time: the delay in ms, rounded to whole samples (so a static delay is exact, no
 *   interpolation). With sync on, time = beats * 60 / tempo s (1/4 = one beat; 1/2 = two,
 *   1/8 = 1/2, 1/8 dotted = 3/4, 1/8 triplet = 1/3, 1/16 = 1/4 beat), up to 3 s (1/2 at 40 BPM).
 * - feedback: repeat k (k = 0 for the first echo) has gain feedback^k and has been through the
 *   low-cut and high-cut k times; the first echo is unfiltered.
 * - pingpong: the input's mono sum (L + R) / 2 enters the left line only, and each line feeds
 *   the other: echoes alternate left, right, left... Off: each channel feeds back into itself.
 *   Switching crossfades the routing over 20 ms.
 * - mix: out = dry + mix (wet - dry), ramped across each block.
 *
 * Time changes glide (engine/dsp/delay-glide.ts): the read position moves with a 100 ms time
 * constant at most 0.5 samples per sample, read with 4-point Hermite interpolation. The output
 * is pitch-bent while it moves (speed 0.5..1.5, like a tape delay) but never jumps: for a sine
 * of amplitude A and angular frequency w (rad/sample) the output changes by at most
 * A w (1 + 0.5) per sample (plus the Hermite error), where a jump could step by 2 A.
 * The first update after construction or reset() jumps instead.
 *
 * Subnormals: values written into the lines below DENORMAL_FLUSH (1e-25) are written as 0, so a
 * decaying feedback loop ends in exact zeros; filter states are flushed below DENORMAL_FLUSH once
 * per block.
 */
import { DENORMAL_FLUSH, type BlockProcessor, type ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';
import {
  GLIDE_CURRENT,
  GLIDE_INVERSE_TAU,
  GLIDE_MAX_RATE,
  GLIDE_START,
  GLIDE_STEP,
  GLIDE_STRIDE,
  GLIDE_TARGET,
  advanceGlide,
  snapGlide,
} from '../dsp/delay-glide.ts';
import { DelayLine } from '../dsp/delay-line.ts';
import {
  ONE_POLE_A1,
  ONE_POLE_B0,
  ONE_POLE_B1,
  ONE_POLE_COEFFICIENTS,
  ONE_POLE_FREQUENCY,
  ONE_POLE_SAMPLE_RATE,
  designOnePole,
} from '../dsp/one-pole.ts';

/** Note values of the sync parameter, and their length in beats (quarter notes). */
export const DELAY_SYNC_CHOICES = ['off', '1/4', '1/8', '1/8 dotted', '1/8 triplet', '1/16', '1/2'] as const;
export const DELAY_SYNC_BEATS: readonly number[] = [0, 1, 1 / 2, 3 / 4, 1 / 3, 1 / 4, 2];

/** The delay's parameters, in the order of `values[base + i]`. */
export const DELAY_PARAMS: readonly ParamTemplate[] = [
  // Time, sync and tempo glide inside the processor, so the graph need not smooth them.
  { key: 'time', label: 'Time', unit: 'ms', min: 1, max: 2000, default: 375, taper: 'log', smoothingMs: 0 },
  {
    key: 'sync',
    label: 'Sync',
    unit: 'enum',
    min: 0,
    max: DELAY_SYNC_CHOICES.length - 1,
    default: 0,
    taper: 'stepped',
    steps: DELAY_SYNC_CHOICES.length,
    choices: DELAY_SYNC_CHOICES,
    smoothingMs: 0,
  },
  {
    key: 'tempo',
    label: 'Tempo',
    unit: 'bpm',
    min: 40,
    max: 300,
    default: 120,
    taper: 'linear',
    smoothingMs: 0,
  },
  {
    key: 'feedback',
    label: 'Feedback',
    unit: '%',
    min: 0,
    max: 95,
    default: 35,
    taper: 'linear',
    smoothingMs: 20,
  },
  {
    key: 'lowcut',
    label: 'Low cut',
    unit: 'Hz',
    min: 20,
    max: 2000,
    default: 20,
    taper: 'log',
    smoothingMs: 20,
  },
  {
    key: 'highcut',
    label: 'High cut',
    unit: 'Hz',
    min: 1000,
    max: 20000,
    default: 20000,
    taper: 'log',
    smoothingMs: 20,
  },
  {
    key: 'pingpong',
    label: 'Ping-pong',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 0,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  { key: 'mix', label: 'Mix', unit: '%', min: 0, max: 100, default: 100, taper: 'linear', smoothingMs: 20 },
];

export const DELAY_TIME = 0;
export const DELAY_SYNC = 1;
export const DELAY_TEMPO = 2;
export const DELAY_FEEDBACK = 3;
export const DELAY_LOWCUT = 4;
export const DELAY_HIGHCUT = 5;
export const DELAY_PINGPONG = 6;
export const DELAY_MIX = 7;

const INDEX_BY_KEY = new Map(DELAY_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in DELAY_PARAMS (set-up code; throws on an unknown key). */
export function delayParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown delay parameter: ${key}`);
  return index;
}

/** Longest delay: the longest synced value, two beats at 40 BPM. */
const MAX_DELAY_MS = 3000;
const MIN_DELAY_SAMPLES = 2;
/** Time glide: 100 ms time constant, read speed within 0.5..1.5. */
export const DELAY_GLIDE_MAX_RATE = 0.5;
const GLIDE_TIME_S = 0.1;
const ROUTING_RAMP_MS = 20;

// Coefficient layout: high-pass (low cut) then low-pass (high cut).
const HP = 0;
const LP = ONE_POLE_COEFFICIENTS;
// Level slots (a Float64Array: double fields could box on every store).
const LEVEL_FEEDBACK = 0;
const LEVEL_FEEDBACK_TARGET = 1;
const LEVEL_MIX = 2;
const LEVEL_MIX_TARGET = 3;
const LEVEL_ROUTING = 4;
const LEVEL_ROUTING_TARGET = 5;
const LEVEL_SLOTS = 6;

// Filter state per line: high-pass x1, y1, low-pass x1, y1.
const STATE_PER_LINE = 4;

export class Delay implements BlockProcessor {
  readonly latencyFrames = 0;
  private readonly sampleRate: number;
  private readonly left: DelayLine;
  private readonly right: DelayLine;
  private readonly glide = new Float64Array(GLIDE_STRIDE);
  private readonly coefficients = new Float64Array(2 * ONE_POLE_COEFFICIENTS);
  private readonly filterState = new Float64Array(2 * STATE_PER_LINE);
  private readonly designArgs = new Float64Array(2);
  /** Last applied lowcut, highcut (Hz), to redesign only on change. */
  private readonly cutoffs = new Float64Array(2).fill(Number.NaN);
  /** Feedback, mix and ping-pong routing (0 off .. 1 on) now and their targets: see LEVEL_*. */
  private readonly levels = new Float64Array(LEVEL_SLOTS);
  private readonly routingStep: number;
  private snapNext = true;

  /** Set-up time: allocates both lines for the longest delay (no block buffers: it runs in place, any block size). */
  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    const length = Math.ceil((MAX_DELAY_MS * sampleRate) / 1000) + 4;
    this.left = new DelayLine(length);
    this.right = new DelayLine(length);
    this.glide[GLIDE_MAX_RATE] = DELAY_GLIDE_MAX_RATE;
    this.glide[GLIDE_INVERSE_TAU] = 1 / (GLIDE_TIME_S * sampleRate);
    this.designArgs[ONE_POLE_SAMPLE_RATE] = sampleRate;
    this.routingStep = 1000 / (ROUTING_RAMP_MS * sampleRate);
    this.update(
      Float64Array.from(DELAY_PARAMS, (param) => param.default),
      0,
    );
    // The caller's first update jumps too (the defaults above only make process() safe before it).
    this.snapNext = true;
  }

  /** Audio thread: takes this block's values (plain units). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const sync = Math.round(values[base + DELAY_SYNC]!);
    const beats = sync > 0 && sync < DELAY_SYNC_BEATS.length ? DELAY_SYNC_BEATS[sync]! : 0;
    const tempo = Math.min(300, Math.max(40, values[base + DELAY_TEMPO]!));
    const timeMs =
      beats > 0 ? (beats * 60000) / tempo : Math.min(2000, Math.max(1, values[base + DELAY_TIME]!));
    const samples = Math.round((Math.min(MAX_DELAY_MS, timeMs) * this.sampleRate) / 1000);
    this.glide[GLIDE_TARGET] = Math.max(MIN_DELAY_SAMPLES, samples);

    const levels = this.levels;
    levels[LEVEL_FEEDBACK_TARGET] = Math.min(0.95, Math.max(0, values[base + DELAY_FEEDBACK]! / 100));
    levels[LEVEL_MIX_TARGET] = Math.min(1, Math.max(0, values[base + DELAY_MIX]! / 100));
    levels[LEVEL_ROUTING_TARGET] = values[base + DELAY_PINGPONG]! >= 0.5 ? 1 : 0;

    const lowcut = values[base + DELAY_LOWCUT]!;
    if (lowcut !== this.cutoffs[0]) {
      this.cutoffs[0] = lowcut;
      this.designArgs[ONE_POLE_FREQUENCY] = lowcut;
      designOnePole(true, this.designArgs, 0, this.coefficients, HP);
    }
    const highcut = values[base + DELAY_HIGHCUT]!;
    if (highcut !== this.cutoffs[1]) {
      this.cutoffs[1] = highcut;
      this.designArgs[ONE_POLE_FREQUENCY] = highcut;
      designOnePole(false, this.designArgs, 0, this.coefficients, LP);
    }
    if (this.snapNext) {
      snapGlide(this.glide, 0);
      levels[LEVEL_FEEDBACK] = levels[LEVEL_FEEDBACK_TARGET]!;
      levels[LEVEL_MIX] = levels[LEVEL_MIX_TARGET]!;
      levels[LEVEL_ROUTING] = levels[LEVEL_ROUTING_TARGET]!;
      this.snapNext = false;
    }
  }

  /**
   * Audio thread: processes `frames` stereo frames in place (with left === right, a mono caller,
   * the left line's output). Allocates nothing.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const glide = this.glide;
    if (glide[GLIDE_CURRENT] === glide[GLIDE_TARGET]) {
      glide[GLIDE_START] = glide[GLIDE_CURRENT]!;
      glide[GLIDE_STEP] = 0;
    } else {
      advanceGlide(glide, 0, frames);
    }
    const start = glide[GLIDE_START]!;
    const step = glide[GLIDE_STEP]!;
    const bufferA = this.left.buffer;
    const bufferB = this.right.buffer;
    const mask = this.left.mask;
    const w = this.left.writeIndex;

    const c = this.coefficients;
    const hb0 = c[HP + ONE_POLE_B0]!;
    const hb1 = c[HP + ONE_POLE_B1]!;
    const ha1 = c[HP + ONE_POLE_A1]!;
    const lb0 = c[LP + ONE_POLE_B0]!;
    const lb1 = c[LP + ONE_POLE_B1]!;
    const la1 = c[LP + ONE_POLE_A1]!;
    const s = this.filterState;
    let hxA = s[0]!;
    let hyA = s[1]!;
    let lxA = s[2]!;
    let lyA = s[3]!;
    let hxB = s[4]!;
    let hyB = s[5]!;
    let lxB = s[6]!;
    let lyB = s[7]!;

    const levels = this.levels;
    const feedbackStart = levels[LEVEL_FEEDBACK]!;
    const feedbackStep = (levels[LEVEL_FEEDBACK_TARGET]! - feedbackStart) / frames;
    const mixStart = levels[LEVEL_MIX]!;
    const mixStep = (levels[LEVEL_MIX_TARGET]! - mixStart) / frames;
    let routing = levels[LEVEL_ROUTING]!;
    const routingTarget = levels[LEVEL_ROUTING_TARGET]!;
    const routingDelta = Math.sign(routingTarget - routing) * this.routingStep;
    const mono = left === right;

    for (let k = 0; k < frames; k++) {
      // Read both lines at the (gliding) delay, before this sample is written.
      // Initialised: a \`let\` that may be undefined is kept tagged by V8, boxing every double.
      let yA = 0;
      let yB = 0;
      if (step === 0) {
        const at = (w + k - start) & mask;
        yA = bufferA[at]!;
        yB = bufferB[at]!;
      } else {
        // 4-point Hermite (Catmull-Rom), t toward the older sample (see delay-line.ts).
        const delay = start + step * (k + 1);
        const whole = Math.floor(delay);
        const t = delay - whole;
        const i0 = (w + k - whole) & mask;
        const im1 = (i0 + 1) & mask;
        const i1 = (i0 - 1) & mask;
        const i2 = (i0 - 2) & mask;
        let xm1 = bufferA[im1]!;
        let x0 = bufferA[i0]!;
        let x1 = bufferA[i1]!;
        let x2 = bufferA[i2]!;
        let c1 = 0.5 * (x1 - xm1);
        let c2 = xm1 - 2.5 * x0 + 2 * x1 - 0.5 * x2;
        let c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
        yA = ((c3 * t + c2) * t + c1) * t + x0;
        xm1 = bufferB[im1]!;
        x0 = bufferB[i0]!;
        x1 = bufferB[i1]!;
        x2 = bufferB[i2]!;
        c1 = 0.5 * (x1 - xm1);
        c2 = xm1 - 2.5 * x0 + 2 * x1 - 0.5 * x2;
        c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
        yB = ((c3 * t + c2) * t + c1) * t + x0;
      }

      // The routing target is 0 or 1: ramp toward it and clamp there.
      routing = Math.min(1, Math.max(0, routing + routingDelta));
      const straight = 1 - routing;
      // Feedback sources: own line (straight) or the other line (ping-pong).
      const sourceA = straight * yA + routing * yB;
      const sourceB = straight * yB + routing * yA;
      const highA = hb0 * sourceA + hb1 * hxA - ha1 * hyA;
      hxA = sourceA;
      hyA = highA;
      const lowA = lb0 * highA + lb1 * lxA - la1 * lyA;
      lxA = highA;
      lyA = lowA;
      const highB = hb0 * sourceB + hb1 * hxB - ha1 * hyB;
      hxB = sourceB;
      hyB = highB;
      const lowB = lb0 * highB + lb1 * lxB - la1 * lyB;
      lxB = highB;
      lyB = lowB;

      const dryLeft = left[k]!;
      const dryRight = mono ? dryLeft : right[k]!;
      const fb = feedbackStart + feedbackStep * (k + 1);
      const inA = straight * dryLeft + routing * 0.5 * (dryLeft + dryRight) + fb * lowA;
      const inB = straight * dryRight + fb * lowB;
      const at = (w + k) & mask;
      // Dead band at DENORMAL_FLUSH: a decaying loop reaches exact 0 (no subnormal, no limit cycle).
      // (A 0/1 factor, not `? 0 : x`: a phi of a small integer and a double is boxed by V8.)
      bufferA[at] = (Math.abs(inA) < DENORMAL_FLUSH ? 0 : 1) * inA;
      bufferB[at] = (Math.abs(inB) < DENORMAL_FLUSH ? 0 : 1) * inB;

      const m = mixStart + mixStep * (k + 1);
      left[k] = dryLeft + m * (yA - dryLeft);
      if (!mono) right[k] = dryRight + m * (yB - dryRight);
    }

    s[0] = (Math.abs(hxA) < DENORMAL_FLUSH ? 0 : 1) * hxA;
    s[1] = (Math.abs(hyA) < DENORMAL_FLUSH ? 0 : 1) * hyA;
    s[2] = (Math.abs(lxA) < DENORMAL_FLUSH ? 0 : 1) * lxA;
    s[3] = (Math.abs(lyA) < DENORMAL_FLUSH ? 0 : 1) * lyA;
    s[4] = (Math.abs(hxB) < DENORMAL_FLUSH ? 0 : 1) * hxB;
    s[5] = (Math.abs(hyB) < DENORMAL_FLUSH ? 0 : 1) * hyB;
    s[6] = (Math.abs(lxB) < DENORMAL_FLUSH ? 0 : 1) * lxB;
    s[7] = (Math.abs(lyB) < DENORMAL_FLUSH ? 0 : 1) * lyB;
    levels[LEVEL_ROUTING] = routing;
    levels[LEVEL_FEEDBACK] = levels[LEVEL_FEEDBACK_TARGET]!;
    levels[LEVEL_MIX] = levels[LEVEL_MIX_TARGET]!;
    const next = (w + frames) & mask;
    this.left.writeIndex = next;
    this.right.writeIndex = next;
  }

  /** Clears lines and filters; the next update jumps to its values. Allocates nothing. */
  reset(): void {
    this.left.clear();
    this.right.clear();
    this.filterState.fill(0);
    this.snapNext = true;
  }
}

/** The delay as a console processor kind (always stereo). */
export const DELAY_KIND: ProcessorKind = {
  params: DELAY_PARAMS,
  create: (sampleRate) => new Delay(sampleRate),
};
