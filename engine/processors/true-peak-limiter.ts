import { DETECTOR_DELAY_FRAMES, TruePeakDetector } from '../dsp/true-peak-detector.ts';
import { RunningMaximum } from '../dsp/running-maximum.ts';
import type { BlockProcessor, ParamTemplate } from './block-processor.ts';

/**
 * Parameters, in template order; read from `values[base + TruePeakLimiterParam.<key>]`.
 * - on: bypass with a 10 ms crossfade of the gain (the delay stays, so latency never changes).
 * - ceiling: dBTP. Smoothed by the graph; lowering it rescales the gain already in flight, so the
 *   brick wall holds while it moves.
 * - release: one-pole time constant of the gain recovery.
 * - lookahead: how long before a peak the gain starts to fall (attack ramp plus hold). Stepped in
 *   0.5 ms; a change resets the limiter (the delay line restarts from silence: up to ~10 ms
 *   dropout) and changes `latencyFrames`, which the graph must re-read.
 */
export const TRUE_PEAK_LIMITER_PARAMS: readonly ParamTemplate[] = [
  {
    key: 'on',
    label: 'Limiter',
    unit: 'bool',
    min: 0,
    max: 1,
    default: 1,
    taper: 'stepped',
    steps: 2,
    smoothingMs: 0,
  },
  {
    key: 'ceiling',
    label: 'Ceiling',
    unit: 'dB',
    min: -12,
    max: 0,
    default: -1,
    taper: 'linear',
    smoothingMs: 20,
  },
  {
    key: 'release',
    label: 'Release',
    unit: 'ms',
    min: 1,
    max: 1000,
    default: 50,
    taper: 'log',
    smoothingMs: 0,
  },
  {
    key: 'lookahead',
    label: 'Look-ahead',
    unit: 'ms',
    min: 0.5,
    max: 10,
    default: 1.5,
    taper: 'stepped',
    steps: 20,
    smoothingMs: 0,
  },
];

/** Index of each parameter in TRUE_PEAK_LIMITER_PARAMS. */
export const TruePeakLimiterParam = { on: 0, ceiling: 1, release: 2, lookahead: 3 } as const;

/** Indices into `TruePeakLimiter.meter`. */
export const LimiterMeter = {
  /** Gain reduction at the end of the last block, dB, >= 0 (0 = none). */
  gainReductionDb: 0,
  /** Largest gain reduction during the last block, dB, >= 0. */
  maxGainReductionDb: 1,
} as const;

/**
 * Margin between the ceiling and the level the gain computer aims at, dB: room for what the side
 * chain cannot see exactly. Measured on torture material (tests/engine/dsp/true-peak-limiter.test.ts
 * and every look-ahead/release corner): output true peak vs the target T, by an independent 8x
 * long-sinc meter, at most +0.002 dB (detector residue, the gain envelope's own modulation,
 * float32 rounding); by ffmpeg's ebur128 and this project's BS.1770 meter, at most +0.01 dB;
 * 16-bit shaped dither adds < 0.001 dB. 0.1 dB leaves ~0.09 dB for meters and material we have
 * not measured, at a cost of 0.1 dB of loudness.
 */
export const LIMITER_SAFETY_MARGIN_DB = 0.1;

const BYPASS_FADE_MS = 10;

// Slots of the limiter's Float64Array state (doubles in fields or arguments could be boxed).
const R = 0;
const SUM1 = 1;
const SUM2 = 2;
const POS1 = 3;
const POS2 = 4;
const MIX = 5;
const TARGET = 6;
const RELEASE_COEFFICIENT = 7;
const CEILING_DB = 8;
const RELEASE_MS = 9;

