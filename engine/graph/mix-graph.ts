import { SILENCE_DB } from '../dsp/decibels.ts';
import { linearRampBlockStep, onePoleBlockCoefficient } from '../dsp/smoothing.ts';
import type { MeterBlock } from '../meters/meter-block.ts';
import { masterParamIndex, PARAMS_PER_STRIP, stripParamIndex } from '../params/mix-params.ts';
import type { ParamSpec } from '../params/param-spec.ts';
import type { ParamTable } from '../params/param-table.ts';

export interface MixGraphOptions {
  readonly stripCount: number;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  readonly specs: readonly ParamSpec[];
}

/** Meter slot of strip s is s; the master's left/right are stripCount and stripCount + 1. */
export function meterSlotCount(stripCount: number): number {
  return stripCount + 2;
}

/**
 * The first graph: N mono input strips (fader, pan, mute) -> stereo mix -> master
 * (fader, balance, mute) -> outputs 1/2. Post-fader peak and RMS meters per strip and on the
 * master. Faders and pans are smoothed one-pole in dB / pan units at block rate and ramped
 * linearly across each block, so a jump never clicks; mutes ramp linearly.
 *
 * Everything is preallocated in the constructor; `process` and `setTarget` run on the audio
 * thread and never allocate, log, await or throw.
 */
export class MixGraph {
  readonly stripCount: number;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  private readonly current: Float64Array;
  private readonly target: Float64Array;
  private readonly timesMs: Float64Array;
  private readonly isRamp: Uint8Array;
  private readonly mixLeft: Float32Array;
  /** This block's meter values per slot (strips, then master L/R), committed in one call. */
  private readonly blockPeak: Float32Array;
  private readonly blockSumSquares: Float64Array;
  /** Per strip: linear gain and pan gains at the end of the previous block. */
  private readonly lastGain: Float64Array;
  private readonly lastLeft: Float64Array;
  private readonly lastRight: Float64Array;
  /** Master left/right gains (fader, mute and balance) at the end of the previous block. */
  private readonly masterGains: Float64Array;
  private readonly mixRight: Float32Array;
  private coefficientsFrames = -1;
  private readonly coefficients: Float64Array;

  constructor(options: MixGraphOptions) {
    this.stripCount = options.stripCount;
    this.sampleRate = options.sampleRate;
    this.maxBlockFrames = options.maxBlockFrames;
    const count = (options.stripCount + 1) * PARAMS_PER_STRIP;
    if (options.specs.length !== count) throw new RangeError(`expected ${count} param specs`);
    this.current = new Float64Array(count);
    this.target = new Float64Array(count);
    this.timesMs = new Float64Array(count);
    this.isRamp = new Uint8Array(count);
    this.coefficients = new Float64Array(count);
    options.specs.forEach((spec, i) => {
      this.current[i] = spec.default;
      this.target[i] = spec.default;
      this.timesMs[i] = spec.smoothingMs;
      this.isRamp[i] = spec.unit === 'bool' ? 1 : 0;
    });
    this.lastGain = new Float64Array(options.stripCount);
    this.lastLeft = new Float64Array(options.stripCount);
    this.lastRight = new Float64Array(options.stripCount);
    this.masterGains = new Float64Array(2);
    for (let s = 0; s < options.stripCount; s++) this.resetRamp(s);
    this.computeMasterGains();
    this.blockPeak = new Float32Array(meterSlotCount(options.stripCount));
    this.blockSumSquares = new Float64Array(meterSlotCount(options.stripCount));
    this.mixLeft = new Float32Array(options.maxBlockFrames);
    this.mixRight = new Float32Array(options.maxBlockFrames);
  }

  /** New target in plain units (smoothed towards). For tests and set-up: a double argument boxes. */
  setTarget(index: number, value: number): void {
    if (index >= 0 && index < this.target.length && value === value) this.target[index] = value;
  }

