/**
 * Transposed direct form II biquad sections: block kernels and a cascade runner with per-channel
 * state in a Float64Array. The kernels run "stage outer" with coefficients and state in local
 * doubles (the fastest JS variant measured, about C speed; dsp-and-loudness.md §9.2) and flush
 * state below DENORMAL_FLUSH to 0 once per block (JS cannot set FTZ/DAZ). StereoBiquadCascade
 * (engine/wasm/stereo-biquad-cascade.ts) runs the same sections for a stereo pair in WebAssembly SIMD.
 *
 * Every function here is audio-thread code: it allocates nothing, logs nothing, never throws.
 */
import { DENORMAL_FLUSH } from '../processors/block-processor.ts';
import { BIQUAD_COEFFICIENTS, designIdentity } from './biquad-design.ts';

/** Doubles of state per section per channel (TDF-II: s1, s2). */
export const BIQUAD_STATE = 2;

/**
 * A bypassed section keeps running as identity until its leftover state (its ringing tail)
 * decays below this (-180 dB), then stops costing anything. Cutting it off at once would click.
 */
export const SETTLE_THRESHOLD = 1e-9;

/** Section modes of a BiquadCascade. */
export const SECTION_OFF = 0;
export const SECTION_ON = 1;
/** Identity coefficients, still running until its state decays (see SETTLE_THRESHOLD). */
export const SECTION_DRAINING = 2;

/**
 * One section over `frames` samples of `input` into `output` (may be the same array), Float32
 * buffers. `draining` is 0 for a running section (state below DENORMAL_FLUSH is flushed to 0) or
 * 1 for a bypassed one whose tail is still decaying (settles to 0 below SETTLE_THRESHOLD); an
 * integer, so it crosses the call unboxed. Audio thread: allocates nothing.
 */
export function runBiquad32(
  coefficients: Float64Array,
  coefficientOffset: number,
  state: Float64Array,
  stateOffset: number,
  input: Float32Array,
  output: Float32Array,
  frames: number,
  draining: number,
): void {
  const b0 = coefficients[coefficientOffset]!;
  const b1 = coefficients[coefficientOffset + 1]!;
  const b2 = coefficients[coefficientOffset + 2]!;
  const a1 = coefficients[coefficientOffset + 3]!;
  const a2 = coefficients[coefficientOffset + 4]!;
  let s1 = state[stateOffset]!;
  let s2 = state[stateOffset + 1]!;
  for (let i = 0; i < frames; i++) {
    const x = input[i]!;
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    output[i] = y;
  }
  const limit = draining === 0 ? DENORMAL_FLUSH : SETTLE_THRESHOLD;
  state[stateOffset] = Math.abs(s1) < limit ? 0 : s1;
  state[stateOffset + 1] = Math.abs(s2) < limit ? 0 : s2;
}

/** As runBiquad32 with Float64 buffers (`input` may be `output`). Audio thread: allocates nothing. */
export function runBiquad64(
  coefficients: Float64Array,
  coefficientOffset: number,
  state: Float64Array,
  stateOffset: number,
  input: Float64Array,
  output: Float64Array,
  frames: number,
  draining: number,
): void {
  const b0 = coefficients[coefficientOffset]!;
  const b1 = coefficients[coefficientOffset + 1]!;
  const b2 = coefficients[coefficientOffset + 2]!;
  const a1 = coefficients[coefficientOffset + 3]!;
  const a2 = coefficients[coefficientOffset + 4]!;
  let s1 = state[stateOffset]!;
  let s2 = state[stateOffset + 1]!;
  for (let i = 0; i < frames; i++) {
    const x = input[i]!;
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    output[i] = y;
  }
  const limit = draining === 0 ? DENORMAL_FLUSH : SETTLE_THRESHOLD;
  state[stateOffset] = Math.abs(s1) < limit ? 0 : s1;
  state[stateOffset + 1] = Math.abs(s2) < limit ? 0 : s2;
}

/** One section from a Float32 input into a Float64 output. Audio thread: allocates nothing. */
export function runBiquad32To64(
  coefficients: Float64Array,
  coefficientOffset: number,
  state: Float64Array,
  stateOffset: number,
  input: Float32Array,
  output: Float64Array,
  frames: number,
): void {
  const b0 = coefficients[coefficientOffset]!;
  const b1 = coefficients[coefficientOffset + 1]!;
  const b2 = coefficients[coefficientOffset + 2]!;
  const a1 = coefficients[coefficientOffset + 3]!;
  const a2 = coefficients[coefficientOffset + 4]!;
  let s1 = state[stateOffset]!;
  let s2 = state[stateOffset + 1]!;
  for (let i = 0; i < frames; i++) {
    const x = input[i]!;
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    output[i] = y;
  }
  state[stateOffset] = Math.abs(s1) < DENORMAL_FLUSH ? 0 : s1;
  state[stateOffset + 1] = Math.abs(s2) < DENORMAL_FLUSH ? 0 : s2;
}

