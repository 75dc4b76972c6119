import { TruePeakInterpolator } from './true-peak-interpolator.ts';

/**
 * Sample peak and true peak (ITU-R BS.1770-5 Annex 2, EBU Tech 3341 §2.6), per channel and
 * overall, as the maximum since construction or the last reset().
 *
 * The input is interpolated by L = ceil(192000 / sampleRate) with the polyphase filter of
 * true-peak-filter.ts (design, measured ripple and worst-case under-read are documented there),
 * in single precision, 16 points at a time (WebAssembly f32x4, engine/wasm/polyphase-peak.wat):
 * the f32 weights and sums move a reading by about 1e-6 relative (1e-5 dB), far inside the
 * filter's own ripple, for ~10x the speed of the double-precision JavaScript loop. As libebur128 does, the true peak reported is max(interpolated peak,
 * sample peak); the sample points are phase 0 of the interpolation, so this only makes phase 0
 * exact. At 192 kHz and above L is 1 and the true peak is the sample peak.
 *
 * Annex 2 starts with "attenuate by 12.04 dB" to give integer (fixed-point) implementations
 * 2 bits of headroom for inter-sample overs of up to +12 dB. We compute in IEEE floats, which do
 * not overflow at 1.0, so that step would only scale the result by 1/4 and back: it is omitted.
 *
 * Latency: the interpolated points in the last TAPS_PER_PHASE / 2 frames are measured when the
 * following frames arrive (the filter needs samples on both sides); the sample peak is
 * immediate. Feed TAPS_PER_PHASE / 2 frames of silence at the end of a file to include them.
 * The history before the first frame (and after reset) is silence.
 *
 * Non-finite input (NaN, +-Infinity) is counted per channel and treated as 0 for both peaks and
 * in the filter history, so one bad sample neither poisons the maximum for ever nor hides the
 * rest of the programme; callers report `nonFiniteCount()` as a fault.
 */
/**
 * Receives each frame's interpolated peak as the meter computes it (offline QC: where the overs
 * are). `samples` are the frames as measured (non-finite values already 0); `peaks[i]` is the
 * largest |y| of the points interpolated for frame `firstFrame + i`, which lie tapsPerPhase / 2
 * frames earlier (the filter's delay). Both arrays are only valid during the call.
 */
export interface FramePeakObserver {
  framePeaks(
    channel: number,
    firstFrame: number,
    samples: Float32Array,
    peaks: Float32Array,
    frames: number,
  ): void;
}

export class TruePeakMeter {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Oversampling factor (1 = no interpolation). */
  readonly factor: number;
  readonly tapsPerPhase: number;
  private readonly interpolator: TruePeakInterpolator;
  private readonly samplePeaks: Float64Array;
  /** Counts as doubles: exact to 2^53, never wraps. */
  private readonly nonFinite: Float64Array;
  private readonly observer: FramePeakObserver | undefined;
  /** Frames measured per channel since construction or reset (frame numbers for the observer). */
  private readonly framesSeen: Float64Array;

  constructor(sampleRate: number, channelCount: number, observer?: FramePeakObserver) {
    if (!Number.isInteger(channelCount) || channelCount < 1) {
      throw new RangeError(`invalid channel count ${channelCount}`);
    }
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.interpolator = new TruePeakInterpolator(sampleRate, channelCount);
    this.factor = this.interpolator.factor;
    this.tapsPerPhase = this.interpolator.tapsPerPhase;
    this.samplePeaks = new Float64Array(channelCount);
    this.nonFinite = new Float64Array(channelCount);
    this.observer = observer;
    this.framesSeen = new Float64Array(channelCount);
  }

