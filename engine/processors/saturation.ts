/**
 * Saturation: a cubic soft clipper run at 8x the sample rate (4x at 88.2/96 kHz, 2x above) with
 * second-order antiderivative anti-aliasing, dry/wet mix and output gain.
 *
 * Curve (engine/dsp/adaa-soft-clipper.ts): P(v) = 3/2 v - 1/2 v^3 for |v| < 1, +-1 beyond, with
 * v = (g x + b) / (3/2): g = drive, b = 0.5 * asymmetry, so at b = 0 the small-signal gain is
 * exactly `drive` and the output reaches +-1 from |g x| = 3/2 on. wet = (P(v) - P(b')) /
 * (1 - b'^2), b' = b / (3/2): subtracting P(b') keeps silence at 0, dividing by the curve's slope
 * at b' (relative to its slope at 0) keeps the small-signal gain at `drive`. b = 0 gives odd
 * harmonics only; b > 0 bends one half-wave more than the other (even harmonics too). Asymmetric
 * clipping also makes DC: only the curve's even part carries it, so only that part goes through
 * a 2 Hz DC blocker (at the oversampled rate); the odd part is never filtered, and at b = 0 the
 * wet signal is exactly the (band-limited) curve, in phase with dry. There is no automatic level
 * compensation: drive raises quiet material by `drive` dB, `output` (-24 .. +6 dB) trims the
 * result. out = output * (dry * (1 - mix) + wet * mix).
 *
 * Aliasing. At drive 18 dB a 0 dBFS sine is nearly square and its harmonics fall only ~2 dB
 * each: a plain curve needs 16x or more. The curve is instead evaluated with ADAA2, which acts
 * like a continuous-time triangle filter before sampling: what folds from near multiples of the
 * high rate drops by a further 12 dB per octave of distance. What ADAA leaves comes from seeing
 * the input as a polyline between samples, and that needs the 8x rate: at 4x, 0 dBFS 14 and
 * 17 kHz at drive 18 dB leave aliases at -70 dBc; at 8x everything from 7 to 17 kHz is below
 * -88 dBc (the plain curve at 8x: -46 dBc at 15 kHz). Inside the knees the curve is a cubic, so
 * unclipped material cannot alias at all. ADAA2's 3-tap mean droops the wet signal (-0.3 dB at
 * 20 kHz at 8x); a 7-tap symmetric FIR at the base rate undoes it (small-signal response within
 * 0.03 dB to 20 kHz at 48 kHz, a few 1e-6 below 3 kHz). The whole costs about a quarter of the
 * previous tanh at 16x (measured 3.6-3.8x less in one run).
 *
 * Latency: the oversampler's round trip including ADAA's one high-rate sample, plus the droop
 * FIR's 3 frames: a whole number of frames (37 at 44.1/48 kHz); the dry path is delayed by the
 * same amount, so mix never combs and 'on'/'off' does not change the latency (off = the delayed
 * input, crossfaded over 10 ms).
 */
import { HalfBandOversampler } from '../dsp/halfband-oversampler.ts';
import { SOFT_CLIP_SLOPE, adaaDroopCompensation, softClipAdaa } from '../dsp/adaa-soft-clipper.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';
import type { ProcessorKind } from './processor-kind.ts';

const SMOOTHING_MS = 20;
/** Linear crossfade when the saturation is switched on or off. */
const BYPASS_RAMP_MS = 10;
/** Corner of the DC blocker after the curve. */
const DC_BLOCKER_HZ = 2;
/** Below this the even part's DC tracker is dropped (its tail is inaudible, -180 dB). */
const DC_SETTLED = 1e-9;
/** Curve bias at 100 % asymmetry, in units of the drive-scaled input (slope 1 at 0). */
const MAX_BIAS = 0.5;
const DB_TO_LN = Math.LN10 / 20;
/** Side taps of the droop compensation FIR (7 taps). */
const DROOP_SIDE_TAPS = 3;

