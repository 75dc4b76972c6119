/**
 * Drives a MonitorPath the way the console graph does (ParamSmoother over the monitor's own
 * specs, advanced per block, then update and process), with planar input and the device's
 * interleaved output split back into planar channels.
 */
import { ParamSmoother } from '../../../engine/graph/param-smoother.ts';
import type { ParamSpec } from '../../../engine/params/param-spec.ts';
import { MonitorPath } from '../../../engine/processors/monitor-path.ts';
import { MONITOR_PATH_PARAMS, monitorParamIndex } from '../../../engine/processors/monitor/monitor-params.ts';

export const RATE = 48000;
export const BLOCK = 128;

export class MonitorHarness {
  readonly path: MonitorPath;
  readonly smoother: ParamSmoother;
  readonly outputs: number;
  private readonly output: Float32Array;
  private pendingJump = true;

  constructor(outputs: number, rate = RATE) {
    const specs: ParamSpec[] = MONITOR_PATH_PARAMS.map(({ key, ...rest }) => ({ ...rest, id: key }));
    this.smoother = new ParamSmoother(specs, rate);
    this.path = new MonitorPath(rate, BLOCK);
    this.outputs = outputs;
    this.output = new Float32Array(BLOCK * outputs);
    this.path.update(this.smoother.current, 0);
    this.path.reset();
  }

  /** Set at once (no smoothing, no ramp on the next block), as a recall does. */
  jump(key: string, value: number): void {
    this.smoother.jumpAt(monitorParamIndex(key), value);
    this.pendingJump = true;
  }

  /** New target, smoothed as the spec says (what a knob or a button does). */
  set(key: string, value: number): void {
    this.smoother.setTargetAt(monitorParamIndex(key), value);
  }

  /** Runs `left`/`right` (same length, a multiple of BLOCK) through; planar output per channel. */
  run(left: Float32Array, right: Float32Array, onBlock?: (block: number) => void): Float32Array[] {
    const frames = left.length;
    const out = Array.from({ length: this.outputs }, () => new Float32Array(frames));
    for (let b = 0; b * BLOCK < frames; b++) {
      onBlock?.(b);
      const at = b * BLOCK;
      this.smoother.advance(BLOCK);
      this.path.update(this.smoother.current, 0);
      this.path.process(
        left.subarray(at, at + BLOCK),
        right.subarray(at, at + BLOCK),
        this.output,
        this.outputs,
        BLOCK,
        this.pendingJump,
      );
      this.pendingJump = false;
      for (let c = 0; c < this.outputs; c++) {
        const channel = out[c]!;
        for (let i = 0; i < BLOCK; i++) channel[at + i] = this.output[i * this.outputs + c]!;
      }
    }
    return out;
  }
}

/** Deterministic uniform noise in [-amplitude, amplitude). */
export function noise(length: number, amplitude: number, seed = 1): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = (state / 4294967296 - 0.5) * 2 * amplitude;
  }
  return out;
}

export function sine(length: number, hz: number, amplitude: number, rate = RATE): Float32Array {
  return new Float32Array(length).map((_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** Largest |x[i] - x[i-1]| for i in [from, to). */
export function largestStep(x: Float32Array, from = 1, to = x.length): number {
  let step = 0;
  for (let i = Math.max(1, from); i < to; i++) step = Math.max(step, Math.abs(x[i]! - x[i - 1]!));
  return step;
}

/** Level in dB at each frequency of `x` (an impulse response scaled by 1/`scale`), by direct DTFT. */
export function dtftDb(x: Float32Array, hz: readonly number[], scale: number, rate = RATE): number[] {
  return hz.map((f) => {
    const w = (2 * Math.PI * f) / rate;
    let re = 0;
    let im = 0;
    for (let n = 0; n < x.length; n++) {
      const v = x[n]!;
      if (v === 0) continue;
      re += v * Math.cos(w * n);
      im -= v * Math.sin(w * n);
    }
    return 10 * Math.log10((re * re + im * im) / (scale * scale));
  });
}
