import type { WavStreamWriterOptions } from '../audio/wav-stream-writer.ts';
import type { OutputMeasurement, RenderOutput } from './render-output.ts';
import { RenderOutputStage } from './render-output-stage.ts';

/**
 * A render's output measured and written on the rendering thread itself, one chunk at a time:
 * for short renders, where starting a worker (about 0.3 s) would cost more than it saves.
 */
export class InlineRenderOutput implements RenderOutput {
  readonly chunkFrames: number;
  private readonly stage: RenderOutputStage;
  private readonly pair: readonly [Float32Array, Float32Array];

  private constructor(stage: RenderOutputStage, chunkFrames: number) {
    this.stage = stage;
    this.chunkFrames = chunkFrames;
    this.pair = [new Float32Array(chunkFrames), new Float32Array(chunkFrames)];
  }

  static async open(
    target: string,
    options: WavStreamWriterOptions,
    chunkFrames: number,
  ): Promise<InlineRenderOutput> {
    return new InlineRenderOutput(await RenderOutputStage.open(target, options), chunkFrames);
  }

  buffers(): readonly [Float32Array, Float32Array] {
    return this.pair;
  }

  push(frames: number): Promise<void> {
    return this.stage.write(this.pair[0], this.pair[1], frames);
  }

  finish(): Promise<OutputMeasurement> {
    return this.stage.finish();
  }

  abort(): Promise<void> {
    return this.stage.abort();
  }
}
