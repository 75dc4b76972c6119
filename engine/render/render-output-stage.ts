import { WavStreamWriter, type WavStreamWriterOptions } from '../audio/wav-stream-writer.ts';
import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import { TruePeakMeter } from '../meters/true-peak-meter.ts';
import type { OutputMeasurement } from './render-output.ts';

/** Frames per true-peak kernel call (the meter's input lines). */
const MEASURE_FRAMES = 4096;

/**
 * The last stage of a render, wherever it runs (the rendering thread or a worker): makes the
 * output finite, measures it (BS.1770-5 loudness, true peak) and writes the stereo file.
 *
 * Non-finite output (which the chain's limiter should never let through) is written and measured
 * as 0.
 */
export class RenderOutputStage {
  private readonly writer: WavStreamWriter;
  private readonly loudness: LoudnessMeter;
  private readonly truePeak: TruePeakMeter;
  private readonly samplePeaks = new Float64Array(2);
  private readonly pair: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  private readonly syncEveryFrames: number;
  private framesSinceSync = 0;

  private constructor(writer: WavStreamWriter, syncEveryFrames: number) {
    this.writer = writer;
    this.syncEveryFrames = syncEveryFrames;
    this.loudness = new LoudnessMeter(writer.sampleRate, 2);
    this.truePeak = new TruePeakMeter(writer.sampleRate, 2, undefined, MEASURE_FRAMES);
  }

  /**
   * Creates the temporary output file (see WavStreamWriter) for stereo audio. With
   * `syncEveryFrames`, the file is synced to the disk each time that many frames more have been
   * written: a stage off the rendering thread then leaves less for the final sync (a 60 s
   * master's finish took 20 ms, 7 ms so), which the render waits for.
   */
  static async open(
    target: string,
    options: WavStreamWriterOptions,
    syncEveryFrames = 0,
  ): Promise<RenderOutputStage> {
    const writer = await WavStreamWriter.create(target, { ...options, channelCount: 2 });
    return new RenderOutputStage(writer, syncEveryFrames);
  }

  /** Measures and writes `frames` frames of `left` and `right` (made finite in place). */
  async write(left: Float32Array, right: Float32Array, frames: number): Promise<void> {
    const lineLeft = this.truePeak.input(0);
    const lineRight = this.truePeak.input(1);
    for (let start = 0; start < frames; start += MEASURE_FRAMES) {
      const count = Math.min(MEASURE_FRAMES, frames - start);
      let peakLeft = 0;
      let peakRight = 0;
      for (let i = 0; i < count; i++) {
        // x - x is NaN for NaN and +-Infinity, 0 otherwise.
        let l = left[start + i]!;
        let r = right[start + i]!;
        if (l - l !== 0) left[start + i] = l = 0;
        if (r - r !== 0) right[start + i] = r = 0;
        lineLeft[i] = l;
        lineRight[i] = r;
        const ml = l < 0 ? -l : l;
        const mr = r < 0 ? -r : r;
        if (ml > peakLeft) peakLeft = ml;
        if (mr > peakRight) peakRight = mr;
      }
      this.pair[0] = count === MEASURE_FRAMES ? lineLeft : lineLeft.subarray(0, count);
      this.pair[1] = count === MEASURE_FRAMES ? lineRight : lineRight.subarray(0, count);
      this.loudness.process(this.pair, count);
      this.samplePeaks[0] = peakLeft;
      this.samplePeaks[1] = peakRight;
      this.truePeak.processInput(count, this.samplePeaks);
    }
    this.pair[0] = left;
    this.pair[1] = right;
    await this.writer.write(this.pair, frames);
    this.framesSinceSync += frames;
    if (this.syncEveryFrames > 0 && this.framesSinceSync >= this.syncEveryFrames) {
      this.framesSinceSync = 0;
      await this.writer.syncData();
    }
  }

  /** Completes the file, with the loudness in its bext chunk, and returns the measurement. */
  async finish(): Promise<OutputMeasurement> {
    const measurement: OutputMeasurement = {
      integratedLufs: this.loudness.integrated(),
      loudnessRangeLu: this.loudness.loudnessRange(),
      maxShortTermLufs: this.loudness.maxShortTerm(),
      truePeakDbtp: this.truePeak.truePeakDb(),
      samplePeakDbfs: this.truePeak.samplePeakDb(),
    };
    await this.writer.finish({
      loudness: {
        integrated: measurement.integratedLufs,
        range: measurement.loudnessRangeLu,
        maxTruePeak: measurement.truePeakDbtp,
        maxShortTerm: measurement.maxShortTermLufs,
      },
    });
    return measurement;
  }

  /** Deletes the temporary file. Never throws. */
  abort(): Promise<void> {
    return this.writer.abort();
  }
}