  /** Audio thread: take parameter `index`'s new target from the shared table. Allocates nothing. */
  pullTarget(index: number, table: ParamTable): void {
    const value = table.read(index);
    if (index >= 0 && index < this.target.length && value === value) this.target[index] = value;
  }

  /** Audio thread: set a parameter at once, without smoothing. Allocates nothing. */
  jumpTo(index: number, value: number): void {
    if (index >= 0 && index < this.target.length && value === value) {
      this.target[index] = value;
      this.current[index] = value;
      const strip = Math.floor(index / PARAMS_PER_STRIP);
      if (strip < this.stripCount) this.resetRamp(strip);
      else this.computeMasterGains();
    }
  }

  /** Makes the strip's next block start from its current values (no ramp from the old ones). */
  private resetRamp(strip: number): void {
    this.computeStripGains(strip);
  }

  /**
   * Audio thread: advance a strip's smoothers by one block and store its end-of-block gains.
   * Integer arguments only and no return value: doubles crossing a call that V8 does not
   * inline are boxed, i.e. allocated.
   */
  private advanceStrip(strip: number): void {
    const fader = stripParamIndex(strip, 'fader');
    this.advance(fader);
    this.advance(fader + 1);
    this.advance(fader + 2);
    this.computeStripGains(strip);
  }

  private computeStripGains(strip: number): void {
    const fader = stripParamIndex(strip, 'fader');
    const db = this.current[fader]!;
    const gain = (db <= SILENCE_DB ? 0 : Math.pow(10, db / 20)) * (1 - this.current[fader + 2]!);
    // Constant-power pan, -3 dB at centre: angle = (pan + 1) * pi / 4, L = cos, R = sin.
    const angle = ((this.current[fader + 1]! + 1) * Math.PI) / 4;
    this.lastGain[strip] = gain;
    this.lastLeft[strip] = gain * Math.cos(angle);
    this.lastRight[strip] = gain * Math.sin(angle);
  }

  /** Audio thread: advance the master's smoothers and store its left/right gains. */
  private advanceMaster(): void {
    const fader = masterParamIndex(this.stripCount, 'fader');
    this.advance(fader);
    this.advance(fader + 1);
    this.advance(fader + 2);
    this.computeMasterGains();
  }

  private computeMasterGains(): void {
    const fader = masterParamIndex(this.stripCount, 'fader');
    const db = this.current[fader]!;
    const gain = (db <= SILENCE_DB ? 0 : Math.pow(10, db / 20)) * (1 - this.current[fader + 2]!);
    const balance = this.current[fader + 1]!;
    // Balance: centre is unity on both sides; the far side follows the constant-power law.
    const angle = ((balance + 1) * Math.PI) / 4;
    this.masterGains[0] = gain * (balance <= 0 ? 1 : Math.SQRT2 * Math.cos(angle));
    this.masterGains[1] = gain * (balance >= 0 ? 1 : Math.SQRT2 * Math.sin(angle));
  }