/**
 * Stereo-linked look-ahead true-peak limiter: a brick wall at the ceiling in dBTP.
 *
 * Signal path: the input goes through a delay of `latencyFrames`; a side chain computes the gain
 * that multiplies the delayed signal (the same on both channels).
 *
 * 1. Detection: TruePeakDetector (engine/dsp/true-peak-detector.ts) gives P[m], the linked peak
 *    of the band-limited signal over sample interval m (8x grid, crests refined, plus a bound on
 *    what meters may disagree about near Nyquist), Dd = DETECTOR_DELAY_FRAMES (66) frames after
 *    the interval ends.
 * 2. Required gain G[m] = min(1, T / P[m]), T = ceiling - LIMITER_SAFETY_MARGIN_DB, held: a
 *    running maximum of P over H = B + 2E + 1 intervals (RunningMaximum: monotonic deque, O(1)
 *    amortized) is the running minimum of G.
 * 3. Release: a one-pole r follows the held gain down at once and up with the release time, so
 *    r <= held gain at every sample.
 * 4. Attack: two moving averages in series (spans B1 + B2 - 1 = B), an S-shaped ramp. Each
 *    output gain is a convex combination of r over the last B samples, all of which saw G[m];
 *    with the delay D = Dd + B + E, every sample within E of interval m gets a gain <= G[m].
 *    This is exact, not asymptotic (one-pole attacks only approach their target): the brick
 *    wall holds on the detector's grid by construction, and the margin covers the rest.
 *
 * Look-ahead = B + E frames (how early the gain starts to fall), E = half of it;
 * latencyFrames = look-ahead + Dd (138 frames = 2.9 ms at 48 kHz by default).
 *
 * Non-finite input samples are replaced by 0 (in the side chain and in the output).
 * update/process/reset run on the audio thread: they never allocate, log, await or throw.
 */
export class TruePeakLimiter implements BlockProcessor {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly maxBlockFrames: number;
  /** Delay in frames: look-ahead + detector delay. Changes only when `lookahead` does. */
  latencyFrames = 0;
  /** Gain reduction for meters, dB (see LimiterMeter), written once per block. */
  readonly meter = new Float64Array(2);

  private readonly detector: TruePeakDetector;

  /** Audio delay, per channel, ring of `delayMask + 1` frames. */
  private readonly delay: Float32Array;
  private readonly delayMask: number;
  private delayPos = 0;

  private readonly peaks: Float64Array;
  private readonly heldPeaks: Float64Array;
  private readonly runningMax: RunningMaximum;

  /** Both moving-average rings, stage 1 at [0, maxBox), stage 2 at [maxBox, 2 maxBox). */
  private readonly rings: Float64Array;
  private readonly maxBox: number;
  /** Envelope state and current settings, see the slot constants (R, SUM1, ...). */
  private readonly state = new Float64Array(10);

  private box1 = 1;
  private box2 = 1;
  private lookaheadFrames = -1;
  private on = 1;
  /** False until the first process() after construction or reset(): `on` then applies at once. */
  private started = false;
  private readonly bypassStep: number;

  constructor(sampleRate: number, maxBlockFrames: number, channelCount: 1 | 2 = 2) {
    if (!(sampleRate > 0)) throw new RangeError(`invalid sample rate ${sampleRate}`);
    if (!Number.isInteger(maxBlockFrames) || maxBlockFrames < 1) {
      throw new RangeError(`invalid block size ${maxBlockFrames}`);
    }
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.maxBlockFrames = maxBlockFrames;
    this.detector = new TruePeakDetector(channelCount);

    const maxLookahead = Math.round((TRUE_PEAK_LIMITER_PARAMS[3]!.max / 1000) * sampleRate);
    const maxLatency = maxLookahead + DETECTOR_DELAY_FRAMES;
    // The whole block is written before any of it is read: room for latency + one block.
    let delaySize = 1;
    while (delaySize < maxLatency + maxBlockFrames + 1) delaySize *= 2;
    this.delay = new Float32Array(channelCount * delaySize);
    this.delayMask = delaySize - 1;

    this.peaks = new Float64Array(maxBlockFrames);
    this.heldPeaks = new Float64Array(maxBlockFrames);
    this.runningMax = new RunningMaximum(2 * maxLookahead + 1);
    this.maxBox = maxLookahead;
    this.rings = new Float64Array(2 * maxLookahead);
    this.bypassStep = Math.min(1, 1 / ((BYPASS_FADE_MS / 1000) * sampleRate));

    this.state[CEILING_DB] = Number.NaN;
    this.state[RELEASE_MS] = Number.NaN;
    const defaults = new Float64Array(TRUE_PEAK_LIMITER_PARAMS.map((p) => p.default));
    this.update(defaults, 0);
    this.prime(defaults);
  }

