import { linearRampBlockStep, onePoleBlockCoefficient } from '../dsp/smoothing.ts';
import type { ParamSpec } from '../params/param-spec.ts';
import type { ParamTable } from '../params/param-table.ts';

const SMOOTH_NONE = 0;
const SMOOTH_ONE_POLE = 1;
const SMOOTH_GEOMETRIC = 2;
const SMOOTH_RAMP = 3;

/**
 * Block-rate smoothing of every parameter of the console, in plain units, towards targets taken
 * from the shared table, automation or jumps. What each spec asks for:
 * - booleans with a smoothing time (mute, polarity) ramp linearly, so they never click;
 * - log-taper values (frequencies, times, ratios) glide geometrically (evenly in log);
 * - other continuous values glide one-pole with the spec's time constant;
 * - enums, and anything with smoothing time 0, jump.
 * Targets are clamped to the spec's range, so a corrupt table value cannot reach a processor.
 * `advance`, `pullTarget`, `setTargetAt` and `jumpAt` run on the audio thread and never
 * allocate or throw.
 */
export class ParamSmoother {
  readonly count: number;
  /** Smoothed values after the last `advance`: what processors read. */
  readonly current: Float64Array;
  readonly target: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly timesMs: Float64Array;
  private readonly mode: Uint8Array;
  private readonly coefficients: Float64Array;
  /** Indices whose current value differs from the target (a compact work list). */
  private readonly moving: Int32Array;
  private readonly isMoving: Uint8Array;
  private movingCount = 0;
  private readonly sampleRate: number;
  private coefficientsFrames = -1;

  constructor(specs: readonly ParamSpec[], sampleRate: number) {
    const count = specs.length;
    this.count = count;
    this.sampleRate = sampleRate;
    this.current = new Float64Array(count);
    this.target = new Float64Array(count);
    this.min = new Float64Array(count);
    this.max = new Float64Array(count);
    this.timesMs = new Float64Array(count);
    this.mode = new Uint8Array(count);
    this.coefficients = new Float64Array(count);
    this.moving = new Int32Array(count);
    this.isMoving = new Uint8Array(count);
    specs.forEach((spec, i) => {
      this.current[i] = spec.default;
      this.target[i] = spec.default;
      this.min[i] = spec.min;
      this.max[i] = spec.max;
      this.timesMs[i] = spec.smoothingMs;
      this.mode[i] =
        spec.smoothingMs <= 0 || spec.unit === 'enum'
          ? SMOOTH_NONE
          : spec.unit === 'bool'
            ? SMOOTH_RAMP
            : spec.taper === 'log' && spec.min > 0
              ? SMOOTH_GEOMETRIC
              : SMOOTH_ONE_POLE;
    });
  }

  /**
   * Staging slot for a new target: audio-thread callers store the value here and call
   * `applyIncoming`, because a double passed to a call V8 does not inline is boxed (allocated).
   */
  readonly incoming = new Float64Array(1);

  /** Audio thread: take parameter `index`'s new target from the shared table. Allocates nothing. */
  pullTarget(index: number, table: ParamTable): void {
    this.incoming[0] = table.read(index);
    this.applyIncoming(index);
  }

  /** New target (clamped); NaN is ignored. For set-up and tests: the double argument may box. */
  setTargetAt(index: number, value: number): void {
    this.incoming[0] = value;
    this.applyIncoming(index);
  }

  /** Audio thread: `incoming[0]` becomes parameter `index`'s target (clamped; NaN ignored). */
  applyIncoming(index: number): void {
    const value = this.incoming[0]!;
    if (index < 0 || index >= this.count || value !== value) return;
    const clamped =
      value < this.min[index]! ? this.min[index]! : value > this.max[index]! ? this.max[index]! : value;
    this.target[index] = clamped;
    if (this.mode[index] === SMOOTH_NONE) {
      this.current[index] = clamped;
      return;
    }
    if (this.current[index] !== clamped && this.isMoving[index] === 0) {
      this.isMoving[index] = 1;
      this.moving[this.movingCount++] = index;
    }
  }

  /** Set a value at once, without smoothing (set-up, tests: the double argument may box). */
  jumpAt(index: number, value: number): void {
    this.incoming[0] = value;
    this.jumpIncoming(index);
  }

  /** Audio thread: `incoming[0]` becomes parameter `index`'s value at once (recall while stopped). */
  jumpIncoming(index: number): void {
    const value = this.incoming[0]!;
    if (index < 0 || index >= this.count || value !== value) return;
    this.applyIncoming(index);
    this.current[index] = this.target[index]!;
  }

  /** Audio thread: move every smoothed value one block of `frames` towards its target. */
  advance(frames: number): void {
    if (frames !== this.coefficientsFrames) this.updateCoefficients(frames);
    let kept = 0;
    for (let k = 0; k < this.movingCount; k++) {
      const index = this.moving[k]!;
      this.advanceOne(index);
      if (this.current[index] !== this.target[index]) this.moving[kept++] = index;
      else this.isMoving[index] = 0;
    }
    this.movingCount = kept;
  }

  private advanceOne(index: number): void {
    const target = this.target[index]!;
    const current = this.current[index]!;
    const coefficient = this.coefficients[index]!;
    const mode = this.mode[index]!;
    if (mode === SMOOTH_RAMP) {
      this.current[index] =
        current < target ? Math.min(target, current + coefficient) : Math.max(target, current - coefficient);
      return;
    }
    if (mode === SMOOTH_GEOMETRIC) {
      const next = target * Math.pow(current / target, coefficient);
      // Snap within 1e-6 relative: smoothing ends and never produces denormals.
      this.current[index] = Math.abs(next - target) <= 1e-6 * target ? target : next;
      return;
    }
    const next = target + (current - target) * coefficient;
    this.current[index] = Math.abs(next - target) < 1e-6 ? target : next;
  }

  private updateCoefficients(frames: number): void {
    this.coefficientsFrames = frames;
    for (let i = 0; i < this.count; i++) {
      this.coefficients[i] =
        this.mode[i] === SMOOTH_RAMP
          ? linearRampBlockStep(this.timesMs[i]!, this.sampleRate, frames) * (this.max[i]! - this.min[i]!)
          : onePoleBlockCoefficient(this.timesMs[i]!, this.sampleRate, frames);
    }
  }
}
