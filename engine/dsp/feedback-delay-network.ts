import { DENORMAL_FLUSH } from '../processors/block-processor.ts';
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
} from './delay-glide.ts';
import { ringSizeFor } from './delay-line.ts';
import { primeAtLeast, primeSieve } from './prime-sieve.ts';

/**
 * The reverb's tail: a 16-line feedback delay network (Jot). Each line is a float32 delay of a
 * prime number of samples followed by its loop filter; the 16 filtered outputs are mixed by a
 * 16x16 Hadamard matrix (fast Walsh-Hadamard transform, scaled by 1/4 so it is orthogonal),
 * permuted with sign flips (so the matrix is not its own inverse), and written back with the
 * input. Orthogonal mixing plus loop gains below 1 make the network stable for any setting.
 *
 * Loop filter per line (length L samples): g * (first-order bilinear low-pass, prewarped), with
 * g and the cutoff chosen from (decay T, damping fd) so that, for every line exactly:
 * - at 1 kHz the line loses 60 L / (fs T) dB per pass: the RT60 at 1 kHz is `decay`;
 * - at fd the loss per pass is twice the loss at DC: the RT60 at `damping` is half the
 *   low-frequency (DC) RT60.
 * The loss in between follows the analogue first-order law: the decay rate (dB/s) at f is about
 * rate_DC * (1 + (t / td)^2), t = tan(pi f / fs), td = tan(pi fd / fs) (exact at DC, 1 kHz and fd).
 * So RT60(f) ~= decay * (1 + (t1 / td)^2) / (1 + (t / td)^2), t1 = tan(pi 1000 / fs): high
 * frequencies decay faster above `damping`; a damping of 20 kHz leaves 8 kHz about 3 % shorter.
 *
 * Outputs: rows 1 and 2 of the Hadamard transform of the filtered line outputs (orthogonal sign
 * patterns, hence decorrelated left and right), scaled with the lines' harmonic mean length so
 * the impulse response carries about decay / 1.8 s of energy whatever the size.
 *
 * Nothing jumps, so nothing clicks:
 * - Size scales all lengths (0.15..1 x 35..95 ms). Each line glides to its new prime target
 *   (delay-glide.ts: time constant 100 ms, at most 5 % speed change on the longest line, i.e.
 *   under a semitone of pitch bend while the size moves), read with linear interpolation only
 *   while it glides.
 * - Decay and damping in use follow their targets in the log domain (time constant 20 ms, per
 *   chunk), and the loop-filter coefficients ramp per sample from one chunk's values to the
 *   next, as does the output scale.
 *
 * Processing runs in chunks of at most CHUNK frames. Every line is longer than a chunk, so while
 * a line glides its whole chunk of (interpolated) reads can be staged before the loop that
 * writes the lines; static lines are read inside that loop.
 */
export const FDN_LINES = 16;

/** Settings (plain units), written by the owner, applied by applySettings(). */
export const FDN_DECAY_S = 0;
export const FDN_DAMPING_HZ = 1;
export const FDN_SIZE_PERCENT = 2;

const CHUNK = 128;
/** Line lengths at size 100 %, ms: log-spaced 35..95 ms (a large hall's mean free paths). */
const LINE_MS_AT_FULL_SIZE = Array.from({ length: FDN_LINES }, (_, i) => 35 * Math.pow(95 / 35, i / 15));
const MIN_SIZE_SCALE = 0.15;
/** Largest speed change of the longest line while the size glides (others proportionally). */
const MAX_GLIDE_RATE = 0.05;
const GLIDE_TIME_S = 0.1;
/** Energy of the impulse response per second of decay (so 1.8 s, the default, gives ~0 dB). */
const REFERENCE_DECAY_S = 1.8;
/** ln(10^6): energy decays by e^(-LN_MILLION t / T). */
const LN_MILLION = 6 * Math.LN10;
/** Frequency at which `decay` is the RT60. */
const MID_FREQUENCY = 1000;
/** Highest damping frequency used, as a fraction of the sample rate. */
const MAX_DAMPING_FRACTION = 0.45;

/** Decay and damping in use move toward their targets with this time constant (log domain). */
const DESIGN_SMOOTHING_S = 0.02;
const LAND_RATIO = 1e-3;
const MIN_DECAY_S = 0.05;
const MAX_DECAY_S = 100;
const MIN_DAMPING_HZ = 100;

