import { QcEventLog, type QcEventList } from './qc-events.ts';

/** Samples below this magnitude are silence: -90 dBFS, just under one 16-bit LSB (-90.3 dBFS). */
export const SILENCE_THRESHOLD_DBFS = -90;
const SILENCE_THRESHOLD = 10 ** (SILENCE_THRESHOLD_DBFS / 20);
/** Consecutive full-scale samples that make a clipped run (one or two are a legitimate peak). */
export const MIN_CLIPPED_RUN = 3;
/** Correlation window: the momentary-loudness length, short enough to catch a phase-flipped phrase. */
export const CORRELATION_WINDOW_SECONDS = 0.4;
/** Windows where either channel's RMS is below this (-70 dBFS) are left out: noise floors correlate randomly. */
const QUIET_POWER = 10 ** (-70 / 10);

export interface CorrelationResult {
  /** Lowest window correlation, -1..1. */
  readonly min: number;
  /** Mean of the window correlations (each window counts once). */
  readonly mean: number;
  /** Windows that counted. */
  readonly windows: number;
}

export interface SampleScanResult {
  /** Mean of each channel's finite samples (DC offset, linear full scale); null if none. */
  readonly dcOffset: readonly (number | null)[];
  readonly nanSamples: number;
  readonly infiniteSamples: number;
  /** Frames before the first frame with any channel at or above the silence threshold. */
  readonly leadingSilenceFrames: number;
  /** Frames after the last such frame; an all-silent file is silent both ways (= its length). */
  readonly trailingSilenceFrames: number;
  /** Runs of MIN_CLIPPED_RUN or more full-scale samples on one channel. */
  readonly clippedRuns: QcEventList;
  /** Stereo only (else null), and null when no window counted (shorter than 400 ms, or silent). */
  readonly correlation: CorrelationResult | null;
}

/**
 * The per-sample QC checks of a file, with as few passes over each block as they allow: one loop
 * (over both channels of a stereo file) sums every sample for the DC offset and the correlation
 * and finds each channel's peak; only blocks that reach full scale (or continue a run) are read
 * again for clipped runs; and silence is found looking back from the block's end, which stops at
 * the first loud sample. The peaks are left in `blockPeaks` for the true-peak meter, which then
 * need not read the samples itself.
 *
 * - DC offset: each channel's mean, summed in double; non-finite samples left out.
 * - Silence: where the first and last frames with any channel at or above -90 dBFS are.
 * - Clipped runs: MIN_CLIPPED_RUN or more consecutive samples of one channel at full scale
 *   (|x| >= fullScale: 1.0 for float, the extreme code for PCM). Runs may span blocks; a
 *   non-finite sample ends a run (it is a fault, counted separately).
 * - Stereo: L/R phase correlation per consecutive (non-overlapping) 400 ms window, as a
 *   correlation meter shows it: r = sum(L*R) / sqrt(sum(L^2) * sum(R^2)), without removing the
 *   mean, so identical channels read +1, inverted ones -1, unrelated ones about 0. The final
 *   partial window is dropped, and so are windows where either channel is below -70 dBFS RMS.
 * - NaN and Infinity counts, by `sanitize`.
 *
 * `process` takes finite samples: blocks that can hold NaN or Infinity (float files) go through
 * `sanitize` first, which counts them and sets them to 0, the value every meter measures them as.
 * Integer PCM cannot hold them and skips that pass. Constant memory.
 */
export class SampleScan {
  private readonly sampleRate: number;
  private readonly channelCount: number;
  private readonly fullScale: number;
  private readonly sums: Float64Array;
  /** Non-finite samples per channel (left out of the mean). */
  private readonly bad: Float64Array;
  /** Per channel: length and start frame of the clipped run in progress, and its peak. */
  private readonly runLength: Float64Array;
  private readonly runStart: Float64Array;
  private readonly runPeak: Float64Array;
  private readonly clips = new QcEventLog();
  /** Each channel's largest |x| in the last block processed. */
  readonly blockPeaks: Float64Array;
  private nan = 0;
  private infinite = 0;
  /** Frames processed before the current block. */
  private frame = 0;
  /** First and last non-silent frame, -1 while none. */
  private first = -1;
  private last = -1;
  private readonly windowFrames: number;
  /** Correlation window in progress: sums of L*R, L^2, R^2, and frames in it. */
  private lr = 0;
  private ll = 0;
  private rr = 0;
  private fill = 0;
  private correlationMin = Infinity;
  private correlationSum = 0;
  private windows = 0;

