/**
 * Algorithmic reverb for a stereo aux bus: pre-delay, input diffusion (four Schroeder allpasses
 * per channel), a 16-line feedback delay network (engine/dsp/feedback-delay-network.ts, which
 * documents decay, damping and size exactly), and a wet/dry mix.
 *
 * - predelay: the wet signal starts `predelay` ms after the input (rounded to a sample); the
 *   diffused input reaches the output from that moment (early sound), the network's tail from
 *   predelay + its shortest line (5..35 ms by size).
 * - decay: RT60 at 1 kHz, exact by design for every line.
 * - damping: the frequency where the RT60 is half the low-frequency RT60; above it high
 *   frequencies die faster (first-order law, see the network).
 * - size: scales every line length (0.15..1 x 35..95 ms): small rooms to large halls.
 * - mix: out = dry + mix (wet - dry), ramped across each block.
 *
 * Changes never click: pre-delay and line lengths glide (delay-glide.ts: a bounded pitch bend,
 * never a jump); decay and damping follow in 20 ms with the loop coefficients ramped per sample;
 * mix ramps across each block.
 * The first update after construction or reset() jumps instead (offline renders start exact).
 *
 * Subnormals: a constant 1e-18 (-360 dBFS) is added to the diffused input, so after the input
 * stops every recursive state settles at ~1e-18 instead of decaying into the subnormal range;
 * the output is then a DC of that order instead of exact zero. Filter states are also flushed
 * below DENORMAL_FLUSH once per chunk.
 */
import { AllpassDiffuser } from '../dsp/allpass-diffuser.ts';
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
  FDN_DAMPING_HZ,
  FDN_DECAY_S,
  FDN_SIZE_PERCENT,
  FeedbackDelayNetwork,
} from '../dsp/feedback-delay-network.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

/** The reverb's parameters, in the order of `values[base + i]`. */
export const REVERB_PARAMS: readonly ParamTemplate[] = [
  // Pre-delay and size glide inside the processor, so the graph need not smooth them.
  {
    key: 'predelay',
    label: 'Pre-delay',
    unit: 'ms',
    min: 0,
    max: 250,
    default: 20,
    taper: 'linear',
    smoothingMs: 0,
  },
  { key: 'decay', label: 'Decay', unit: 's', min: 0.2, max: 10, default: 1.8, taper: 'log', smoothingMs: 50 },
  {
    key: 'damping',
    label: 'Damping',
    unit: 'Hz',
    min: 1000,
    max: 20000,
    default: 8000,
    taper: 'log',
    smoothingMs: 50,
  },
  { key: 'size', label: 'Size', unit: '%', min: 0, max: 100, default: 60, taper: 'linear', smoothingMs: 0 },
  { key: 'mix', label: 'Mix', unit: '%', min: 0, max: 100, default: 100, taper: 'linear', smoothingMs: 20 },
];

export const REVERB_PREDELAY = 0;
export const REVERB_DECAY = 1;
export const REVERB_DAMPING = 2;
export const REVERB_SIZE = 3;
export const REVERB_MIX = 4;

