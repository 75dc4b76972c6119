import { MAX_LISTED_EVENTS, type QcEvent, type QcEventList } from './qc-events.ts';

/** Consecutive full-scale samples that make a clipped run (one or two are a legitimate peak). */
export const MIN_CLIPPED_RUN = 3;

/**
 * Finds clipped runs: MIN_CLIPPED_RUN or more consecutive samples of one channel at full scale
 * (|x| >= fullScale: 1.0 for float, the extreme code for PCM). Runs may span blocks; non-finite
 * samples end a run (they are counted as faults elsewhere).
 */
export class ClipDetector {
  private readonly sampleRate: number;
  private readonly fullScale: number;
  /** Per channel: length and start frame of the run in progress, and its peak. */
  private readonly runLength: Float64Array;
  private readonly runStart: Float64Array;
  private readonly runPeak: Float64Array;
  private readonly events: QcEvent[] = [];
  private count = 0;
  private frame = 0;

  constructor(sampleRate: number, channelCount: number, fullScale: number) {
    this.sampleRate = sampleRate;
    this.fullScale = fullScale;
    this.runLength = new Float64Array(channelCount);
    this.runStart = new Float64Array(channelCount);
    this.runPeak = new Float64Array(channelCount);
  }

  process(channels: readonly Float32Array[], frames: number): void {
    const fullScale = this.fullScale;
    for (let c = 0; c < this.runLength.length; c++) {
      const x = channels[c]!;
      let length = this.runLength[c]!;
      let peak = this.runPeak[c]!;
      for (let i = 0; i < frames; i++) {
        const v = x[i]!;
        const magnitude = v < 0 ? -v : v;
        if (magnitude >= fullScale && magnitude < Infinity) {
          if (length === 0) {
            this.runStart[c] = this.frame + i;
            peak = 0;
          }
          length++;
          if (magnitude > peak) peak = magnitude;
        } else if (length > 0) {
          this.endRun(c, length, peak);
          length = 0;
        }
      }
      this.runLength[c] = length;
      this.runPeak[c] = peak;
    }
    this.frame += frames;
  }

  /** Closes runs still open at the end of the file. */
  finish(): QcEventList {
    for (let c = 0; c < this.runLength.length; c++) {
      if (this.runLength[c]! > 0) this.endRun(c, this.runLength[c]!, this.runPeak[c]!);
      this.runLength[c] = 0;
    }
    return { count: this.count, events: [...this.events] };
  }

  private endRun(channel: number, length: number, peak: number): void {
    if (length < MIN_CLIPPED_RUN) return;
    this.count++;
    if (this.events.length < MAX_LISTED_EVENTS) {
      this.events.push({
        channel,
        startSec: this.runStart[channel]! / this.sampleRate,
        durationSec: length / this.sampleRate,
        peakDb: 20 * Math.log10(peak),
      });
    }
  }
}