  constructor(sampleRate: number, channelCount: number, fullScale: number) {
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.fullScale = fullScale;
    this.sums = new Float64Array(channelCount);
    this.bad = new Float64Array(channelCount);
    this.runLength = new Float64Array(channelCount);
    this.runStart = new Float64Array(channelCount);
    this.runPeak = new Float64Array(channelCount);
    this.blockPeaks = new Float64Array(channelCount);
    this.windowFrames = Math.max(1, Math.round(sampleRate * CORRELATION_WINDOW_SECONDS));
  }

  /** Counts NaN and +-Infinity samples of the block and sets them to 0, in place. */
  sanitize(channels: readonly Float32Array[], frames: number): void {
    for (let c = 0; c < this.channelCount; c++) {
      const x = channels[c]!;
      let bad = 0;
      for (let i = 0; i < frames; i++) {
        const v = x[i]!;
        // v - v is NaN for NaN and +-Infinity, 0 for every finite sample.
        if (v - v !== 0) {
          if (Number.isNaN(v)) this.nan++;
          else this.infinite++;
          x[i] = 0;
          bad++;
        }
      }
      this.bad[c] = this.bad[c]! + bad;
    }
  }

  /**
   * Scans the next `frames` frames (finite samples: see `sanitize`), and leaves each channel's
   * largest |x| of the block in `blockPeaks`.
   */
  process(channels: readonly Float32Array[], frames: number): void {
    if (this.channelCount === 2) this.sumStereo(channels[0]!, channels[1]!, frames);
    else this.sumChannels(channels, frames);
    const fullScale = this.fullScale;
    for (let c = 0; c < this.channelCount; c++) {
      // Full scale is rare: only blocks reaching it, or continuing a run, are looked at again.
      if (this.blockPeaks[c]! >= fullScale || this.runLength[c]! > 0) this.findClips(c, channels[c]!, frames);
    }
    this.findSilence(channels, frames);
    this.frame += frames;
  }

  /** Sums (DC), peaks and the correlation windows of a stereo block, in one loop. */
  private sumStereo(left: Float32Array, right: Float32Array, frames: number): void {
    let sumLeft = 0;
    let sumRight = 0;
    let peakLeft = 0;
    let peakRight = 0;
    let i = 0;
    while (i < frames) {
      const end = Math.min(frames, i + this.windowFrames - this.fill);
      let lr = 0;
      let ll = 0;
      let rr = 0;
      for (let k = i; k < end; k++) {
        const l = left[k]!;
        const r = right[k]!;
        sumLeft += l;
        sumRight += r;
        lr += l * r;
        ll += l * l;
        rr += r * r;
        const magnitudeLeft = l < 0 ? -l : l;
        const magnitudeRight = r < 0 ? -r : r;
        peakLeft = magnitudeLeft > peakLeft ? magnitudeLeft : peakLeft;
        peakRight = magnitudeRight > peakRight ? magnitudeRight : peakRight;
      }
      this.lr += lr;
      this.ll += ll;
      this.rr += rr;
      this.fill += end - i;
      i = end;
      if (this.fill === this.windowFrames) this.finishWindow();
    }
    this.sums[0] = this.sums[0]! + sumLeft;
    this.sums[1] = this.sums[1]! + sumRight;
    this.blockPeaks[0] = peakLeft;
    this.blockPeaks[1] = peakRight;
  }

  private sumChannels(channels: readonly Float32Array[], frames: number): void {
    for (let c = 0; c < this.channelCount; c++) {
      const x = channels[c]!;
      let sum = 0;
      let peak = 0;
      for (let k = 0; k < frames; k++) {
        const v = x[k]!;
        sum += v;
        const magnitude = v < 0 ? -v : v;
        peak = magnitude > peak ? magnitude : peak;
      }
      this.sums[c] = this.sums[c]! + sum;
      this.blockPeaks[c] = peak;
    }
  }