  /**
   * Audio thread: process one block. `input` is interleaved with `inputChannels` channels
   * (strip s reads channel s; missing channels are silence); `output` is interleaved with
   * `outputChannels` channels (mix on 1/2, a mono output gets (L+R)/2, the rest silence).
   * Allocates nothing, never throws.
   */
  process(
    input: Float32Array,
    inputChannels: number,
    output: Float32Array,
    outputChannels: number,
    frames: number,
    meters: MeterBlock | null,
  ): void {
    const n = Math.min(frames, this.maxBlockFrames);
    this.updateCoefficients(n);
    const left = this.mixLeft;
    const right = this.mixRight;
    left.fill(0, 0, n);
    right.fill(0, 0, n);
    const inverseFrames = n > 0 ? 1 / n : 0;

    for (let s = 0; s < this.stripCount; s++) {
      // Ramp from where the previous block ended to where the smoothed values are now.
      const gain0 = this.lastGain[s]!;
      const left0 = this.lastLeft[s]!;
      const right0 = this.lastRight[s]!;
      this.advanceStrip(s);
      const gain1 = this.lastGain[s]!;
      const left1 = this.lastLeft[s]!;
      const right1 = this.lastRight[s]!;
      let peak = 0;
      let sumSquares = 0;
      if (s < inputChannels) {
        const stepLeft = (left1 - left0) * inverseFrames;
        const stepRight = (right1 - right0) * inverseFrames;
        const stepGain = (gain1 - gain0) * inverseFrames;
        let gl = left0;
        let gr = right0;
        let g = gain0;
        for (let i = 0, j = s; i < n; i++, j += inputChannels) {
          gl += stepLeft;
          gr += stepRight;
          g += stepGain;
          const x = input[j]!;
          left[i] = left[i]! + x * gl;
          right[i] = right[i]! + x * gr;
          const y = x * g;
          const magnitude = y < 0 ? -y : y;
          if (magnitude > peak) peak = magnitude;
          sumSquares += y * y;
        }
      }
      this.blockPeak[s] = peak;
      this.blockSumSquares[s] = sumSquares;
    }

    const ml0 = this.masterGains[0]!;
    const mr0 = this.masterGains[1]!;
    this.advanceMaster();
    const ml1 = this.masterGains[0]!;
    const mr1 = this.masterGains[1]!;
    const stepL = (ml1 - ml0) * inverseFrames;
    const stepR = (mr1 - mr0) * inverseFrames;
    let gl = ml0;
    let gr = mr0;
    let peakL = 0;
    let peakR = 0;
    let sumL = 0;
    let sumR = 0;
    for (let i = 0; i < n; i++) {
      gl += stepL;
      gr += stepR;
      const l = left[i]! * gl;
      const r = right[i]! * gr;
      left[i] = l;
      right[i] = r;
      const al = l < 0 ? -l : l;
      const ar = r < 0 ? -r : r;
      if (al > peakL) peakL = al;
      if (ar > peakR) peakR = ar;
      sumL += l * l;
      sumR += r * r;
    }
    this.blockPeak[this.stripCount] = peakL;
    this.blockPeak[this.stripCount + 1] = peakR;
    this.blockSumSquares[this.stripCount] = sumL;
    this.blockSumSquares[this.stripCount + 1] = sumR;
    if (meters !== null) meters.commitBlock(this.blockPeak, this.blockSumSquares, n);
    this.writeOutput(output, outputChannels, n);
  }

  private writeOutput(output: Float32Array, outputChannels: number, n: number): void {
    const left = this.mixLeft;
    const right = this.mixRight;
    if (outputChannels === 1) {
      for (let i = 0; i < n; i++) output[i] = 0.5 * (left[i]! + right[i]!);
      return;
    }
    for (let i = 0, base = 0; i < n; i++, base += outputChannels) {
      output[base] = left[i]!;
      output[base + 1] = right[i]!;
      for (let c = 2; c < outputChannels; c++) output[base + c] = 0;
    }
  }

  private advance(index: number): void {
    const target = this.target[index]!;
    const current = this.current[index]!;
    if (current === target) return;
    const coefficient = this.coefficients[index]!;
    if (this.isRamp[index] === 1) {
      const next =
        current < target ? Math.min(target, current + coefficient) : Math.max(target, current - coefficient);
      this.current[index] = next;
      return;
    }
    const next = target + (current - target) * coefficient;
    // Snap when close, so smoothing ends and denormals never appear.
    this.current[index] = Math.abs(next - target) < 1e-6 ? target : next;
  }

  private updateCoefficients(frames: number): void {
    if (frames === this.coefficientsFrames) return;
    this.coefficientsFrames = frames;
    for (let i = 0; i < this.coefficients.length; i++) {
      this.coefficients[i] =
        this.isRamp[i] === 1
          ? linearRampBlockStep(this.timesMs[i]!, this.sampleRate, frames)
          : onePoleBlockCoefficient(this.timesMs[i]!, this.sampleRate, frames);
    }
  }
}
