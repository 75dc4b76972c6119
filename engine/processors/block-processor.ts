import type { ParamSpec } from '../params/param-spec.ts';

/**
 * One parameter of a processor, without its place in the console: the graph prefixes `key`
 * (`eq/1/gain`) with the owner (`strip/03/`, `master/`) to make the console-wide id.
 */
export type ParamTemplate = Omit<ParamSpec, 'id'> & { readonly key: string };

/**
 * A DSP stage of the block loop (strip, aux or master chain). Channel count (1 or 2) is fixed at
 * construction; buffers are planar, processed in place.
 *
 * Rules (see docs/ARCHITECTURE.md, "The block function"): `update`, `process` and `reset` run on
 * the audio thread and never allocate, log, await or throw. Doubles are not passed to or
 * returned from per-block calls that V8 may not inline (they get boxed): parameters arrive
 * in a Float64Array, results (gain reduction) are written to fields or typed arrays.
 */
export interface BlockProcessor {
  /** Delay the processor adds, in frames (the graph compensates parallel paths). */
  readonly latencyFrames: number;
  /**
   * Audio thread: take this block's parameter values, plain units, already smoothed by the
   * graph, from `values[base + i]` where i is the index in the processor's template list.
   * Recompute coefficients only when a value changed. Allocates nothing.
   */
  update(values: Float64Array, base: number): void;
  /**
   * Audio thread: process `frames` frames in place. For a mono processor `right` is ignored
   * (the caller may pass `left` twice). Allocates nothing, never throws.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void;
  /** Clears all state (delay lines, envelopes, filter memories), e.g. before an offline render. */
  reset(): void;
}

/** Flush-to-zero threshold for recursive state: JS cannot set FTZ/DAZ, and subnormals are ~25x slower. */
export const DENORMAL_FLUSH = 1e-25;
