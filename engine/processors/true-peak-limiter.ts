import { DETECTOR_CHUNK_FRAMES, DETECTOR_DELAY_FRAMES, TruePeakDetector } from '../dsp/true-peak-detector.ts';
import { kernelModule } from '../wasm/wasm-kernel.ts';
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

// The limiter's block in kernel memory (engine/wasm/limiter-envelope.wat has the layout).
// f64 slots; CEILING_DB and RELEASE_MS are the JavaScript side's own.
const R = 0;
const SUM1 = 1;
const SUM2 = 2;
const MIX = 3;
const TARGET = 4;
const RELEASE_COEFFICIENT = 5;
const BYPASS_TARGET = 6;
const BYPASS_STEP = 7;
const GAIN = 8;
const MIN_GAIN = 9;
const CEILING_DB = 10;
const RELEASE_MS = 11;
const STATE_SLOTS = 16;
// i32 slots, from byte 128.
const INTS_OFFSET = 128;
const POS1 = 0;
const POS2 = 1;
const BOX1 = 2;
const BOX2 = 3;
const HOLD_LEVELS = 4;
const HOLD_OFFSET = 5;
const LEVEL_SPAN = 6;
const LEVEL_STRIDE = 7;
const LEVELS_ADDRESS = 8;
const PEAKS_ADDRESS = 9;
const HELD_ADDRESS = 10;
const RING1_ADDRESS = 11;
const RING2_ADDRESS = 12;
const OUT0_ADDRESS = 15;
const OUT1_ADDRESS = 16;
const GAINS_ADDRESS = 17;
const STABLE = 18;
const INT_SLOTS = 32;
/** Floats of room past every line: the kernels run over whole vectors. */
const VECTOR_ROOM = 16;
/** Bytes of the fixed part of the block (state and ints). */
const HEADER_BYTES = INTS_OFFSET + 4 * INT_SLOTS;