  /** Clipped-run bookkeeping over one channel of the block. */
  private findClips(channel: number, x: Float32Array, frames: number): void {
    const fullScale = this.fullScale;
    let length = this.runLength[channel]!;
    let peak = this.runPeak[channel]!;
    for (let k = 0; k < frames; k++) {
      const v = x[k]!;
      const magnitude = v < 0 ? -v : v;
      if (magnitude >= fullScale && magnitude < Infinity) {
        if (length === 0) {
          this.runStart[channel] = this.frame + k;
          peak = 0;
        }
        length++;
        if (magnitude > peak) peak = magnitude;
      } else if (length > 0) {
        this.runPeak[channel] = peak;
        this.endRun(channel, length);
        length = 0;
      }
    }
    this.runLength[channel] = length;
    this.runPeak[channel] = peak;
  }

  /**
   * First and last frames with any channel at or above the silence threshold: the last one by
   * looking back from the block's end (programme material stops the search at once), the first
   * one only until it is found.
   */
  private findSilence(channels: readonly Float32Array[], frames: number): void {
    const last = this.lastLoud(channels, frames);
    if (last < 0) return;
    if (this.first < 0) this.first = this.frame + this.firstLoud(channels, last);
    this.last = this.frame + last;
  }

  /** The block's last loud frame, -1 if none. */
  private lastLoud(channels: readonly Float32Array[], frames: number): number {
    let last = -1;
    for (let c = 0; c < this.channelCount; c++) {
      const x = channels[c]!;
      for (let k = frames - 1; k > last; k--) {
        const v = x[k]!;
        if (v >= SILENCE_THRESHOLD || v <= -SILENCE_THRESHOLD) {
          last = k;
          break;
        }
      }
    }
    return last;
  }

  /** The block's first loud frame, knowing frame `last` is loud. */
  private firstLoud(channels: readonly Float32Array[], last: number): number {
    let first = last;
    for (let c = 0; c < this.channelCount; c++) {
      const x = channels[c]!;
      for (let k = 0; k < first; k++) {
        const v = x[k]!;
        if (v >= SILENCE_THRESHOLD || v <= -SILENCE_THRESHOLD) {
          first = k;
          break;
        }
      }
    }
    return first;
  }

  private endRun(channel: number, length: number): void {
    if (length < MIN_CLIPPED_RUN) return;
    this.clips.add({
      channel,
      startSec: this.runStart[channel]! / this.sampleRate,
      durationSec: length / this.sampleRate,
      peakDb: 20 * Math.log10(this.runPeak[channel]!),
    });
  }

  private finishWindow(): void {
    const n = this.windowFrames;
    if (this.ll / n >= QUIET_POWER && this.rr / n >= QUIET_POWER) {
      const r = Math.max(-1, Math.min(1, this.lr / Math.sqrt(this.ll * this.rr)));
      if (r < this.correlationMin) this.correlationMin = r;
      this.correlationSum += r;
      this.windows++;
    }
    this.lr = 0;
    this.ll = 0;
    this.rr = 0;
    this.fill = 0;
  }

  /** Everything so far; closes the clipped runs still open (call once, at the end of the file). */
  result(): SampleScanResult {
    for (let c = 0; c < this.channelCount; c++) {
      if (this.runLength[c]! > 0) this.endRun(c, this.runLength[c]!);
      this.runLength[c] = 0;
    }
    const silent = this.first < 0;
    return {
      dcOffset: Array.from(this.sums, (sum, c) => {
        const finite = this.frame - this.bad[c]!;
        return finite > 0 ? sum / finite : null;
      }),
      nanSamples: this.nan,
      infiniteSamples: this.infinite,
      leadingSilenceFrames: silent ? this.frame : this.first,
      trailingSilenceFrames: silent ? this.frame : this.frame - 1 - this.last,
      clippedRuns: this.clips.list(),
      correlation:
        this.channelCount !== 2 || this.windows === 0
          ? null
          : { min: this.correlationMin, mean: this.correlationSum / this.windows, windows: this.windows },
    };
  }
}
