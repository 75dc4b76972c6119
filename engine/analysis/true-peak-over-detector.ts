import { designTruePeakFilter } from '../meters/true-peak-filter.ts';
import { MAX_LISTED_EVENTS, type QcEvent, type QcEventList } from './qc-events.ts';

/** Overs closer than this are one event (a limiter overshoot is many points in a few ms). */
const MERGE_SECONDS = 0.01;

/**
 * Finds true-peak overs: interpolated (or sample) points above 0 dBTP, with their times, using
 * the same BS.1770 interpolation filter as TruePeakMeter. The meter only keeps a maximum, so it
 * cannot say *when*; this runs the filter itself, but only near loud samples: a point is a
 * weighted sum of the window, so it cannot exceed 1.0 unless some window sample exceeds
 * 1 / (largest sum of |weights| of a phase). Quiet passages cost one compare per sample.
 *
 * Times are those of the interpolated point (the filter's delay is taken out); events on one
 * channel closer than 10 ms are merged.
 */
export class TruePeakOverDetector {
  private readonly sampleRate: number;
  private readonly factor: number;
  private readonly taps: number;
  private readonly coefficients: Float64Array;
  private readonly gate: number;
  private readonly lines: Float64Array;
  private readonly positions: Int32Array;
  /** Per channel: frames left during which the window holds a sample above the gate. */
  private readonly hot: Int32Array;
  /** Per channel: open event start / end time (seconds) and peak (linear); start NaN when none. */
  private readonly openStart: Float64Array;
  private readonly openEnd: Float64Array;
  private readonly openPeak: Float64Array;
  private readonly events: QcEvent[] = [];
  private count = 0;
  private frame = 0;

  constructor(sampleRate: number, channelCount: number) {
    const filter = designTruePeakFilter(sampleRate);
    this.sampleRate = sampleRate;
    this.factor = filter.factor;
    this.taps = filter.tapsPerPhase;
    this.coefficients = filter.coefficients;
    let widest = 1;
    for (let p = 0; p + 1 < this.factor; p++) {
      let sum = 0;
      for (let j = 0; j < this.taps; j++) sum += Math.abs(this.coefficients[p * this.taps + j]!);
      widest = Math.max(widest, sum);
    }
    this.gate = 1 / widest;
    this.lines = new Float64Array(channelCount * 2 * Math.max(1, this.taps));
    this.positions = new Int32Array(channelCount);
    this.hot = new Int32Array(channelCount);
    this.openStart = new Float64Array(channelCount).fill(Number.NaN);
    this.openEnd = new Float64Array(channelCount);
    this.openPeak = new Float64Array(channelCount);
  }

  process(channels: readonly Float32Array[], frames: number): void {
    const taps = this.taps;
    const phases = this.factor - 1;
    const coefficients = this.coefficients;
    const lines = this.lines;
    const gate = this.gate;
    const half = taps / 2;
    for (let c = 0; c < this.positions.length; c++) {
      const input = channels[c];
      const lineStart = c * 2 * taps;
      let pos = this.positions[c]!;
      let hot = this.hot[c]!;
      for (let i = 0; i < frames; i++) {
        let x = input === undefined ? 0 : input[i]!;
        if (x - x !== 0) x = 0; // NaN / Infinity: measured as 0, as TruePeakMeter does
        const magnitude = x < 0 ? -x : x;
        const n = this.frame + i;
        if (magnitude > 1) this.over(c, n / this.sampleRate, magnitude);
        if (phases === 0) continue;
        pos = pos + 1 === taps ? 0 : pos + 1;
        lines[lineStart + pos] = x;
        lines[lineStart + pos + taps] = x;
        if (magnitude >= gate) hot = taps;
        if (hot === 0) continue;
        hot--;
        const window = lineStart + pos + 1;
        for (let p = 0; p < phases; p++) {
          let y = 0;
          const base = p * taps;
          for (let j = 0; j < taps; j++) y += coefficients[base + j]! * lines[window + j]!;
          if (y < 0) y = -y;
          if (y > 1) this.over(c, (n - half + (p + 1) / this.factor) / this.sampleRate, y);
        }
      }
      this.positions[c] = pos;
      this.hot[c] = hot;
    }
    this.frame += frames;
  }

  /** Flushes the filter with silence (the last points need samples after them) and closes events. */
  finish(): QcEventList {
    if (this.taps > 0) {
      const silence = new Float32Array(this.taps);
      const frame = this.frame;
      this.process(
        Array.from({ length: this.positions.length }, () => silence),
        this.taps,
      );
      this.frame = frame;
    }
    for (let c = 0; c < this.positions.length; c++) this.close(c);
    return { count: this.count, events: [...this.events] };
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
    this.count++;
    if (this.events.length < MAX_LISTED_EVENTS) {
      this.events.push({
        channel,
        startSec: start,
        durationSec: this.openEnd[channel]! - start,
        peakDb: 20 * Math.log10(this.openPeak[channel]!),
      });
    }
    this.openStart[channel] = Number.NaN;
  }
}
