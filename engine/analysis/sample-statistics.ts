/** Samples below this magnitude are silence: -90 dBFS, just under one 16-bit LSB (-90.3 dBFS). */
export const SILENCE_THRESHOLD_DBFS = -90;
const SILENCE_THRESHOLD = 10 ** (SILENCE_THRESHOLD_DBFS / 20);

export interface SampleStatisticsResult {
  /** Mean of each channel's finite samples (DC offset, linear full scale); null if none. */
  readonly dcOffset: readonly (number | null)[];
  readonly nanSamples: number;
  readonly infiniteSamples: number;
  /** Frames before the first frame with any channel at or above the silence threshold. */
  readonly leadingSilenceFrames: number;
  /** Frames after the last such frame; an all-silent file is silent both ways (= its length). */
  readonly trailingSilenceFrames: number;
}

/**
 * Per-sample bookkeeping in one pass: DC offset (mean, in double, non-finite samples left out),
 * NaN and Infinity counts, and where the first and last non-silent frames are. Constant memory.
 */
export class SampleStatistics {
  private readonly sums: Float64Array;
  private readonly finite: Float64Array;
  private nan = 0;
  private infinite = 0;
  private frame = 0;
  /** First and last non-silent frame, -1 while none. */
  private first = -1;
  private last = -1;

  constructor(channelCount: number) {
    this.sums = new Float64Array(channelCount);
    this.finite = new Float64Array(channelCount);
  }

  process(channels: readonly Float32Array[], frames: number): void {
    let firstLoud = frames;
    let lastLoud = -1;
    for (let c = 0; c < this.sums.length; c++) {
      const x = channels[c]!;
      let sum = 0;
      let bad = 0;
      for (let i = 0; i < frames; i++) {
        const v = x[i]!;
        if (v - v !== 0) {
          if (Number.isNaN(v)) this.nan++;
          else this.infinite++;
          bad++;
          continue;
        }
        sum += v;
        if (v >= SILENCE_THRESHOLD || v <= -SILENCE_THRESHOLD) {
          if (i < firstLoud) firstLoud = i;
          if (i > lastLoud) lastLoud = i;
        }
      }
      this.sums[c] = this.sums[c]! + sum;
      this.finite[c] = this.finite[c]! + frames - bad;
    }
    if (lastLoud >= 0) {
      if (this.first < 0) this.first = this.frame + firstLoud;
      this.last = this.frame + lastLoud;
    }
    this.frame += frames;
  }

  result(): SampleStatisticsResult {
    const silent = this.first < 0;
    return {
      dcOffset: Array.from(this.sums, (sum, c) => (this.finite[c]! > 0 ? sum / this.finite[c]! : null)),
      nanSamples: this.nan,
      infiniteSamples: this.infinite,
      leadingSilenceFrames: silent ? this.frame : this.first,
      trailingSilenceFrames: silent ? this.frame : this.frame - 1 - this.last,
    };
  }
}
