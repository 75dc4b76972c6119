/**
 * BiquadCascade (engine/dsp/biquad-filter.ts) for a stereo pair with its exact results, run by the
 * WebAssembly SIMD kernel biquad-stereo-f32.wat: left and right in the two f64 lanes, every
 * running section in one kernel call, each section's output stored as Float32 as
 * BiquadCascade.process does. Output, state and mode changes are bit-identical to calling
 * BiquadCascade.process on each channel (tested); about half its cost. (StereoBiquadCascade keeps
 * the signal in doubles between sections instead, which changes results by float rounding.)
 *
 * Coefficients, state and modes live in the kernel's memory; the public arrays are views on it,
 * written as with BiquadCascade.
 */
import { BIQUAD_COEFFICIENTS, designIdentity } from '../dsp/biquad-design.ts';
import { SECTION_DRAINING, SECTION_OFF, SECTION_ON, SETTLE_THRESHOLD } from '../dsp/biquad-filter.ts';
import { DENORMAL_FLUSH } from '../processors/block-processor.ts';
import { instantiateKernel } from './wasm-kernel.ts';

/** biquad-stereo-f32.wat: byte addresses and counts only (see the kernel's header). */
interface BiquadStereoF32Exports extends WebAssembly.Exports {
  run: (
    limits: number,
    modes: number,
    coefficients: number,
    state: number,
    sections: number,
    left: number,
    right: number,
    frames: number,
  ) => void;
}

function alignTo16(bytes: number): number {
  return (bytes + 15) & ~15;
}

export class StereoBiquadCascade32 {
  readonly sections: number;
  /** Frames per kernel call; longer process calls are cut into pieces of this size. */
  readonly blockFrames: number;
  /** [b0, b1, b2, a1, a2] per slot (a view on kernel memory). */
  readonly coefficients: Float64Array;
  /** [s1 left, s1 right, s2 left, s2 right] per slot (a view on kernel memory). */
  readonly state: Float64Array;
  /** SECTION_OFF | SECTION_ON | SECTION_DRAINING per slot (a view on kernel memory). */
  readonly mode: Int32Array;
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private readonly run: BiquadStereoF32Exports['run'];
  private readonly modesAddress: number;
  private readonly coefficientsAddress: number;
  private readonly stateAddress: number;
  private readonly leftAddress: number;
  private readonly rightAddress: number;

  /** Setup code: instantiates the kernel with memory for `sections` slots and `blockFrames` frames. */
  constructor(sections: number, blockFrames: number) {
    this.sections = sections;
    this.blockFrames = Math.max(1, blockFrames);
    // Memory: [flush threshold, settle threshold], modes, coefficients, state, left, right.
    this.modesAddress = 16;
    this.coefficientsAddress = alignTo16(this.modesAddress + sections * 4);
    this.stateAddress = alignTo16(this.coefficientsAddress + sections * BIQUAD_COEFFICIENTS * 8);
    this.leftAddress = this.stateAddress + sections * 32;
    this.rightAddress = alignTo16(this.leftAddress + this.blockFrames * 4);
    const bytes = this.rightAddress + this.blockFrames * 4;
    const { exports, memory } = instantiateKernel<BiquadStereoF32Exports>('biquad-stereo-f32', bytes);
    this.run = exports.run;
    const limits = new Float64Array(memory.buffer, 0, 2);
    limits[0] = DENORMAL_FLUSH;
    limits[1] = SETTLE_THRESHOLD;
    this.mode = new Int32Array(memory.buffer, this.modesAddress, sections);
    this.coefficients = new Float64Array(
      memory.buffer,
      this.coefficientsAddress,
      sections * BIQUAD_COEFFICIENTS,
    );
    this.state = new Float64Array(memory.buffer, this.stateAddress, sections * 4);
    this.left = new Float32Array(memory.buffer, this.leftAddress, this.blockFrames);
    this.right = new Float32Array(memory.buffer, this.rightAddress, this.blockFrames);
    for (let slot = 0; slot < sections; slot++) designIdentity(this.coefficients, slot * BIQUAD_COEFFICIENTS);
  }

  /** Runs `slot` with the coefficients just written (state kept: smooth changes). Allocates nothing. */
  enable(slot: number): void {
    this.mode[slot] = SECTION_ON;
  }

  /** Makes `slot` flat: identity coefficients, running until its tail has decayed, then OFF. Allocates nothing. */
  bypass(slot: number): void {
    designIdentity(this.coefficients, slot * BIQUAD_COEFFICIENTS);
    if (this.mode[slot] !== SECTION_OFF) this.mode[slot] = SECTION_DRAINING;
  }

  /** Stops `slot` at once and clears its state. Allocates nothing. */
  clear(slot: number): void {
    designIdentity(this.coefficients, slot * BIQUAD_COEFFICIENTS);
    this.mode[slot] = SECTION_OFF;
    this.state.fill(0, slot * 4, (slot + 1) * 4);
  }

  /**
   * Once per block (before processing): turns drained slots whose state reached 0 on both
   * channels OFF. Returns whether any slot still runs. Allocates nothing.
   */
  settle(): boolean {
    let running = false;
    const state = this.state;
    for (let slot = 0; slot < this.sections; slot++) {
      const mode = this.mode[slot]!;
      if (mode === SECTION_DRAINING) {
        const at = slot * 4;
        if (state[at] === 0 && state[at + 1] === 0 && state[at + 2] === 0 && state[at + 3] === 0) {
          this.mode[slot] = SECTION_OFF;
        } else {
          running = true;
        }
      } else if (mode === SECTION_ON) {
        running = true;
      }
    }
    return running;
  }

  /**
   * Runs every non-OFF slot on `left` and `right` (Float32, in place). Does nothing, not even a
   * copy, when every slot is OFF. Audio thread: allocates nothing, never throws.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    let running = false;
    for (let slot = 0; slot < this.sections; slot++) if (this.mode[slot] !== SECTION_OFF) running = true;
    if (!running) return;
    const size = this.blockFrames;
    // Whole arrays in and whole blocks out with TypedArray.set (a memcpy); anything else element-wise.
    const copyIn = frames <= size && left.length <= size && right.length <= size;
    const copyOut = frames === size && left.length >= size && right.length >= size;
    for (let at = 0; at < frames; at += size) {
      const count = Math.min(size, frames - at);
      if (copyIn) {
        this.left.set(left);
        this.right.set(right);
      } else {
        for (let i = 0; i < count; i++) {
          this.left[i] = left[at + i]!;
          this.right[i] = right[at + i]!;
        }
      }
      this.run(
        0,
        this.modesAddress,
        this.coefficientsAddress,
        this.stateAddress,
        this.sections,
        this.leftAddress,
        this.rightAddress,
        count,
      );
      if (copyOut) {
        left.set(this.left);
        right.set(this.right);
      } else {
        for (let i = 0; i < count; i++) {
          left[at + i] = this.left[i]!;
          right[at + i] = this.right[i]!;
        }
      }
    }
  }

  /** Clears all state; modes and coefficients stay. Allocates nothing. */
  reset(): void {
    this.state.fill(0);
  }
}
