import type { FramePeakObserver } from '../meters/true-peak-meter.ts';
import { QcEventLog, type QcEventList } from './qc-events.ts';

/** Overs closer than this are one event (a limiter overshoot is many points in a few ms). */
const MERGE_SECONDS = 0.01;

/**
 * Finds true-peak overs: interpolated (or sample) points above 0 dBTP, with their times. It is
 * the TruePeakMeter's frame-peak observer, so the BS.1770 interpolation runs once for both the
 * meter's maximum and this: the meter only keeps a maximum and cannot say *when*.
 *
 * Times are those of the interpolated points (the filter's delay is taken out), to within half
 * a sample period: a frame's peak is the largest of the points between two samples, timed at
 * their middle. Events on one channel closer than 10 ms are merged.
 */
export class TruePeakOverDetector implements FramePeakObserver {
  /** Overs are points above 1.0 (0 dBTP): the meter need not show it quieter chunks. */
  readonly threshold = 1;
  private readonly sampleRate: number;
  private readonly channelCount: number;
  /** Seconds from a frame's index to its interpolated points' middle (the filter's delay). */
  private readonly pointOffset: number;
  /** Per channel: open event start / end time (seconds) and peak (linear); start NaN when none. */
  private readonly openStart: Float64Array;
  private readonly openEnd: Float64Array;
  private readonly openPeak: Float64Array;
  private readonly events = new QcEventLog();

  /** `tapsPerPhase`: the meter's (its filter delay is half of it). */
  constructor(sampleRate: number, channelCount: number, tapsPerPhase: number) {
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.pointOffset = (0.5 - tapsPerPhase / 2) / sampleRate;
    this.openStart = new Float64Array(channelCount).fill(Number.NaN);
    this.openEnd = new Float64Array(channelCount);
    this.openPeak = new Float64Array(channelCount);
  }

  framePeaks(
    channel: number,
    firstFrame: number,
    samples: Float32Array,
    peaks: Float32Array,
    frames: number,
  ): void {
    for (let i = 0; i < frames; i++) {
      const magnitude = Math.abs(samples[i]!);
      if (magnitude > this.threshold) this.over(channel, (firstFrame + i) / this.sampleRate, magnitude);
      const y = peaks[i]!;
      if (y > this.threshold) this.over(channel, (firstFrame + i) / this.sampleRate + this.pointOffset, y);
    }
  }

  /** Closes open events; call after the meter has been flushed (its last points need samples after them). */
  finish(): QcEventList {
    for (let c = 0; c < this.channelCount; c++) this.close(c);
    return this.events.list();
  }

  private over(channel: number, time: number, magnitude: number): void {
    const start = this.openStart[channel]!;
    if (!Number.isNaN(start) && time - this.openEnd[channel]! > MERGE_SECONDS) this.close(channel);
    if (Number.isNaN(this.openStart[channel]!)) {
      this.openStart[channel] = time;
      this.openEnd[channel] = time;
      this.openPeak[channel] = 0;
    }
    // Sample points arrive before the (earlier, filter-delayed) interpolated points near them.
    this.openStart[channel] = Math.min(this.openStart[channel]!, time);
    this.openEnd[channel] = Math.max(this.openEnd[channel]!, time);
    if (magnitude > this.openPeak[channel]!) this.openPeak[channel] = magnitude;
  }

  private close(channel: number): void {
    const start = this.openStart[channel]!;
    if (Number.isNaN(start)) return;
    this.events.add({
      channel,
      startSec: start,
      durationSec: this.openEnd[channel]! - start,
      peakDb: 20 * Math.log10(this.openPeak[channel]!),
    });
    this.openStart[channel] = Number.NaN;
  }
}