// Design state slots.
/** Decay (s) and damping (Hz) in use. */
const DESIGN_DECAY = 0;
const DESIGN_DAMPING = 1;
/** r = (t1 / td)^2 and td = tan(pi fd / fs) for the damping in use. */
const DESIGN_R = 2;
const DESIGN_TD = 3;
/** Output scale at the end of the coming chunk, at its start, and its per-sample step. */
const DESIGN_SCALE = 4;
const DESIGN_SCALE_START = 5;
const DESIGN_SCALE_STEP = 6;
/** Clamped targets of decay and damping. */
const DESIGN_DECAY_TARGET = 7;
const DESIGN_DAMPING_TARGET = 8;
const DESIGN_SLOTS = 9;

// Injection: left into the even lines, right into the odd lines, unit-energy sign patterns.
const INJECT = 1 / Math.sqrt(8);

export class FeedbackDelayNetwork {
  /** Plain-unit settings (FDN_DECAY_S, FDN_DAMPING_HZ, FDN_SIZE_PERCENT); see applySettings. */
  readonly settings = new Float64Array(3);
  private appliedSize = Number.NaN;
  private readonly sampleRate: number;
  /** The 16 lines interleaved: sample t of line j at (t << 4) + j (one write per sample is one cache line). */
  private readonly lines: Float32Array;
  private readonly mask: number;
  private writeIndex = 0;
  private readonly glides = new Float64Array(FDN_LINES * GLIDE_STRIDE);
  private readonly fullSizeSamples = new Float64Array(FDN_LINES);
  /** Per line: b0 (gain folded in), a1 of the loop filter, at the end of the coming chunk... */
  private readonly coefficients = new Float64Array(FDN_LINES * 2);
  /** ... and at its start (the previous chunk's end). */
  private readonly coefficientsStart = new Float64Array(FDN_LINES * 2);
  /** Per line: previous input and output of the loop filter. */
  private readonly filterState = new Float64Array(FDN_LINES * 2);
  /** Per line: where this chunk's reads start (ring index of its sample 0). */
  private readonly reads = new Int32Array(FDN_LINES);
  /** The chunk's line outputs while a line glides (interpolated), laid out like one chunk of ring. */
  private readonly staged = new Float32Array(FDN_LINES * CHUNK);
  private readonly sieve: Uint8Array;
  /** Design state: see the DESIGN_* slots. */
  private readonly design = new Float64Array(DESIGN_SLOTS);
  private snapNext = true;