/** The saturation's parameters, in the order of `values[base + i]`. */
export const SATURATION_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'on',
    label: 'Saturation on',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 1,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'drive',
    label: 'Saturation drive',
    unit: 'dB',
    min: 0,
    max: 24,
    default: 6,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'mix',
    label: 'Saturation mix',
    unit: '%',
    min: 0,
    max: 100,
    default: 100,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'output',
    label: 'Saturation output',
    unit: 'dB',
    min: -24,
    max: 6,
    default: 0,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
  {
    key: 'asymmetry',
    label: 'Saturation asymmetry (even harmonics)',
    unit: '%',
    min: 0,
    max: 100,
    default: 0,
    taper: 'linear',
    smoothingMs: SMOOTHING_MS,
  },
];

/** Index of each parameter in SATURATION_PARAMS. */
export const SaturationParam = { on: 0, drive: 1, mix: 2, output: 3, asymmetry: 4 } as const;

const INDEX_BY_KEY = new Map(SATURATION_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` in SATURATION_PARAMS (setup code; throws on an unknown key). */
export function saturationParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown saturation parameter: ${key}`);
  return index;
}

/** Default values in parameter order (a Float64Array ready for `update(values, 0)`). */
export function saturationDefaults(): Float64Array {
  return Float64Array.from(SATURATION_PARAMS, (param) => param.default);
}

/** Oversampling stages for a sample rate: 8x up to 48 kHz, 4x up to 96 kHz, 2x above (all >= 352 kHz). */
export function saturationStages(sampleRate: number): number {
  if (sampleRate <= 50_000) return 3;
  if (sampleRate <= 100_000) return 2;
  return 1;
}

/** Construction options; the defaults are what the console uses (tests vary them). */
export interface SaturationOptions {
  /** Half-band stages (2^stages x oversampling); default saturationStages(sampleRate). */
  readonly stages?: number;
  /** Antiderivative anti-aliasing (and its droop compensation); default true. */
  readonly antiderivative?: boolean;
}

// ADAA history per channel: v[n-1], v[n-2] of the curve's input x + b, then of b - x (the
// mirrored input the asymmetric path also needs)
const PLUS = 0;
const MINUS = 2;
const HISTORY = 4;

/**
 * In place over buf[start .. start + count): the plain curve, no anti-aliasing (the tests' control
 * case). Allocates nothing.
 */
function clipPlain(buf: Float64Array, start: number, count: number): void {
  const end = start + count;
  for (let i = start; i < end; i++) {
    const v = buf[i]!;
    buf[i] = v >= 1 ? 1 : v <= -1 ? -1 : v * (1.5 - 0.5 * v * v);
  }
}

// settings slots: targets of this block and the values the last block ended with
const DRIVE = 0;
const MIX = 1;
const OUTPUT = 2;
const NORM = 3;
const BIAS_NOW = 4;
const OFFSET_NOW = 5;
const PREV = 6;
const SETTINGS = 12;

export class Saturation implements BlockProcessor {
  readonly latencyFrames: number;
  readonly channels: 1 | 2;
  private readonly oversamplers: HalfBandOversampler[];
  private readonly antiderivative: boolean;
  /** Dry path delay line per channel: `latencyFrames` of history, then the block. */
  private readonly dry: Float64Array[];
  /**
   * Wet signal per channel at the base rate: 2 * DROOP_SIDE_TAPS of history, then the block
   * (the droop FIR reads around each sample).
   */
  private readonly wet: Float64Array[];
  /** Droop FIR taps: centre, then one side (identity without ADAA). */
  private readonly droop: Float64Array;
  /** The mirrored input b - x at the high rate (asymmetric path). */
  private readonly mirror: Float64Array;
  /** Scratch for the ADAA kernel (samples whose span crosses a knee). */
  private readonly pending: Float64Array;
  /** ADAA histories (see PLUS, MINUS), per channel at c * HISTORY. */
  private readonly history: Float64Array;
  private readonly settings = new Float64Array(SETTINGS);
  /** The last raw drive, mix, output and asymmetry values (unchanged: nothing to recompute). */
  private readonly raw = new Float64Array(4);
  /** DC tracker of the even part, per channel (see saturateAsymmetric), and its coefficient. */
  private readonly evenDc: Float64Array;
  private readonly dcCoefficient: number;
  /** Scratch for the curve's value at the bias: the curve run on a constant input. */
  private readonly probe = new Float64Array(1);
  private readonly probeHistory = new Float64Array(2);
  private readonly rampStep: number;
  /** Bypass crossfade: [at the start of this block, at its end]; 1 = processed. */
  private readonly ramp = new Float64Array([1, 1]);
  private enabled = 1;
  private first = true;