  /** Audio thread: takes the parameter values (see TRUE_PEAK_LIMITER_PARAMS). Allocates nothing. */
  update(values: Float64Array, base: number): void {
    const lookahead = lookaheadToFrames(values, base + TruePeakLimiterParam.lookahead, this.sampleRate);
    if (lookahead !== this.lookaheadFrames) this.configureLookahead(lookahead);
    const state = this.state;
    const release = values[base + TruePeakLimiterParam.release]!;
    if (release !== state[RELEASE_MS]) {
      // Inline rather than a method: a rarely called method runs interpreted, boxing its doubles.
      state[RELEASE_MS] = release;
      const clamped = release < 1 ? 1 : release > 1000 ? 1000 : release;
      state[RELEASE_COEFFICIENT] = Math.exp(-1000 / (clamped * this.sampleRate));
    }
    if (values[base + TruePeakLimiterParam.ceiling] !== state[CEILING_DB]) {
      this.setCeiling(values, base + TruePeakLimiterParam.ceiling);
    }
    this.on = values[base + TruePeakLimiterParam.on]! >= 0.5 ? 1 : 0;
    if (!this.started) this.state[MIX] = this.on;
  }

  /** Audio thread: limits `frames` frames in place (delayed by latencyFrames). Allocates nothing. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const maxFrames = this.maxBlockFrames;
    this.started = true;
    for (let at = 0; at < frames; at += maxFrames) {
      this.processChunk(left, right, at, Math.min(maxFrames, frames - at));
    }
  }

  /** Clears delay lines, detector and envelope (silence before the next frame). Allocates nothing. */
  reset(): void {
    this.detector.reset();
    this.delay.fill(0);
    this.delayPos = 0;
    this.runningMax.reset();
    this.rings.fill(1);
    const state = this.state;
    state[R] = 1;
    state[SUM1] = this.box1;
    state[SUM2] = this.box2;
    state[POS1] = 0;
    state[POS2] = 0;
    state[MIX] = this.on;
    this.started = false;
    this.meter.fill(0);
  }

  private processChunk(left: Float32Array, right: Float32Array, offset: number, frames: number): void {
    this.detect(left, right, offset, frames);
    this.runningMax.process(this.peaks, this.heldPeaks, frames);

    const held = this.heldPeaks;
    const rings = this.rings;
    const state = this.state;
    const box1 = this.box1;
    const box2 = this.box2;
    const stage2 = this.maxBox;
    const release = state[RELEASE_COEFFICIENT]!;
    const target = state[TARGET]!;
    const bypassTarget = this.on;
    const bypassStep = this.bypassStep;
    let r = state[R]!;
    let sum1 = state[SUM1]!;
    let sum2 = state[SUM2]!;
    let pos1 = state[POS1]! | 0;
    let pos2 = state[POS2]! | 0;
    let mix = state[MIX]!;
    let minGain = 1;
    let gain = 1;

    const delay = this.delay;
    const mask = this.delayMask;
    const size = mask + 1;
    const latency = this.latencyFrames;
    const stereo = this.channelCount === 2;
    let write = this.delayPos;

    for (let i = 0; i < frames; i++) {
      const peak = held[i]!;
      // Branch-free (a division always executed): see prime().
      const h = target / (peak > target ? peak : target);
      r = h < r ? h : h - (h - r) * release;

      sum1 += r - rings[pos1]!;
      rings[pos1] = r;
      if (++pos1 === box1) {
        // Exact re-sum once per ring turn: the running sum cannot drift (amortized O(1)).
        pos1 = 0;
        sum1 = 0;
        for (let k = 0; k < box1; k++) sum1 += rings[k]!;
      }
      // Divisions, not reciprocals: an idle limiter's gain is then exactly 1.
      const m1 = sum1 / box1;
      sum2 += m1 - rings[stage2 + pos2]!;
      rings[stage2 + pos2] = m1;
      if (++pos2 === box2) {
        pos2 = 0;
        sum2 = 0;
        for (let k = 0; k < box2; k++) sum2 += rings[stage2 + k]!;
      }
      const limiting = sum2 / box2;

      if (mix !== bypassTarget) {
        mix = mix < bypassTarget ? Math.min(bypassTarget, mix + bypassStep) : Math.max(0, mix - bypassStep);
      }
      gain = 1 + (limiting - 1) * mix;
      if (gain < minGain) minGain = gain;

      // The detector already sanitised the input: non-finite became 0.
      const read = (write - latency) & mask;
      left[offset + i] = delay[read]! * gain;
      if (stereo) right[offset + i] = delay[size + read]! * gain;
      write = (write + 1) & mask;
    }
    this.delayPos = write;
    state[R] = r;
    state[SUM1] = sum1;
    state[SUM2] = sum2;
    state[POS1] = pos1;
    state[POS2] = pos2;
    state[MIX] = mix;
    // gain is in (0, 1]; 0 - x keeps -0 out of the meter.
    this.meter[LimiterMeter.gainReductionDb] = 0 - 20 * Math.log10(gain);
    this.meter[LimiterMeter.maxGainReductionDb] = 0 - 20 * Math.log10(minGain);
  }