  /** Set-up time: allocates the lines for the largest size at `sampleRate`. */
  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    for (let i = 0; i < FDN_LINES; i++)
      this.fullSizeSamples[i] = (LINE_MS_AT_FULL_SIZE[i]! * sampleRate) / 1000;
    const longest = this.fullSizeSamples[FDN_LINES - 1]!;
    this.sieve = primeSieve(Math.ceil(longest * 1.1) + 2 * FDN_LINES + CHUNK + 64);
    const lineSize = ringSizeFor(this.sieve.length + 2);
    this.mask = lineSize - 1;
    this.lines = new Float32Array(lineSize * FDN_LINES);
    for (let i = 0; i < FDN_LINES; i++) {
      const g = i * GLIDE_STRIDE;
      this.glides[g + GLIDE_MAX_RATE] = (MAX_GLIDE_RATE * this.fullSizeSamples[i]!) / longest;
      this.glides[g + GLIDE_INVERSE_TAU] = 1 / (GLIDE_TIME_S * sampleRate);
    }
  }

  /**
   * Takes `settings`: new size targets (the lengths glide there) and new decay/damping targets
   * (approached per chunk, see smoothDesign). The first call after construction, reset or
   * snapOnNextSettings jumps to everything. Audio thread (once per block): allocates nothing.
   */
  applySettings(): void {
    const settings = this.settings;
    const glides = this.glides;
    const size = settings[FDN_SIZE_PERCENT]!;
    if (size !== this.appliedSize) {
      this.appliedSize = size;
      const scale = MIN_SIZE_SCALE + ((1 - MIN_SIZE_SCALE) * Math.min(100, Math.max(0, size))) / 100;
      let previous = CHUNK + 1;
      for (let i = 0; i < FDN_LINES; i++) {
        const wanted = Math.max(Math.round(this.fullSizeSamples[i]! * scale), previous + 1);
        previous = primeAtLeast(this.sieve, wanted);
        glides[i * GLIDE_STRIDE + GLIDE_TARGET] = previous;
      }
    }
    if (this.snapNext) {
      for (let i = 0; i < FDN_LINES; i++) snapGlide(glides, i * GLIDE_STRIDE);
      const design = this.design;
      this.writeTargets();
      design[DESIGN_DECAY] = design[DESIGN_DECAY_TARGET]!;
      design[DESIGN_DAMPING] = design[DESIGN_DAMPING_TARGET]!;
      this.prepareDamping();
      for (let i = 0; i < FDN_LINES; i++) this.designLine(i);
      this.coefficientsStart.set(this.coefficients);
      this.computeOutputScale();
      design[DESIGN_SCALE_START] = design[DESIGN_SCALE]!;
      this.snapNext = false;
    }
  }

  /** Clamped decay and damping targets from `settings` into the design state. */
  private writeTargets(): void {
    const settings = this.settings;
    this.design[DESIGN_DECAY_TARGET] = Math.min(MAX_DECAY_S, Math.max(MIN_DECAY_S, settings[FDN_DECAY_S]!));
    this.design[DESIGN_DAMPING_TARGET] = Math.min(
      MAX_DAMPING_FRACTION * this.sampleRate,
      Math.max(MIN_DAMPING_HZ, settings[FDN_DAMPING_HZ]!),
    );
  }

  /**
   * Moves the decay and damping in use toward their targets (log domain, time constant
   * DESIGN_SMOOTHING_S, landing within 0.1 %) for a chunk of `n`: the loop gains then change in
   * small per-chunk steps even when a value jumps. Returns whether they moved (then every line
   * is redesigned). Audio thread: allocates nothing.
   */
  private smoothDesign(n: number): boolean {
    const design = this.design;
    this.writeTargets();
    const decayTarget = design[DESIGN_DECAY_TARGET]!;
    const dampingTarget = design[DESIGN_DAMPING_TARGET]!;
    const decay = design[DESIGN_DECAY]!;
    const damping = design[DESIGN_DAMPING]!;
    if (decay === decayTarget && damping === dampingTarget) return false;
    const keep = Math.exp(-n / (DESIGN_SMOOTHING_S * this.sampleRate));
    const decayRatio = decayTarget / decay;
    design[DESIGN_DECAY] =
      Math.abs(decayRatio - 1) < LAND_RATIO ? decayTarget : decayTarget * Math.pow(1 / decayRatio, keep);
    const dampingRatio = dampingTarget / damping;
    design[DESIGN_DAMPING] =
      Math.abs(dampingRatio - 1) < LAND_RATIO
        ? dampingTarget
        : dampingTarget * Math.pow(1 / dampingRatio, keep);
    this.prepareDamping();
    return true;
  }

  /** td = tan(pi fd / fs) and r = (t1 / td)^2 from DESIGN_DAMPING. */
  private prepareDamping(): void {
    const fs = this.sampleRate;
    const td = Math.tan((Math.PI * this.design[DESIGN_DAMPING]!) / fs);
    const t1 = Math.tan((Math.PI * Math.min(MID_FREQUENCY, MAX_DAMPING_FRACTION * fs)) / fs);
    this.design[DESIGN_R] = (t1 * t1) / (td * td);
    this.design[DESIGN_TD] = td;
  }

  /**
   * Designs line `line`'s loop filter for its current length (at the end of the coming chunk).
   * Audio thread: allocates nothing.
   */
  private designLine(line: number): void {
    const length = this.glides[line * GLIDE_STRIDE + GLIDE_CURRENT]!;
    const decay = this.design[DESIGN_DECAY]!;
    const r = this.design[DESIGN_R]!;
    const td = this.design[DESIGN_TD]!;
    // Loss per pass at 1 kHz, as a power ratio V = 10^(60 L / (fs T) / 10). With u = 1/g^2 the
    // power loss at DC, the damping condition (loss at fd = 2 x loss at DC in dB) gives the
    // low-pass K^2 = td^2 / (u - 1), and the 1 kHz condition u (1 + (u - 1) r) = V. Its positive
    // root, in the cancellation-free form:
    const v = Math.pow(10, (6 * length) / (this.sampleRate * decay));
    const u = (2 * v) / (1 - r + Math.sqrt((1 - r) * (1 - r) + 4 * r * v));
    const gain = 1 / Math.sqrt(u);
    const k = td / Math.sqrt(u - 1);
    this.coefficients[line * 2] = (gain * k) / (1 + k);
    this.coefficients[line * 2 + 1] = (k - 1) / (k + 1);
  }

  /**
   * DESIGN_SCALE := output gain for ~decay/1.8 s of impulse-response energy per unit input
   * energy, at the current lengths (the end of the coming chunk).
   */
  private computeOutputScale(): void {
    let inverseLengths = 0;
    for (let i = 0; i < FDN_LINES; i++) inverseLengths += 1 / this.glides[i * GLIDE_STRIDE + GLIDE_CURRENT]!;
    this.design[DESIGN_SCALE] = Math.sqrt(
      LN_MILLION / (REFERENCE_DECAY_S * this.sampleRate * (inverseLengths / FDN_LINES)),
    );
  }

  /**
   * Runs `frames` samples: inputs from inLeft/inRight, tail written to outLeft/outRight, all at
   * [offset, offset + frames). Audio thread: allocates nothing.
   */
  process(
    inLeft: Float64Array,
    inRight: Float64Array,
    outLeft: Float64Array,
    outRight: Float64Array,
    offset: number,
    frames: number,
  ): void {
    for (let done = 0; done < frames; done += CHUNK) {
      this.processChunk(inLeft, inRight, outLeft, outRight, offset + done, Math.min(CHUNK, frames - done));
    }
  }

  private processChunk(
    inLeft: Float64Array,
    inRight: Float64Array,
    outLeft: Float64Array,
    outRight: Float64Array,
    offset: number,
    n: number,
  ): void {
    const glides = this.glides;
    const design = this.design;
    const redesignAll = this.smoothDesign(n);
    let gliding = false;
    for (let i = 0; i < FDN_LINES; i++) {
      const g = i * GLIDE_STRIDE;
      if (glides[g + GLIDE_CURRENT] === glides[g + GLIDE_TARGET]) {
        glides[g + GLIDE_START] = glides[g + GLIDE_CURRENT]!;
        glides[g + GLIDE_STEP] = 0;
        if (redesignAll) this.designLine(i);
      } else {
        advanceGlide(glides, g, n);
        this.designLine(i);
        gliding = true;
      }
    }
    // The output scale ramps across the chunk from its last value (DESIGN_SCALE_START).
    if (gliding) this.computeOutputScale();
    design[DESIGN_SCALE_STEP] = (design[DESIGN_SCALE]! - design[DESIGN_SCALE_START]!) / n;
    if (gliding) {
      this.stageReads(n);
      this.filterMixWrite(this.staged, CHUNK - 1, inLeft, inRight, outLeft, outRight, offset, n);
    } else {
      const w = this.writeIndex;
      for (let i = 0; i < FDN_LINES; i++) this.reads[i] = w - glides[i * GLIDE_STRIDE + GLIDE_CURRENT]!;
      this.filterMixWrite(this.lines, this.mask, inLeft, inRight, outLeft, outRight, offset, n);
    }
    design[DESIGN_SCALE_START] = design[DESIGN_SCALE]!;
    if (redesignAll || gliding) this.coefficientsStart.set(this.coefficients);
    this.writeIndex = (this.writeIndex + n) & this.mask;
  }

  /**
   * For a chunk in which some line glides: every line's delayed output, linearly interpolated
   * where it glides, staged as if it were a ring of one chunk (sample k of line j at
   * (k << 4) + j) for filterMixWrite. Interpolation is used only while a glide lasts: once it
   * lands the length is an integer again.
   */
  private stageReads(n: number): void {
    const lines = this.lines;
    const staged = this.staged;
    const mask = this.mask;
    const w = this.writeIndex;
    const glides = this.glides;
    for (let line = 0; line < FDN_LINES; line++) {
      const start = glides[line * GLIDE_STRIDE + GLIDE_START]!;
      const step = glides[line * GLIDE_STRIDE + GLIDE_STEP]!;
      if (step === 0) {
        const read = (w - start) | 0;
        for (let k = 0; k < n; k++) staged[(k << 4) + line] = lines[(((read + k) & mask) << 4) + line]!;
      } else {
        for (let k = 0; k < n; k++) {
          const position = k - (start + step * (k + 1));
          const whole = Math.floor(position);
          const frac = position - whole;
          const older = lines[(((w + whole) & mask) << 4) + line]!;
          staged[(k << 4) + line] = older + frac * (lines[(((w + whole + 1) & mask) << 4) + line]! - older);
        }
      }
      this.reads[line] = 0;
    }
  }

  /**
   * Per sample: reads the 16 line outputs from `source` (the lines themselves, or the staged
   * chunk while gliding: sample k of line j at (((reads[j] + k) & readMask) << 4) + j), runs the
   * 16 loop filters (independent chains, so they overlap in the CPU), the Hadamard mix, the
   * outputs, and writes feedback plus input back into the lines. One pass, everything in
   * locals: a separate read pass cost as much again.
   */
  private filterMixWrite(
    source: Float32Array,
    readMask: number,
    inLeft: Float64Array,
    inRight: Float64Array,
    outLeft: Float64Array,
    outRight: Float64Array,
    offset: number,
    n: number,
  ): void {
    const lines = this.lines;
    const scaleStart = this.design[DESIGN_SCALE_START]!;
    const scaleStep = this.design[DESIGN_SCALE_STEP]!;
    const mask = this.mask;
    const w = this.writeIndex;
    // Coefficients ramp per sample from the chunk's start values to its end values, so gains
    // change smoothly whatever moves them (decay, damping, gliding lengths).
    const c = this.coefficients;
    const c0 = this.coefficientsStart;
    const inverseN = 1 / n;
    const state = this.filterState;
    const reads = this.reads;
    const r0 = reads[0]!;
    const r1 = reads[1]!;
    const r2 = reads[2]!;
    const r3 = reads[3]!;
    const r4 = reads[4]!;
    const r5 = reads[5]!;
    const r6 = reads[6]!;
    const r7 = reads[7]!;
    const r8 = reads[8]!;
    const r9 = reads[9]!;
    const r10 = reads[10]!;
    const r11 = reads[11]!;
    const r12 = reads[12]!;
    const r13 = reads[13]!;
    const r14 = reads[14]!;
    const r15 = reads[15]!;
    let b0 = c0[0]!;
    let a0 = c0[1]!;
    const db0 = (c[0]! - b0) * inverseN;
    const da0 = (c[1]! - a0) * inverseN;
    let b1 = c0[2]!;
    let a1 = c0[3]!;
    const db1 = (c[2]! - b1) * inverseN;
    const da1 = (c[3]! - a1) * inverseN;
    let b2 = c0[4]!;
    let a2 = c0[5]!;
    const db2 = (c[4]! - b2) * inverseN;
    const da2 = (c[5]! - a2) * inverseN;
    let b3 = c0[6]!;
    let a3 = c0[7]!;
    const db3 = (c[6]! - b3) * inverseN;
    const da3 = (c[7]! - a3) * inverseN;
    let b4 = c0[8]!;
    let a4 = c0[9]!;
    const db4 = (c[8]! - b4) * inverseN;
    const da4 = (c[9]! - a4) * inverseN;
    let b5 = c0[10]!;
    let a5 = c0[11]!;
    const db5 = (c[10]! - b5) * inverseN;
    const da5 = (c[11]! - a5) * inverseN;
    let b6 = c0[12]!;
    let a6 = c0[13]!;
    const db6 = (c[12]! - b6) * inverseN;
    const da6 = (c[13]! - a6) * inverseN;
    let b7 = c0[14]!;
    let a7 = c0[15]!;
    const db7 = (c[14]! - b7) * inverseN;
    const da7 = (c[15]! - a7) * inverseN;
    let b8 = c0[16]!;
    let a8 = c0[17]!;
    const db8 = (c[16]! - b8) * inverseN;
    const da8 = (c[17]! - a8) * inverseN;
    let b9 = c0[18]!;
    let a9 = c0[19]!;
    const db9 = (c[18]! - b9) * inverseN;
    const da9 = (c[19]! - a9) * inverseN;
    let b10 = c0[20]!;
    let a10 = c0[21]!;
    const db10 = (c[20]! - b10) * inverseN;
    const da10 = (c[21]! - a10) * inverseN;
    let b11 = c0[22]!;
    let a11 = c0[23]!;
    const db11 = (c[22]! - b11) * inverseN;
    const da11 = (c[23]! - a11) * inverseN;
    let b12 = c0[24]!;
    let a12 = c0[25]!;
    const db12 = (c[24]! - b12) * inverseN;
    const da12 = (c[25]! - a12) * inverseN;
    let b13 = c0[26]!;
    let a13 = c0[27]!;
    const db13 = (c[26]! - b13) * inverseN;
    const da13 = (c[27]! - a13) * inverseN;
    let b14 = c0[28]!;
    let a14 = c0[29]!;
    const db14 = (c[28]! - b14) * inverseN;
    const da14 = (c[29]! - a14) * inverseN;
    let b15 = c0[30]!;
    let a15 = c0[31]!;
    const db15 = (c[30]! - b15) * inverseN;
    const da15 = (c[31]! - a15) * inverseN;
    let x0 = state[0]!;
    let y0 = state[1]!;
    let x1 = state[2]!;
    let y1 = state[3]!;
    let x2 = state[4]!;
    let y2 = state[5]!;
    let x3 = state[6]!;
    let y3 = state[7]!;
    let x4 = state[8]!;
    let y4 = state[9]!;
    let x5 = state[10]!;
    let y5 = state[11]!;
    let x6 = state[12]!;
    let y6 = state[13]!;
    let x7 = state[14]!;
    let y7 = state[15]!;
    let x8 = state[16]!;
    let y8 = state[17]!;
    let x9 = state[18]!;
    let y9 = state[19]!;
    let x10 = state[20]!;
    let y10 = state[21]!;
    let x11 = state[22]!;
    let y11 = state[23]!;
    let x12 = state[24]!;
    let y12 = state[25]!;
    let x13 = state[26]!;
    let y13 = state[27]!;
    let x14 = state[28]!;
    let y14 = state[29]!;
    let x15 = state[30]!;
    let y15 = state[31]!;
    for (let k = 0; k < n; k++) {
      // Loop filters: y = b0 (x + x[n-1]) - a1 y[n-1].
      const in0 = source[((r0 + k) & readMask) << 4]!;
      b0 += db0;
      a0 += da0;
      const f0 = b0 * (in0 + x0) - a0 * y0;
      x0 = in0;
      y0 = f0;
      const in1 = source[(((r1 + k) & readMask) << 4) + 1]!;
      b1 += db1;
      a1 += da1;
      const f1 = b1 * (in1 + x1) - a1 * y1;
      x1 = in1;
      y1 = f1;
      const in2 = source[(((r2 + k) & readMask) << 4) + 2]!;
      b2 += db2;
      a2 += da2;
      const f2 = b2 * (in2 + x2) - a2 * y2;
      x2 = in2;
      y2 = f2;
      const in3 = source[(((r3 + k) & readMask) << 4) + 3]!;
      b3 += db3;
      a3 += da3;
      const f3 = b3 * (in3 + x3) - a3 * y3;
      x3 = in3;
      y3 = f3;
      const in4 = source[(((r4 + k) & readMask) << 4) + 4]!;
      b4 += db4;
      a4 += da4;
      const f4 = b4 * (in4 + x4) - a4 * y4;
      x4 = in4;
      y4 = f4;
      const in5 = source[(((r5 + k) & readMask) << 4) + 5]!;
      b5 += db5;
      a5 += da5;
      const f5 = b5 * (in5 + x5) - a5 * y5;
      x5 = in5;
      y5 = f5;
      const in6 = source[(((r6 + k) & readMask) << 4) + 6]!;
      b6 += db6;
      a6 += da6;
      const f6 = b6 * (in6 + x6) - a6 * y6;
      x6 = in6;
      y6 = f6;
      const in7 = source[(((r7 + k) & readMask) << 4) + 7]!;
      b7 += db7;
      a7 += da7;
      const f7 = b7 * (in7 + x7) - a7 * y7;
      x7 = in7;
      y7 = f7;
      const in8 = source[(((r8 + k) & readMask) << 4) + 8]!;
      b8 += db8;
      a8 += da8;
      const f8 = b8 * (in8 + x8) - a8 * y8;
      x8 = in8;
      y8 = f8;
      const in9 = source[(((r9 + k) & readMask) << 4) + 9]!;
      b9 += db9;
      a9 += da9;
      const f9 = b9 * (in9 + x9) - a9 * y9;
      x9 = in9;
      y9 = f9;
      const in10 = source[(((r10 + k) & readMask) << 4) + 10]!;
      b10 += db10;
      a10 += da10;
      const f10 = b10 * (in10 + x10) - a10 * y10;
      x10 = in10;
      y10 = f10;
      const in11 = source[(((r11 + k) & readMask) << 4) + 11]!;
      b11 += db11;
      a11 += da11;
      const f11 = b11 * (in11 + x11) - a11 * y11;
      x11 = in11;
      y11 = f11;
      const in12 = source[(((r12 + k) & readMask) << 4) + 12]!;
      b12 += db12;
      a12 += da12;
      const f12 = b12 * (in12 + x12) - a12 * y12;
      x12 = in12;
      y12 = f12;
      const in13 = source[(((r13 + k) & readMask) << 4) + 13]!;
      b13 += db13;
      a13 += da13;
      const f13 = b13 * (in13 + x13) - a13 * y13;
      x13 = in13;
      y13 = f13;
      const in14 = source[(((r14 + k) & readMask) << 4) + 14]!;
      b14 += db14;
      a14 += da14;
      const f14 = b14 * (in14 + x14) - a14 * y14;
      x14 = in14;
      y14 = f14;
      const in15 = source[(((r15 + k) & readMask) << 4) + 15]!;
      b15 += db15;
      a15 += da15;
      const f15 = b15 * (in15 + x15) - a15 * y15;
      x15 = in15;
      y15 = f15;
      // Fast Walsh-Hadamard transform, natural (Sylvester) order: h_r = sum_i (-1)^popcount(r&i) f_i.
      const p0 = f0 + f1;
      const p1 = f0 - f1;
      const p2 = f2 + f3;
      const p3 = f2 - f3;
      const p4 = f4 + f5;
      const p5 = f4 - f5;
      const p6 = f6 + f7;
      const p7 = f6 - f7;
      const p8 = f8 + f9;
      const p9 = f8 - f9;
      const p10 = f10 + f11;
      const p11 = f10 - f11;
      const p12 = f12 + f13;
      const p13 = f12 - f13;
      const p14 = f14 + f15;
      const p15 = f14 - f15;
      const q0 = p0 + p2;
      const q2 = p0 - p2;
      const q1 = p1 + p3;
      const q3 = p1 - p3;
      const q4 = p4 + p6;
      const q6 = p4 - p6;
      const q5 = p5 + p7;
      const q7 = p5 - p7;
      const q8 = p8 + p10;
      const q10 = p8 - p10;
      const q9 = p9 + p11;
      const q11 = p9 - p11;
      const q12 = p12 + p14;
      const q14 = p12 - p14;
      const q13 = p13 + p15;
      const q15 = p13 - p15;
      const u0 = q0 + q4;
      const u4 = q0 - q4;
      const u1 = q1 + q5;
      const u5 = q1 - q5;
      const u2 = q2 + q6;
      const u6 = q2 - q6;
      const u3 = q3 + q7;
      const u7 = q3 - q7;
      const u8 = q8 + q12;
      const u12 = q8 - q12;
      const u9 = q9 + q13;
      const u13 = q9 - q13;
      const u10 = q10 + q14;
      const u14 = q10 - q14;
      const u11 = q11 + q15;
      const u15 = q11 - q15;
      const h0 = u0 + u8;
      const h8 = u0 - u8;
      const h1 = u1 + u9;
      const h9 = u1 - u9;
      const h2 = u2 + u10;
      const h10 = u2 - u10;
      const h3 = u3 + u11;
      const h11 = u3 - u11;
      const h4 = u4 + u12;
      const h12 = u4 - u12;
      const h5 = u5 + u13;
      const h13 = u5 - u13;
      const h6 = u6 + u14;
      const h14 = u6 - u14;
      const h7 = u7 + u15;
      const h15 = u7 - u15;

      const scale = scaleStart + scaleStep * (k + 1);
      outLeft[offset + k] = scale * h1;
      outRight[offset + k] = scale * h2;

      const l = INJECT * inLeft[offset + k]!;
      const r = INJECT * inRight[offset + k]!;
      const at = ((w + k) & mask) << 4;
      // Line j takes +-h[(5 j + 3) mod 16] / 4: a signed permutation of the orthogonal mix;
      // left enters the even lines, right the odd ones, with unit-energy sign patterns.
      lines[at] = 0.25 * h3 + l;
      lines[at + 1] = -0.25 * h8 + r;
      lines[at + 2] = 0.25 * h13 - l;
      lines[at + 3] = 0.25 * h2 + r;
      lines[at + 4] = -0.25 * h7 + l;
      lines[at + 5] = 0.25 * h12 - r;
      lines[at + 6] = -0.25 * h1 + l;
      lines[at + 7] = 0.25 * h6 + r;
      lines[at + 8] = 0.25 * h11 - l;
      lines[at + 9] = 0.25 * h0 - r;
      lines[at + 10] = 0.25 * h5 + l;
      lines[at + 11] = -0.25 * h10 + r;
      lines[at + 12] = 0.25 * h15 - l;
      lines[at + 13] = -0.25 * h4 - r;
      lines[at + 14] = -0.25 * h9 - l;
      lines[at + 15] = 0.25 * h14 + r;
    }
    state[0] = Math.abs(x0) < DENORMAL_FLUSH ? 0 : x0;
    state[1] = Math.abs(y0) < DENORMAL_FLUSH ? 0 : y0;
    state[2] = Math.abs(x1) < DENORMAL_FLUSH ? 0 : x1;
    state[3] = Math.abs(y1) < DENORMAL_FLUSH ? 0 : y1;
    state[4] = Math.abs(x2) < DENORMAL_FLUSH ? 0 : x2;
    state[5] = Math.abs(y2) < DENORMAL_FLUSH ? 0 : y2;
    state[6] = Math.abs(x3) < DENORMAL_FLUSH ? 0 : x3;
    state[7] = Math.abs(y3) < DENORMAL_FLUSH ? 0 : y3;
    state[8] = Math.abs(x4) < DENORMAL_FLUSH ? 0 : x4;
    state[9] = Math.abs(y4) < DENORMAL_FLUSH ? 0 : y4;
    state[10] = Math.abs(x5) < DENORMAL_FLUSH ? 0 : x5;
    state[11] = Math.abs(y5) < DENORMAL_FLUSH ? 0 : y5;
    state[12] = Math.abs(x6) < DENORMAL_FLUSH ? 0 : x6;
    state[13] = Math.abs(y6) < DENORMAL_FLUSH ? 0 : y6;
    state[14] = Math.abs(x7) < DENORMAL_FLUSH ? 0 : x7;
    state[15] = Math.abs(y7) < DENORMAL_FLUSH ? 0 : y7;
    state[16] = Math.abs(x8) < DENORMAL_FLUSH ? 0 : x8;
    state[17] = Math.abs(y8) < DENORMAL_FLUSH ? 0 : y8;
    state[18] = Math.abs(x9) < DENORMAL_FLUSH ? 0 : x9;
    state[19] = Math.abs(y9) < DENORMAL_FLUSH ? 0 : y9;
    state[20] = Math.abs(x10) < DENORMAL_FLUSH ? 0 : x10;
    state[21] = Math.abs(y10) < DENORMAL_FLUSH ? 0 : y10;
    state[22] = Math.abs(x11) < DENORMAL_FLUSH ? 0 : x11;
    state[23] = Math.abs(y11) < DENORMAL_FLUSH ? 0 : y11;
    state[24] = Math.abs(x12) < DENORMAL_FLUSH ? 0 : x12;
    state[25] = Math.abs(y12) < DENORMAL_FLUSH ? 0 : y12;
    state[26] = Math.abs(x13) < DENORMAL_FLUSH ? 0 : x13;
    state[27] = Math.abs(y13) < DENORMAL_FLUSH ? 0 : y13;
    state[28] = Math.abs(x14) < DENORMAL_FLUSH ? 0 : x14;
    state[29] = Math.abs(y14) < DENORMAL_FLUSH ? 0 : y14;
    state[30] = Math.abs(x15) < DENORMAL_FLUSH ? 0 : x15;
    state[31] = Math.abs(y15) < DENORMAL_FLUSH ? 0 : y15;
  }

  /** The next applySettings jumps to its values instead of gliding. Allocates nothing. */
  snapOnNextSettings(): void {
    this.snapNext = true;
  }

  /** Clears lines and filters; the next applySettings jumps to its lengths. Allocates nothing. */
  reset(): void {
    this.lines.fill(0);
    this.filterState.fill(0);
    this.staged.fill(0);
    this.coefficientsStart.set(this.coefficients);
    this.writeIndex = 0;
    this.snapNext = true;
  }
}