  constructor(sampleRate: number, maxBlockFrames: number, channels: 1 | 2, options: SaturationOptions = {}) {
    const stages = options.stages ?? saturationStages(sampleRate);
    this.antiderivative = options.antiderivative ?? true;
    this.channels = channels;
    // ADAA2 answers one high-rate sample late; the oversampler folds that into whole frames.
    const highRateDelay = this.antiderivative ? 1 : 0;
    this.oversamplers = Array.from(
      { length: channels },
      () => new HalfBandOversampler(stages, maxBlockFrames, highRateDelay),
    );
    const factor = this.oversamplers[0]!.factor;
    this.droop = this.antiderivative
      ? adaaDroopCompensation(factor, sampleRate, DROOP_SIDE_TAPS)
      : Float64Array.of(1, 0, 0, 0);
    this.latencyFrames = this.oversamplers[0]!.latencyFrames + DROOP_SIDE_TAPS;
    this.dry = Array.from({ length: channels }, () => new Float64Array(this.latencyFrames + maxBlockFrames));
    this.wet = Array.from({ length: channels }, () => new Float64Array(2 * DROOP_SIDE_TAPS + maxBlockFrames));
    this.mirror = new Float64Array(maxBlockFrames * factor);
    this.pending = new Float64Array(4 * maxBlockFrames * factor);
    this.history = new Float64Array(channels * HISTORY);
    this.evenDc = new Float64Array(channels);
    this.dcCoefficient = 1 - Math.exp((-2 * Math.PI * DC_BLOCKER_HZ) / (sampleRate * factor));
    this.rampStep = 1000 / (BYPASS_RAMP_MS * sampleRate);
    this.update(saturationDefaults(), 0);
  }

  /** Audio thread: reads the parameters (see SATURATION_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const s = this.settings;
    // This block ramps from the previous block's values to these.
    for (let k = 0; k < PREV; k++) s[PREV + k] = s[k]!;
    this.enabled = values[base + SaturationParam.on]! >= 0.5 ? 1 : 0;
    const raw = this.raw;
    if (
      !this.first &&
      raw[0] === values[base + SaturationParam.drive] &&
      raw[1] === values[base + SaturationParam.mix] &&
      raw[2] === values[base + SaturationParam.output] &&
      raw[3] === values[base + SaturationParam.asymmetry]
    ) {
      return;
    }
    raw[0] = values[base + SaturationParam.drive]!;
    raw[1] = values[base + SaturationParam.mix]!;
    raw[2] = values[base + SaturationParam.output]!;
    raw[3] = values[base + SaturationParam.asymmetry]!;
    // The curve's input is scaled so its slope at 0 is 1: drive is the small-signal gain.
    s[DRIVE] = Math.exp(DB_TO_LN * values[base + SaturationParam.drive]!) / SOFT_CLIP_SLOPE;
    s[MIX] = Math.min(1, Math.max(0, values[base + SaturationParam.mix]! / 100));
    s[OUTPUT] = Math.exp(DB_TO_LN * values[base + SaturationParam.output]!);
    const bias =
      (MAX_BIAS / SOFT_CLIP_SLOPE) *
      Math.min(1, Math.max(0, values[base + SaturationParam.asymmetry]! / 100));
    s[BIAS_NOW] = bias;
    // The wet signal's zero: the curve evaluated exactly as the block loop does on a constant
    // input, so silence cancels to exactly 0.
    const probe = this.probe;
    probe[0] = bias;
    if (this.antiderivative) {
      this.probeHistory[0] = bias;
      this.probeHistory[1] = bias;
      softClipAdaa(probe, 0, 1, this.probeHistory, 0, this.pending);
    } else {
      clipPlain(probe, 0, 1);
    }
    s[OFFSET_NOW] = probe[0]!;
    // 1 / the curve's slope at the bias, relative to its slope at 0.
    s[NORM] = 1 / (1 - bias * bias);
    if (this.first) {
      this.first = false;
      for (let k = 0; k < PREV; k++) s[PREV + k] = s[k]!;
    }
  }

  /** Audio thread: processes `frames` frames in place. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const latency = this.latencyFrames;
    const ramp = this.ramp;
    const active = this.enabled === 1 || ramp[0]! > 0;
    if (this.enabled === 1 && ramp[0] === 0) {
      // Switched on from idle: the filters start from silence, not from stale history.
      for (let c = 0; c < this.channels; c++) {
        this.oversamplers[c]!.reset();
        this.wet[c]!.fill(0);
      }
      this.history.fill(0);
      this.evenDc.fill(0);
    }
    for (let c = 0; c < this.channels; c++) {
      const io = c === 0 ? left : right;
      const dry = this.dry[c]!;
      if (active) {
        this.saturateChannel(c, io, frames);
        this.mixChannel(c, io, frames);
      } else {
        for (let i = 0; i < frames; i++) {
          dry[latency + i] = io[i]!;
          io[i] = dry[i]!;
        }
      }
      for (let i = 0; i < latency; i++) dry[i] = dry[frames + i]!;
    }
    if (active) ramp[0] = ramp[1]!;
  }

  /** Clears the oversampler, delay lines, ADAA history and DC blocker. Allocates nothing. */
  reset(): void {
    for (let c = 0; c < this.channels; c++) {
      this.oversamplers[c]!.reset();
      this.dry[c]!.fill(0);
      this.wet[c]!.fill(0);
    }
    this.history.fill(0);
    this.evenDc.fill(0);
    this.ramp[0] = this.enabled;
    this.ramp[1] = this.enabled;
  }