  /**
   * Measures `frames` frames of each channel (planar; channels beyond channelCount are ignored,
   * missing ones or short arrays are measured only as far as they go). Audio thread: allocates
   * nothing and never throws.
   */
  process(channels: readonly Float32Array[], frames: number): void {
    const count = Math.min(this.channelCount, channels.length);
    const interpolator = this.interpolator;
    const chunkFrames = interpolator.chunkFrames;
    for (let c = 0; c < count; c++) {
      const input = channels[c]!;
      const n = Math.min(frames, input.length);
      let samplePeak = this.samplePeaks[c]!;
      let bad = 0;
      const line = interpolator.input(c);
      for (let at = 0; at < n; at += chunkFrames) {
        const chunk = Math.min(chunkFrames, n - at);
        for (let i = 0; i < chunk; i++) {
          let x = input[at + i]!;
          // x - x is NaN for NaN and +-Infinity, 0 otherwise: one compare for both.
          if (x - x !== 0) {
            x = 0;
            bad++;
          }
          const magnitude = x < 0 ? -x : x;
          if (magnitude > samplePeak) samplePeak = magnitude;
          line[i] = x;
        }
        interpolator.accumulate(c, chunk);
        // The kernel leaves each frame's peak in framePeaks on the way to the maximum.
        this.observer?.framePeaks(c, this.framesSeen[c]! + at, line, interpolator.framePeaks, chunk);
      }
      this.framesSeen[c]! += n;
      this.samplePeaks[c] = samplePeak;
      this.nonFinite[c]! += bad;
    }
  }

  /**
   * Audio thread: overall true peak (dBTP) into out[offset], sample peak (dBFS) into
   * out[offset + 1]; -Infinity for silence. Through an array: a double returned from a call
   * that is not inlined is boxed. Allocates nothing.
   */
  readInto(out: Float64Array, offset: number): void {
    let truePeak = 0;
    let samplePeak = 0;
    for (let c = 0; c < this.channelCount; c++) {
      const sample = this.samplePeaks[c]!;
      const interpolated = this.interpolator.maxima[c]!;
      if (sample > samplePeak) samplePeak = sample;
      if (sample > truePeak) truePeak = sample;
      if (interpolated > truePeak) truePeak = interpolated;
    }
    out[offset] = truePeak > 0 ? 20 * Math.log10(truePeak) : -Infinity;
    out[offset + 1] = samplePeak > 0 ? 20 * Math.log10(samplePeak) : -Infinity;
  }

  /** Overall true peak, linear: max over channels of max(interpolated, sample) peak. */
  truePeak(): number {
    let max = 0;
    for (let c = 0; c < this.channelCount; c++) max = Math.max(max, this.channelTruePeak(c));
    return max;
  }

  truePeakDb(): number {
    return toDb(this.truePeak());
  }

  /** Overall sample peak, linear. */
  samplePeak(): number {
    let max = 0;
    for (let c = 0; c < this.channelCount; c++) max = Math.max(max, this.samplePeaks[c]!);
    return max;
  }

  samplePeakDb(): number {
    return toDb(this.samplePeak());
  }

  /** True peak of one channel, linear; 0 for a channel index out of range. */
  channelTruePeak(channel: number): number {
    return Math.max(this.interpolator.maximum(channel), this.samplePeaks[channel] ?? 0);
  }

  channelTruePeakDb(channel: number): number {
    return toDb(this.channelTruePeak(channel));
  }

  channelSamplePeak(channel: number): number {
    return this.samplePeaks[channel] ?? 0;
  }

  channelSamplePeakDb(channel: number): number {
    return toDb(this.channelSamplePeak(channel));
  }

  /** Non-finite samples seen (measured as 0), all channels or one. */
  nonFiniteCount(channel?: number): number {
    if (channel !== undefined) return this.nonFinite[channel] ?? 0;
    let sum = 0;
    for (let c = 0; c < this.channelCount; c++) sum += this.nonFinite[c]!;
    return sum;
  }

  /** Clears the maxima, counts and filter history (silence before the next frame). Allocates nothing. */
  reset(): void {
    this.interpolator.reset();
    this.framesSeen.fill(0);
    this.samplePeaks.fill(0);
    this.nonFinite.fill(0);
  }
}

/** dBFS / dBTP of a linear peak; -Infinity for silence (a meter shows "-inf", not a floor). */
function toDb(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}
