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
 *
 * Two ways in: `process` copies planar blocks into the kernel's memory; an owner that produces
 * the samples itself (a file reader) can write them straight into `input(channel)` and call
 * `processInput`, saving the copy.
 */
/**
 * Receives each frame's interpolated peak as the meter computes it (offline QC: where the overs
 * are). `samples` are the frames as measured (non-finite values already 0); `peaks[i]` is the
 * largest |y| of the points interpolated for frame `firstFrame + i`, which lie tapsPerPhase / 2
 * frames earlier (the filter's delay). Both arrays are only valid during the call.
 *
 * With `threshold`, the meter skips chunks that cannot matter: it calls framePeaks only when a
 * sample of the chunk or the channel's running interpolated maximum is above it (an observer
 * looking for points above `threshold` then misses nothing, and programmes without overs cost
 * no per-frame call at all).
 */
export interface FramePeakObserver {
  readonly threshold?: number;
  framePeaks(
    channel: number,
    firstFrame: number,
    samples: Float32Array,
    peaks: Float32Array,
    frames: number,
  ): void;
}

/** Frames interpolated per kernel call unless the constructor is told otherwise. */
const DEFAULT_CHUNK_FRAMES = 1024;

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
  /** The observer's threshold; -Infinity (every chunk) when it has none. */
  private readonly observerThreshold: number;
  /** Frames measured per channel since construction or reset (frame numbers for the observer). */
  private readonly framesSeen: Float64Array;
  /** [0]: the largest |x| of the chunk being measured. */
  private readonly chunkPeak = new Float64Array(1);

  /** `chunkFrames`: frames per kernel call, and the length of `input(channel)`. */
  constructor(
    sampleRate: number,
    channelCount: number,
    observer?: FramePeakObserver,
    chunkFrames: number = DEFAULT_CHUNK_FRAMES,
  ) {
    if (!Number.isInteger(channelCount) || channelCount < 1) {
      throw new RangeError(`invalid channel count ${channelCount}`);
    }
    if (!Number.isInteger(chunkFrames) || chunkFrames < 1)
      throw new RangeError(`invalid chunk ${chunkFrames}`);
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.interpolator = new TruePeakInterpolator(sampleRate, channelCount, chunkFrames);
    this.factor = this.interpolator.factor;
    this.tapsPerPhase = this.interpolator.tapsPerPhase;
    this.samplePeaks = new Float64Array(channelCount);
    this.nonFinite = new Float64Array(channelCount);
    this.observer = observer;
    this.observerThreshold = observer?.threshold ?? -Infinity;
    this.framesSeen = new Float64Array(channelCount);
  }

  /** Frames `input(channel)` holds, the most `processInput` takes per call. */
  get chunkFrames(): number {
    return this.interpolator.chunkFrames;
  }

  /**
   * Where the owner may write the next frames of `channel` for `processInput` (chunkFrames
   * long, in the kernel's memory; the same array for the meter's life). `process` overwrites it.
   */
  input(channel: number): Float32Array {
    return this.interpolator.input(channel);
  }

  /**
   * Measures `frames` (at most chunkFrames) frames already written to input(c) of every
   * channel; non-finite samples there are set to 0 (and counted). An owner that has already
   * made the samples finite and found each channel's largest |x| of them passes those in
   * `samplePeaks` (one per channel), which saves this meter its own pass over the samples.
   * Audio thread: allocates nothing and never throws.
   */
  processInput(frames: number, samplePeaks?: Float64Array): void {
    const n = Math.max(0, Math.min(Math.floor(frames), this.interpolator.chunkFrames));
    for (let c = 0; c < this.channelCount; c++) {
      if (samplePeaks === undefined) {
        const line = this.interpolator.input(c);
        let samplePeak = 0;
        let bad = 0;
        for (let i = 0; i < n; i++) {
          const x = line[i]!;
          if (x - x !== 0) {
            line[i] = 0;
            bad++;
          } else if (x > samplePeak) samplePeak = x;
          else if (-x > samplePeak) samplePeak = -x;
        }
        this.nonFinite[c]! += bad;
        this.chunkPeak[0] = samplePeak;
      } else {
        this.chunkPeak[0] = samplePeaks[c] ?? 0;
      }
      this.measure(c, n, 0);
      this.framesSeen[c]! += n;
    }
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
      let bad = 0;
      const line = interpolator.input(c);
      for (let at = 0; at < n; at += chunkFrames) {
        const chunk = Math.min(chunkFrames, n - at);
        let samplePeak = 0;
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
        this.chunkPeak[0] = samplePeak;
        this.measure(c, chunk, at);
      }
      this.framesSeen[c]! += n;
      this.nonFinite[c]! += bad;
    }
  }

  /**
   * One chunk of input(channel), finite, starting `at` frames after framesSeen: interpolate,
   * raise the peaks, tell the observer. The chunk's largest |x| comes in chunkPeak[0] (doubles
   * as arguments may be boxed).
   */
  private measure(channel: number, frames: number, at: number): void {
    const interpolator = this.interpolator;
    const samplePeak = this.chunkPeak[0]!;
    interpolator.accumulate(channel, frames);
    if (samplePeak > this.samplePeaks[channel]!) this.samplePeaks[channel] = samplePeak;
    const observer = this.observer;
    // The kernel leaves each frame's peak in framePeaks on the way to the maximum; the running
    // maximum bounds every frame peak of this chunk, so a quiet chunk needs no observer call.
    if (
      observer !== undefined &&
      (samplePeak > this.observerThreshold || interpolator.maxima[channel]! > this.observerThreshold)
    ) {
      observer.framePeaks(
        channel,
        this.framesSeen[channel]! + at,
        interpolator.input(channel),
        interpolator.framePeaks,
        frames,
      );
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