  /** Side chain into `peaks`; the sanitised input into the audio delay line. */
  private detect(left: Float32Array, right: Float32Array, offset: number, frames: number): void {
    this.detector.process(left, right, offset, frames, this.peaks);
    const delay = this.delay;
    const mask = this.delayMask;
    const size = mask + 1;
    for (let c = 0; c < this.channelCount; c++) {
      const input = c === 0 ? left : right;
      let write = this.delayPos;
      for (let i = 0; i < frames; i++) {
        const x = input[offset + i]!;
        // x - x is NaN for NaN and +-Infinity, 0 otherwise.
        delay[c * size + write] = x - x === 0 ? x : 0;
        write = (write + 1) & mask;
      }
    }
  }

  /**
   * Constructor only: runs every path of the block code once (limiting, release, the bypass fade,
   * a ceiling change, non-finite input), then resets. V8 compiles the loops with the type feedback
   * it has seen; a path first taken after that deoptimises the whole loop, which then runs
   * unoptimised (boxing doubles: ~9 kB of garbage per block, several times slower) until it is
   * optimised again. Feedback lives with the class's methods, so every instance benefits.
   */
  private prime(defaults: Float64Array): void {
    const frames = Math.min(64, this.maxBlockFrames);
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    const values = defaults.slice();
    for (let k = 0; k < 48; k++) {
      for (let i = 0; i < frames; i++) {
        const v = (k % 12 < 6 ? 3 : 0.01) * Math.sin(0.7 * (k * frames + i));
        left[i] = v;
        right[i] = -v;
      }
      if (k === 7) left[3] = Number.NaN;
      values[TruePeakLimiterParam.on] = k % 24 < 18 ? 1 : 0;
      values[TruePeakLimiterParam.ceiling] = k === 10 ? -3 : defaults[TruePeakLimiterParam.ceiling]!;
      values[TruePeakLimiterParam.release] = k % 2 === 0 ? 5 : defaults[TruePeakLimiterParam.release]!;
      this.update(values, 0);
      this.process(left, right, frames);
    }
    this.update(defaults, 0);
    this.reset();
  }

  private configureLookahead(frames: number): void {
    this.lookaheadFrames = frames;
    // Half of the look-ahead holds the gain flat on each side of a peak, the rest is the attack
    // ramp. A gain that is flat across the interpolation kernel around a peak cannot raise that
    // peak by modulating it. At 0.5 ms look-ahead, 1 ms release, worst overshoot of the target
    // (8x meter): 0.0018 dB with 1/8 of the look-ahead, 0.0004 dB with half (before the detector
    // had its near-Nyquist term: 0.117 dB with 3-sample plateaus, 0.059 dB with half).
    // Integer arithmetic: this cold path must not box doubles.
    const plateau = Math.max(1, (frames + 1) >> 1);
    const box = Math.max(2, frames - plateau);
    // Two moving averages whose combined span is `box` samples.
    this.box1 = (box + 1) >> 1;
    this.box2 = box + 1 - this.box1;
    this.latencyFrames = DETECTOR_DELAY_FRAMES + box + plateau;
    this.runningMax.setWindow(box + 2 * plateau + 1);
    this.reset();
  }

  /**
   * Lowering the target rescales the gain in flight by the same factor, so the samples already
   * in the delay line meet the new ceiling too; raising it lets the release act.
   */
  private setCeiling(values: Float64Array, index: number): void {
    const db = values[index]!;
    const state = this.state;
    state[CEILING_DB] = db;
    const clamped = Math.min(0, Math.max(-12, db));
    const target = Math.pow(10, (clamped - LIMITER_SAFETY_MARGIN_DB) / 20);
    const previous = state[TARGET]!;
    state[TARGET] = target;
    if (previous > 0 && target < previous) {
      const q = target / previous;
      const rings = this.rings;
      for (let k = 0; k < this.box1; k++) rings[k]! *= q;
      for (let k = 0; k < this.box2; k++) rings[this.maxBox + k]! *= q;
      state[R]! *= q;
      state[SUM1]! *= q;
      state[SUM2]! *= q;
    }
  }
}

/** Look-ahead values[index] in ms -> frames, on the parameter's 0.5 ms steps. */
function lookaheadToFrames(values: Float64Array, index: number, sampleRate: number): number {
  const stepped = Math.min(10, Math.max(0.5, Math.round(values[index]! * 2) / 2));
  return Math.round((stepped / 1000) * sampleRate);
}