  /**
   * Input into the dry delay line; drive (ramped), oversample, curve, decimate into this channel's
   * `wet` (after its history).
   */
  private saturateChannel(c: number, io: Float32Array, frames: number): void {
    const s = this.settings;
    const os = this.oversamplers[c]!;
    const input = os.input;
    const inputOffset = os.inputOffset;
    const dry = this.dry[c]!;
    const latency = this.latencyFrames;
    const driveFrom = s[PREV + DRIVE]!;
    const driveStep = (s[DRIVE]! - driveFrom) / frames;
    for (let i = 0; i < frames; i++) {
      const x = io[i]!;
      dry[latency + i] = x;
      input[inputOffset + i] = x * (driveFrom + driveStep * (i + 1));
    }
    os.up(frames);
    const count = frames * os.factor;
    const high = os.high;
    const highOffset = os.highOffset;
    const history = this.history;
    const at = c * HISTORY;
    const dc = this.evenDc;
    if (s[PREV + BIAS_NOW] === 0 && s[BIAS_NOW] === 0 && dc[c] === 0) {
      if (this.antiderivative) softClipAdaa(high, highOffset, count, history, at + PLUS, this.pending);
      else clipPlain(high, highOffset, count);
      // With no bias the mirrored input is -x: keep its history ready for the asymmetric path.
      history[at + MINUS] = -history[at + PLUS]!;
      history[at + MINUS + 1] = -history[at + PLUS + 1]!;
    } else {
      this.saturateAsymmetric(c, high, highOffset, count);
    }
    os.down(this.wet[c]!, frames, 2 * DROOP_SIDE_TAPS);
  }