interface EnvelopeExports extends WebAssembly.Exports {
  run: (base: number, frames: number, read: number, stride: number, channels: number) => void;
}

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
 *    running maximum of P over H = B + 2E + 1 intervals (by doubling: log2 H vector passes) is
 *    the running minimum of G.
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
 * Where it runs: steps 2-4 and the output multiply are a WebAssembly kernel
 * (engine/wasm/limiter-envelope.wat) in f64, with the operations and their order of the plain
 * JavaScript version it replaced, so the output is bit-identical to it (a test compares them).
 * It shares the detector's memory: the input is copied once, into the detector's lines, which
 * keep enough history to serve as the delay line, and the peaks never leave kernel memory. When
 * the envelope is at rest (no peak above the target, and r settled: 0.16 s / 1.5 s / 26 s after
 * the last gain reduction at 5 / 50 / 1000 ms release) the kernel skips its per-frame loop, whose
 * every value would stay the same. ~57 ns per stereo frame limiting (7.3 us per 128-frame block,
 * 5.6 of them the detector's filters), ~51 ns at rest; the JavaScript version took ~128 ns.
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
  private readonly runEnvelope: EnvelopeExports['run'];
  /** Frames per kernel call: maxBlockFrames, at most DETECTOR_CHUNK_FRAMES. */
  private readonly chunkFrames: number;
  /** The detector's input lines (its history is the audio delay), one per channel. */
  private readonly lines: Float32Array[];
  private readonly historyFrames: number;
  private readonly lineAddress: number;
  private readonly lineStride: number;
  /** The kernel's output, one `chunkFrames` view per channel. */
  private readonly outputs: Float32Array[];

  /** Envelope state and current settings, in kernel memory (see the slot constants R, SUM1, ...). */
  private readonly state: Float64Array;
  private readonly ints: Int32Array;
  private readonly base: number;
  /** Both moving-average rings, stage 1 at [0, maxBox), stage 2 at [maxBox, 2 maxBox). */
  private readonly rings: Float64Array;
  private readonly maxBox: number;
  private readonly maxWindow: number;
  /** The hold's level lines (cleared by reset). */
  private readonly levels: Float32Array;

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
    const chunk = Math.min(maxBlockFrames, DETECTOR_CHUNK_FRAMES);
    this.chunkFrames = chunk;

    const maxLookahead = Math.round((TRUE_PEAK_LIMITER_PARAMS[3]!.max / 1000) * sampleRate);
    const maxLatency = maxLookahead + DETECTOR_DELAY_FRAMES;
    this.maxBox = maxLookahead;
    this.maxWindow = 2 * maxLookahead + 1;
    // The hold's levels (see limiter-envelope.wat): 2^maxLevels <= maxWindow.
    let maxLevels = 0;
    while (2 << maxLevels <= this.maxWindow) maxLevels++;
    const levelSpan = 1 << maxLevels;

    // The block: header, rings, held peaks, hold levels, outputs (16-byte aligned pieces).
    const align = (bytes: number): number => (bytes + 15) & ~15;
    const ringsOffset = HEADER_BYTES;
    const heldOffset = ringsOffset + align(8 * 2 * maxLookahead);
    const levelsOffset = heldOffset + align(4 * (chunk + VECTOR_ROOM));
    const levelStride = align(4 * (levelSpan + chunk + VECTOR_ROOM));
    const outputsOffset = levelsOffset + (maxLevels + 1) * levelStride;
    const outputStride = align(4 * (chunk + VECTOR_ROOM));
    const gainsOffset = outputsOffset + 2 * outputStride;
    const blockBytes = gainsOffset + 8 * (chunk + VECTOR_ROOM);

    // After a chunk the lines keep latency + chunk samples: the delayed input of the whole chunk.
    this.detector = new TruePeakDetector(channelCount, {
      historyFrames: maxLatency + chunk,
      reservedBytes: blockBytes,
    });
    const detector = this.detector;
    const memory = detector.memory;
    const base = detector.reservedAddress;
    this.base = base;
    const instance = new WebAssembly.Instance(kernelModule('limiter-envelope'), { env: { memory } });
    this.runEnvelope = (instance.exports as EnvelopeExports).run;

    this.historyFrames = detector.historyFrames;
    this.lines = Array.from({ length: channelCount }, (_, c) => detector.inputLine(c));
    this.lineAddress = this.lines[0]!.byteOffset;
    this.lineStride = channelCount > 1 ? this.lines[1]!.byteOffset - this.lineAddress : 0;
    this.state = new Float64Array(memory.buffer, base, STATE_SLOTS);
    this.ints = new Int32Array(memory.buffer, base + INTS_OFFSET, INT_SLOTS);
    this.rings = new Float64Array(memory.buffer, base + ringsOffset, 2 * maxLookahead);
    this.outputs = Array.from(
      { length: channelCount },
      (_, c) => new Float32Array(memory.buffer, base + outputsOffset + c * outputStride, chunk),
    );
    this.levels = new Float32Array(memory.buffer, base + levelsOffset, ((maxLevels + 1) * levelStride) / 4);
    const ints = this.ints;
    ints[LEVEL_SPAN] = levelSpan;
    ints[LEVEL_STRIDE] = levelStride;
    ints[LEVELS_ADDRESS] = base + levelsOffset;
    ints[PEAKS_ADDRESS] = detector.peaksAddress;
    ints[HELD_ADDRESS] = base + heldOffset;
    ints[RING1_ADDRESS] = base + ringsOffset;
    ints[RING2_ADDRESS] = base + ringsOffset + 8 * maxLookahead;
    ints[OUT0_ADDRESS] = base + outputsOffset;
    ints[OUT1_ADDRESS] = base + outputsOffset + outputStride;
    ints[GAINS_ADDRESS] = base + gainsOffset;

    this.bypassStep = Math.min(1, 1 / ((BYPASS_FADE_MS / 1000) * sampleRate));
    this.state[BYPASS_STEP] = this.bypassStep;
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
      // A new coefficient: r's resting value may change, so the envelope is not at rest.
      this.ints[STABLE] = 0;
      const clamped = release < 1 ? 1 : release > 1000 ? 1000 : release;
      state[RELEASE_COEFFICIENT] = Math.exp(-1000 / (clamped * this.sampleRate));
    }
    if (values[base + TruePeakLimiterParam.ceiling] !== state[CEILING_DB]) {
      this.setCeiling(values, base + TruePeakLimiterParam.ceiling);
    }
    this.on = values[base + TruePeakLimiterParam.on]! >= 0.5 ? 1 : 0;
    state[BYPASS_TARGET] = this.on;
    if (!this.started) state[MIX] = this.on;
  }

  /** Audio thread: limits `frames` frames in place (delayed by latencyFrames). Allocates nothing. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const maxFrames = this.maxBlockFrames;
    const chunk = this.chunkFrames;
    const state = this.state;
    this.started = true;
    // The meter covers each maxBlockFrames of a longer call; the kernel runs `chunk` at a time.
    for (let block = 0; block < frames; block += maxFrames) {
      const end = Math.min(frames, block + maxFrames);
      state[MIN_GAIN] = 1;
      for (let at = block; at < end; at += chunk) {
        this.processChunk(left, right, at, Math.min(chunk, end - at));
      }
      // gain is in (0, 1]; 0 - x keeps -0 out of the meter.
      this.meter[LimiterMeter.gainReductionDb] = 0 - 20 * Math.log10(state[GAIN]!);
      this.meter[LimiterMeter.maxGainReductionDb] = 0 - 20 * Math.log10(state[MIN_GAIN]);
    }
  }

  /** Clears delay lines, detector and envelope (silence before the next frame). Allocates nothing. */
  reset(): void {
    this.detector.reset();
    this.rings.fill(1);
    const state = this.state;
    const ints = this.ints;
    state[R] = 1;
    state[SUM1] = this.box1;
    state[SUM2] = this.box2;
    state[MIX] = this.on;
    ints[POS1] = 0;
    ints[POS2] = 0;
    ints[STABLE] = 0;
    this.levels.fill(0);
    this.started = false;
    this.meter.fill(0);
  }

  private processChunk(left: Float32Array, right: Float32Array, offset: number, frames: number): void {
    // The input goes straight into the detector's lines; the kernels sanitise it there.
    const history = this.historyFrames;
    const channels = this.channelCount;
    for (let c = 0; c < channels; c++) {
      const input = c === 0 ? left : right;
      const line = this.lines[c]!;
      if (offset === 0 && input.length === frames) line.set(input, history);
      else for (let i = 0; i < frames; i++) line[history + i] = input[offset + i]!;
    }
    const latency = this.latencyFrames;
    // Keep the delayed input of the whole chunk: the envelope reads it after the detector moved it.
    this.detector.detectWritten(frames, latency + frames);
    const read = this.lineAddress + 4 * (history - frames - latency);
    this.runEnvelope(this.base, frames, read, this.lineStride, channels);
    for (let c = 0; c < channels; c++) {
      const output = c === 0 ? left : right;
      const result = this.outputs[c]!;
      if (frames === result.length) output.set(result, offset);
      else for (let i = 0; i < frames; i++) output[offset + i] = result[i]!;
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
    // Whole chunks take the other copy path (TypedArray.set).
    const wholeLeft = new Float32Array(this.chunkFrames);
    const wholeRight = new Float32Array(this.chunkFrames);
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
      if (k % 8 === 3) {
        wholeLeft.set(left);
        wholeRight.set(right);
        this.process(wholeLeft, wholeRight, this.chunkFrames);
        this.process(wholeLeft, wholeRight, this.chunkFrames - 1);
      }
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
    this.ints[BOX1] = this.box1;
    this.ints[BOX2] = this.box2;
    this.latencyFrames = DETECTOR_DELAY_FRAMES + box + plateau;
    // The hold: 2^levels <= window < 2^(levels + 1), then the offset of the last maximum.
    const window = Math.min(this.maxWindow, box + 2 * plateau + 1);
    let levels = 0;
    while (2 << levels <= window) levels++;
    this.ints[HOLD_LEVELS] = levels;
    this.ints[HOLD_OFFSET] = window - (1 << levels);
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
      this.ints[STABLE] = 0;
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
