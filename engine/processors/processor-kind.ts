import type { BlockProcessor, ParamTemplate } from './block-processor.ts';

/** A kind of processor the console can place: its parameters (defined once) and a factory. */
export interface ProcessorKind {
  readonly params: readonly ParamTemplate[];
  /** Builds one instance; set-up time only (allocates its buffers here). */
  create(sampleRate: number, maxBlockFrames: number, channels: 1 | 2): BlockProcessor;
}