  /**
   * In place over high[start .. start + count): x -> odd + highpass(even) of P(x + b) - P(b),
   * with b and P(b) ramped linearly. The odd and even parts come from the curve at x + b and at
   * b - x; only the even part carries DC, so only it goes through the DC blocker (a one-pole
   * tracker of its mean): the odd part, and so the whole curve at b = 0, stays exactly the
   * curve. Audio thread: allocates nothing.
   */
  private saturateAsymmetric(c: number, high: Float64Array, start: number, count: number): void {
    const s = this.settings;
    const mirror = this.mirror;
    const dc = this.evenDc;
    const biasFrom = s[PREV + BIAS_NOW]!;
    const biasStep = (s[BIAS_NOW]! - biasFrom) / count;
    let bias = biasFrom;
    for (let i = 0; i < count; i++) {
      const x = high[start + i]!;
      high[start + i] = x + bias;
      mirror[i] = bias - x;
      bias += biasStep;
    }
    const at = c * HISTORY;
    if (this.antiderivative) {
      softClipAdaa(high, start, count, this.history, at + PLUS, this.pending);
      softClipAdaa(mirror, 0, count, this.history, at + MINUS, this.pending);
    } else {
      clipPlain(high, start, count);
      clipPlain(mirror, 0, count);
    }
    const offsetFrom = s[PREV + OFFSET_NOW]!;
    const offsetStep = (s[OFFSET_NOW]! - offsetFrom) / count;
    // ADAA answers one sample late: its output i belongs to the bias of input i - 1.
    let offset = this.antiderivative ? offsetFrom - offsetStep : offsetFrom;
    let tracker = dc[c]!;
    const k = this.dcCoefficient;
    for (let i = 0; i < count; i++) {
      const tp = high[start + i]!;
      const tm = mirror[i]!;
      const even = 0.5 * (tp + tm) - offset;
      tracker += k * (even - tracker);
      high[start + i] = 0.5 * (tp - tm) + even - tracker;
      offset += offsetStep;
    }
    // Back to the cheap path once the tracker's tail is inaudible (-180 dB).
    dc[c] = Math.abs(tracker) < DC_SETTLED ? 0 : tracker;
  }

  /**
   * io = dry + (output (dry (1 - mix) + droopFir(wet) norm mix) - dry) ramp; the ramp reached
   * goes to ramp[1]. Shifts the wet history.
   */
  private mixChannel(c: number, io: Float32Array, frames: number): void {
    const s = this.settings;
    const dry = this.dry[c]!;
    const wet = this.wet[c]!;
    const taps = this.droop;
    const t0 = taps[0]!;
    const t1 = taps[1]!;
    const t2 = taps[2]!;
    const t3 = taps[3]!;
    let mix = s[PREV + MIX]!;
    const mixStep = (s[MIX]! - mix) / frames;
    let output = s[PREV + OUTPUT]!;
    const outputStep = (s[OUTPUT]! - output) / frames;
    let norm = s[PREV + NORM]!;
    const normStep = (s[NORM]! - norm) / frames;
    let ramp = this.ramp[0]!;
    const rampTarget = this.enabled;
    const rampStep = this.rampStep;
    if (ramp === 1 && rampTarget === 1 && mixStep === 0 && outputStep === 0 && normStep === 0) {
      // Settled (the usual case): out = output (dry + (wet norm - dry) mix).
      for (let i = 0; i < frames; i++) {
        const w =
          t0 * wet[i + 3]! +
          t1 * (wet[i + 2]! + wet[i + 4]!) +
          t2 * (wet[i + 1]! + wet[i + 5]!) +
          t3 * (wet[i]! + wet[i + 6]!);
        const d = dry[i]!;
        io[i] = output * (d + (w * norm - d) * mix);
      }
      wet.copyWithin(0, frames, frames + 2 * DROOP_SIDE_TAPS);
      this.ramp[1] = 1;
      return;
    }
    for (let i = 0; i < frames; i++) {
      mix += mixStep;
      output += outputStep;
      norm += normStep;
      if (ramp !== rampTarget) {
        ramp = rampTarget > ramp ? Math.min(1, ramp + rampStep) : Math.max(0, ramp - rampStep);
      }
      // Centre at i + 3 in the buffer (3 frames of the FIR's delay).
      const w =
        t0 * wet[i + 3]! +
        t1 * (wet[i + 2]! + wet[i + 4]!) +
        t2 * (wet[i + 1]! + wet[i + 5]!) +
        t3 * (wet[i]! + wet[i + 6]!);
      const d = dry[i]!;
      const processed = output * (d + (w * norm - d) * mix);
      io[i] = d + (processed - d) * ramp;
    }
    wet.copyWithin(0, frames, frames + 2 * DROOP_SIDE_TAPS);
    this.ramp[1] = ramp;
  }
}

/** The saturation as a placeable processor kind. */
export const SATURATION_KIND: ProcessorKind = {
  params: SATURATION_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Saturation(sampleRate, maxBlockFrames, channels),
};