const INDEX_BY_KEY = new Map(REVERB_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in REVERB_PARAMS (set-up code; throws on an unknown key). */
export function reverbParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown reverb parameter: ${key}`);
  return index;
}

const MAX_PREDELAY_MS = 250;
/** Pre-delay glide: 50 ms time constant, read speed within 0.75..1.25. */
const PREDELAY_GLIDE_TIME_S = 0.05;
const PREDELAY_MAX_RATE = 0.25;
/** Input diffusion: stage delays (ms) per channel, different so left and right decorrelate. */
const DIFFUSER_MS_LEFT = [1.53, 2.31, 3.17, 4.43];
const DIFFUSER_MS_RIGHT = [1.41, 2.19, 3.37, 4.61];
const DIFFUSION = 0.6;
/** Level of the diffused input in the wet output (the early sound before the tail builds up). */
const EARLY_LEVEL = 0.35;
/** DC floor that keeps recursive state out of the subnormal range (-360 dBFS). */
const STATE_FLOOR = 1e-18;
/** Wet output below this is written as 0 (the state floor stays inside the network). */
const OUTPUT_FLOOR = 1e-15;

export class Reverb implements BlockProcessor {
  readonly latencyFrames = 0;
  private readonly sampleRate: number;
  private readonly predelayLeft: DelayLine;
  private readonly predelayRight: DelayLine;
  private readonly predelayGlide = new Float64Array(GLIDE_STRIDE);
  private readonly diffuserLeft: AllpassDiffuser;
  private readonly diffuserRight: AllpassDiffuser;
  private readonly network: FeedbackDelayNetwork;
  private readonly diffusedLeft: Float64Array;
  private readonly diffusedRight: Float64Array;
  private readonly tailLeft: Float64Array;
  private readonly tailRight: Float64Array;
  /** Wet/dry mix now and its target (a Float64Array: double fields could box on every store). */
  private readonly mixes = new Float64Array(2);
  private snapNext = true;

  /** Set-up time: allocates every buffer for blocks of up to `maxBlockFrames`. */
  constructor(sampleRate: number, maxBlockFrames: number) {
    this.sampleRate = sampleRate;
    const predelayLength = Math.ceil((MAX_PREDELAY_MS * sampleRate) / 1000) + 4;
    this.predelayLeft = new DelayLine(predelayLength);
    this.predelayRight = new DelayLine(predelayLength);
    this.predelayGlide[GLIDE_MAX_RATE] = PREDELAY_MAX_RATE;
    this.predelayGlide[GLIDE_INVERSE_TAU] = 1 / (PREDELAY_GLIDE_TIME_S * sampleRate);
    const toSamples = (ms: number): number => (ms * sampleRate) / 1000;
    this.diffuserLeft = new AllpassDiffuser(DIFFUSER_MS_LEFT.map(toSamples), DIFFUSION);
    this.diffuserRight = new AllpassDiffuser(DIFFUSER_MS_RIGHT.map(toSamples), DIFFUSION);
    this.network = new FeedbackDelayNetwork(sampleRate);
    this.diffusedLeft = new Float64Array(maxBlockFrames);
    this.diffusedRight = new Float64Array(maxBlockFrames);
    this.tailLeft = new Float64Array(maxBlockFrames);
    this.tailRight = new Float64Array(maxBlockFrames);
    this.update(
      Float64Array.from(REVERB_PARAMS, (param) => param.default),
      0,
    );
    // The caller's first update jumps too (the defaults above only make process() safe before it).
    this.snapNext = true;
    this.network.snapOnNextSettings();
  }

  /** Audio thread: takes this block's values (plain units). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const predelayMs = Math.min(MAX_PREDELAY_MS, Math.max(0, values[base + REVERB_PREDELAY]!));
    this.predelayGlide[GLIDE_TARGET] = Math.round((predelayMs * this.sampleRate) / 1000);
    const settings = this.network.settings;
    settings[FDN_DECAY_S] = values[base + REVERB_DECAY]!;
    settings[FDN_DAMPING_HZ] = values[base + REVERB_DAMPING]!;
    settings[FDN_SIZE_PERCENT] = values[base + REVERB_SIZE]!;
    this.network.applySettings();
    this.mixes[1] = Math.min(1, Math.max(0, values[base + REVERB_MIX]! / 100));
    if (this.snapNext) {
      snapGlide(this.predelayGlide, 0);
      this.mixes[0] = this.mixes[1]!;
      this.snapNext = false;
    }
  }

  /**
   * Audio thread: processes `frames` (<= maxBlockFrames) stereo frames in place. With
   * left === right (a mono caller) it writes the mono fold of the wet output. Allocates nothing.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    this.runPredelay(left, right, frames);
    const diffusedLeft = this.diffusedLeft;
    const diffusedRight = this.diffusedRight;
    this.diffuserLeft.process(diffusedLeft, 0, frames);
    this.diffuserRight.process(diffusedRight, 0, frames);
    const tailLeft = this.tailLeft;
    const tailRight = this.tailRight;
    this.network.process(diffusedLeft, diffusedRight, tailLeft, tailRight, 0, frames);

    const mixStart = this.mixes[0]!;
    const mixStep = (this.mixes[1]! - mixStart) / frames;
    this.mixes[0] = this.mixes[1]!;
    // The state floor (1e-18) must not reach the output: a silent return is digital silence
    // (meters read -inf, QC sees silence). Wet samples below OUTPUT_FLOOR (-300 dBFS) are 0.
    if (left === right) {
      for (let k = 0; k < frames; k++) {
        const m = mixStart + mixStep * (k + 1);
        const wet =
          0.5 * (tailLeft[k]! + tailRight[k]! + EARLY_LEVEL * (diffusedLeft[k]! + diffusedRight[k]!));
        const audibleWet = wet * (Math.abs(wet) < OUTPUT_FLOOR ? 0 : 1);
        const dry = left[k]!;
        left[k] = dry + m * (audibleWet - dry);
      }
      return;
    }
    for (let k = 0; k < frames; k++) {
      const m = mixStart + mixStep * (k + 1);
      const dryLeft = left[k]!;
      const dryRight = right[k]!;
      const wetLeft = tailLeft[k]! + EARLY_LEVEL * diffusedLeft[k]!;
      const wetRight = tailRight[k]! + EARLY_LEVEL * diffusedRight[k]!;
      left[k] = dryLeft + m * (wetLeft * (Math.abs(wetLeft) < OUTPUT_FLOOR ? 0 : 1) - dryLeft);
      right[k] = dryRight + m * (wetRight * (Math.abs(wetRight) < OUTPUT_FLOOR ? 0 : 1) - dryRight);
    }
  }

  /** Writes the input into the pre-delay lines and reads the (gliding) pre-delay into the diffuser buffers. */
  private runPredelay(left: Float32Array, right: Float32Array, frames: number): void {
    const glide = this.predelayGlide;
    if (glide[GLIDE_CURRENT] === glide[GLIDE_TARGET]) {
      glide[GLIDE_START] = glide[GLIDE_CURRENT]!;
      glide[GLIDE_STEP] = 0;
    } else {
      advanceGlide(glide, 0, frames);
    }
    const start = glide[GLIDE_START]!;
    const step = glide[GLIDE_STEP]!;
    const bufferLeft = this.predelayLeft.buffer;
    const bufferRight = this.predelayRight.buffer;
    const mask = this.predelayLeft.mask;
    const w = this.predelayLeft.writeIndex;
    const outLeft = this.diffusedLeft;
    const outRight = this.diffusedRight;
    if (step === 0) {
      const read = (w - start) | 0;
      for (let k = 0; k < frames; k++) {
        const at = (w + k) & mask;
        bufferLeft[at] = left[k]!;
        bufferRight[at] = right[k]!;
        const from = (read + k) & mask;
        outLeft[k] = bufferLeft[from]! + STATE_FLOOR;
        outRight[k] = bufferRight[from]! + STATE_FLOOR;
      }
    } else {
      // Linear interpolation only while the pre-delay glides (integer again once it lands).
      for (let k = 0; k < frames; k++) {
        const at = (w + k) & mask;
        bufferLeft[at] = left[k]!;
        bufferRight[at] = right[k]!;
        const position = w + k - (start + step * (k + 1));
        const whole = Math.floor(position);
        const frac = position - whole;
        const older = whole & mask;
        const newer = (whole + 1) & mask;
        const l0 = bufferLeft[older]!;
        const r0 = bufferRight[older]!;
        outLeft[k] = l0 + frac * (bufferLeft[newer]! - l0) + STATE_FLOOR;
        outRight[k] = r0 + frac * (bufferRight[newer]! - r0) + STATE_FLOOR;
      }
    }
    const next = (w + frames) & mask;
    this.predelayLeft.writeIndex = next;
    this.predelayRight.writeIndex = next;
  }

  /** Clears every line, filter and diffuser; the next update jumps to its values. Allocates nothing. */
  reset(): void {
    this.predelayLeft.clear();
    this.predelayRight.clear();
    this.diffuserLeft.reset();
    this.diffuserRight.reset();
    this.network.reset();
    this.snapNext = true;
  }
}

/** The reverb as a console processor kind (always stereo: a mono caller gets the wet fold). */
export const REVERB_KIND: ProcessorKind = {
  params: REVERB_PARAMS,
  create: (sampleRate, maxBlockFrames) => new Reverb(sampleRate, maxBlockFrames),
};
