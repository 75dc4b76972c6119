/**
 * A BiquadCascade for a stereo pair, run by a WebAssembly SIMD kernel (biquad-stereo.wat, or
 * biquad-stereo-f32.wat for 'float32'): left and right in the two f64 lanes of one vector, every
 * running section of the block in one kernel call, up to four sections per pass over the frames. Same sections, modes (off, on, draining)
 * and per-block flush as BiquadCascade (engine/dsp/biquad-filter.ts), with the same arithmetic in
 * double precision per lane.
 *
 * Two precisions:
 * - 'double' (biquad-stereo.wat): the signal stays in doubles from the first running section to
 *   the last (converted from Float32 once on the way in and back once on the way out), where
 *   BiquadCascade.process stores every section's output in the Float32 buffer. The result is the
 *   exact double cascade rounded once: it differs from BiquadCascade by float32 rounding only.
 * - 'float32' (biquad-stereo-f32.wat): each section's output is rounded to Float32 as
 *   BiquadCascade.process does (in registers, between the sections of a pass), so output, state
 *   and modes are bit-identical to it (tested); where a processor's results must not move (the
 *   mastering EQ). The rounding costs about a third more than 'double'.
 *
 * Coefficients, state and modes live in the kernel's memory; the public arrays are views on it,
 * written and read as with BiquadCascade.
 */
import { BIQUAD_COEFFICIENTS, designIdentity } from '../dsp/biquad-design.ts';
import { SECTION_DRAINING, SECTION_OFF, SECTION_ON, SETTLE_THRESHOLD } from '../dsp/biquad-filter.ts';
import { DENORMAL_FLUSH } from '../processors/block-processor.ts';
import { instantiateKernel } from './wasm-kernel.ts';

/** How the signal is kept between sections (see above). */
export type StereoBiquadPrecision = 'double' | 'float32';

/** biquad-stereo.wat and biquad-stereo-f32.wat: byte addresses and counts only (see their headers). */
interface BiquadStereoExports extends WebAssembly.Exports {
  run: (
    limits: number,
    modes: number,
    coefficients: number,
    state: number,
    sections: number,
    block: number,
    left: number,
    right: number,
    frames: number,
  ) => void;
}

/** Doubles of state per slot: s1 (left, right), then s2 (left, right). */
export const STEREO_BIQUAD_STATE = 4;

/** Bytes of kernel memory per slot and per frame. */
const MODE_BYTES = 4;
const COEFFICIENT_BYTES = BIQUAD_COEFFICIENTS * 8;
const STATE_BYTES = STEREO_BIQUAD_STATE * 8;
const FRAME_BYTES = 16;
const SAMPLE_BYTES = 4;

function alignTo16(bytes: number): number {
  return (bytes + 15) & ~15;
}

export class StereoBiquadCascade {
  readonly sections: number;
  /** Frames per kernel call; longer process calls are cut into pieces of this size. */
  readonly blockFrames: number;
  /** [b0, b1, b2, a1, a2] per slot (a view on kernel memory). */
  readonly coefficients: Float64Array;
  /** [s1 left, s1 right, s2 left, s2 right] per slot (a view on kernel memory). */
  readonly state: Float64Array;
  /** SECTION_OFF | SECTION_ON | SECTION_DRAINING per slot (a view on kernel memory). */
  readonly mode: Int32Array;
  /** The samples in kernel memory, Float32 like the caller's (a copy is a memcpy). */
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private readonly run: BiquadStereoExports['run'];
  // Byte addresses in kernel memory (the flush thresholds are at 0).
  private readonly modesAddress: number;
  private readonly coefficientsAddress: number;
  private readonly stateAddress: number;
  /** Where the kernel keeps the frames as f64 pairs between groups of sections. */
  private readonly blockAddress: number;
  private readonly leftAddress: number;
  private readonly rightAddress: number;

  /** Setup code: instantiates the kernel with memory for `sections` slots and `blockFrames` frames. */
  constructor(sections: number, blockFrames: number, precision: StereoBiquadPrecision = 'double') {
    this.sections = sections;
    this.blockFrames = Math.max(1, blockFrames);
    // Memory: [flush threshold, settle threshold], modes, coefficients, state, block, left, right.
    this.modesAddress = 16;
    this.coefficientsAddress = alignTo16(this.modesAddress + sections * MODE_BYTES);
    this.stateAddress = alignTo16(this.coefficientsAddress + sections * COEFFICIENT_BYTES);
    this.blockAddress = this.stateAddress + sections * STATE_BYTES;
    this.leftAddress = this.blockAddress + this.blockFrames * FRAME_BYTES;
    this.rightAddress = alignTo16(this.leftAddress + this.blockFrames * SAMPLE_BYTES);
    const bytes = this.rightAddress + this.blockFrames * SAMPLE_BYTES;
    const { exports, memory } = instantiateKernel<BiquadStereoExports>(
      precision === 'double' ? 'biquad-stereo' : 'biquad-stereo-f32',
      bytes,
    );
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
    this.state = new Float64Array(memory.buffer, this.stateAddress, sections * STEREO_BIQUAD_STATE);
    this.left = new Float32Array(memory.buffer, this.leftAddress, this.blockFrames);
    this.right = new Float32Array(memory.buffer, this.rightAddress, this.blockFrames);
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
    this.state.fill(0, slot * STEREO_BIQUAD_STATE, (slot + 1) * STEREO_BIQUAD_STATE);
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
        const at = slot * STEREO_BIQUAD_STATE;
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
   * Runs every non-OFF slot on `left` and `right` (Float32, in place; both may be the same array,
   * e.g. for a mono signal). Does nothing, not even a copy, when every slot is OFF. Audio thread:
   * allocates nothing, never throws.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    let running = false;
    for (let slot = 0; slot < this.sections; slot++) if (this.mode[slot] !== SECTION_OFF) running = true;
    if (!running) return;
    const size = this.blockFrames;
    // Whole arrays go in and whole kernel blocks come out with TypedArray.set (a memcpy, about
    // ten times faster than an element loop on V8 11); anything else is copied element-wise.
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
        this.blockAddress,
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