/**
 * A fixed number of sections run in slot order on each channel, in place. The owner writes a
 * slot's coefficients into `coefficients[5 * slot ..]` (e.g. with designBiquad) and then calls
 * `enable(slot)`, or calls `bypass(slot)`; OFF slots cost nothing.
 */
export class BiquadCascade {
  readonly sections: number;
  readonly channels: number;
  /** [b0, b1, b2, a1, a2] per slot. */
  readonly coefficients: Float64Array;
  /** [s1, s2] per slot, channel-major: ((channel * sections) + slot) * 2. */
  readonly state: Float64Array;
  /** SECTION_OFF | SECTION_ON | SECTION_DRAINING per slot. */
  readonly mode: Int32Array;

  constructor(sections: number, channels: number) {
    this.sections = sections;
    this.channels = channels;
    this.coefficients = new Float64Array(sections * BIQUAD_COEFFICIENTS);
    this.state = new Float64Array(sections * channels * BIQUAD_STATE);
    this.mode = new Int32Array(sections);
    for (let slot = 0; slot < sections; slot++) designIdentity(this.coefficients, slot * BIQUAD_COEFFICIENTS);
  }

  /** Runs `slot` with the coefficients just written (state kept: smooth changes). Allocates nothing. */
  enable(slot: number): void {
    this.mode[slot] = SECTION_ON;
  }

  /**
   * Makes `slot` flat: identity coefficients, running until its tail has decayed, then OFF.
   * Allocates nothing.
   */
  bypass(slot: number): void {
    designIdentity(this.coefficients, slot * BIQUAD_COEFFICIENTS);
    if (this.mode[slot] !== SECTION_OFF) this.mode[slot] = SECTION_DRAINING;
  }

  /** Stops `slot` at once and clears its state (e.g. its input changed meaning). Allocates nothing. */
  clear(slot: number): void {
    designIdentity(this.coefficients, slot * BIQUAD_COEFFICIENTS);
    this.mode[slot] = SECTION_OFF;
    for (let channel = 0; channel < this.channels; channel++) {
      const offset = (channel * this.sections + slot) * BIQUAD_STATE;
      this.state[offset] = 0;
      this.state[offset + 1] = 0;
    }
  }

  /**
   * Once per block (before processing): turns drained slots whose state reached 0 on every
   * channel OFF. Returns whether any slot still runs. Allocates nothing.
   */
  settle(): boolean {
    let running = false;
    const stride = this.sections * BIQUAD_STATE;
    for (let slot = 0; slot < this.sections; slot++) {
      const mode = this.mode[slot]!;
      if (mode === SECTION_DRAINING) {
        let quiet = true;
        for (let offset = slot * BIQUAD_STATE; offset < this.state.length; offset += stride) {
          if (this.state[offset] !== 0 || this.state[offset + 1] !== 0) quiet = false;
        }
        if (quiet) this.mode[slot] = SECTION_OFF;
        else running = true;
      } else if (mode === SECTION_ON) {
        running = true;
      }
    }
    return running;
  }

  /** Runs every non-OFF slot on `channel` of a Float32 buffer, in place. Allocates nothing. */
  process(channel: number, buffer: Float32Array, frames: number): void {
    const stateBase = channel * this.sections * BIQUAD_STATE;
    for (let slot = 0; slot < this.sections; slot++) {
      const mode = this.mode[slot]!;
      if (mode === SECTION_OFF) continue;
      runBiquad32(
        this.coefficients,
        slot * BIQUAD_COEFFICIENTS,
        this.state,
        stateBase + slot * BIQUAD_STATE,
        buffer,
        buffer,
        frames,
        mode === SECTION_DRAINING ? 1 : 0,
      );
    }
  }

  /** Runs every non-OFF slot on `channel` of a Float64 buffer, in place. Allocates nothing. */
  process64(channel: number, buffer: Float64Array, frames: number): void {
    const stateBase = channel * this.sections * BIQUAD_STATE;
    for (let slot = 0; slot < this.sections; slot++) {
      const mode = this.mode[slot]!;
      if (mode === SECTION_OFF) continue;
      runBiquad64(
        this.coefficients,
        slot * BIQUAD_COEFFICIENTS,
        this.state,
        stateBase + slot * BIQUAD_STATE,
        buffer,
        buffer,
        frames,
        mode === SECTION_DRAINING ? 1 : 0,
      );
    }
  }

  /** Clears all state; modes and coefficients stay. Allocates nothing. */
  reset(): void {
    this.state.fill(0);
  }
}
