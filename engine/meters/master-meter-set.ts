import { GainReductionCollector, type GainReductionSource } from './gain-reduction-collector.ts';
import { K_SYSTEM_READOUT_COUNT, KSystemMeter } from './k-system-meter.ts';
import { LoudnessHistory } from './loudness-history.ts';
import { LOUDNESS_READOUT_COUNT, LoudnessMeter } from './loudness/loudness-meter.ts';
import { MeterReadouts } from './meter-readouts.ts';
import { SampleTap } from './sample-tap.ts';
import { STEREO_IMAGE_READOUT_COUNT, StereoImageMeter } from './stereo-image-meter.ts';
import { TruePeakMeter } from './true-peak-meter.ts';

/** Where each meter's readings start in the readout block (gain reductions last, one each). */
export const MASTER_READOUT = {
  /** LOUDNESS_READOUT slots (momentary, short-term, integrated, range, max M, max S), LUFS/LU. */
  loudness: 0,
  /** K_SYSTEM_READOUT slots per channel (left, then right), dBFS. */
  kSystem: LOUDNESS_READOUT_COUNT,
  /** STEREO_IMAGE_READOUT slots. */
  stereoImage: LOUDNESS_READOUT_COUNT + 2 * K_SYSTEM_READOUT_COUNT,
  /** True peak (dBTP) and sample peak (dBFS) since the meters were reset. */
  truePeak: LOUDNESS_READOUT_COUNT + 2 * K_SYSTEM_READOUT_COUNT + STEREO_IMAGE_READOUT_COUNT,
  samplePeak: LOUDNESS_READOUT_COUNT + 2 * K_SYSTEM_READOUT_COUNT + STEREO_IMAGE_READOUT_COUNT + 1,
  /** Gain reduction of each dynamics processor, dB, in gainReductionLabels order. */
  gainReduction: LOUDNESS_READOUT_COUNT + 2 * K_SYSTEM_READOUT_COUNT + STEREO_IMAGE_READOUT_COUNT + 2,
} as const;

/** Samples of the master kept for the main thread's spectrum (about 0.7 s at 48 kHz). */
const TAP_CAPACITY = 1 << 15;
/** Loudness history entries: 10 minutes at 10 Hz. */
const HISTORY_CAPACITY = 6000;

/** The shared memory of a master meter set: made by the main thread, attached by the worker. */
export interface MasterMeterBuffers {
  readonly readouts: SharedArrayBuffer;
  readonly tap: SharedArrayBuffer;
  readonly history: SharedArrayBuffer;
  readonly gainReductionCount: number;
}

/** The main thread's side of a master meter set: the views it reads. */
export interface MasterMeterViews {
  readonly readouts: MeterReadouts;
  readonly tap: SampleTap;
  readonly history: LoudnessHistory;
}

/**
 * The meters of the master output, run once per block in the audio worker on the delivered
 * signal (after the output gain and dither): BS.1770 loudness with its history, K-System levels,
 * stereo image, true and sample peak, and every dynamics processor's gain reduction, written as
 * one consistent set of readings (MeterReadouts); the samples go to a tap for the spectrum, which
 * runs on the main thread.
 *
 * `process` runs on the audio thread: it allocates nothing and never throws.
 */
export class MasterMeterSet {
  readonly views: MasterMeterViews;
  private readonly loudness: LoudnessMeter;
  private readonly kSystem: KSystemMeter;
  private readonly image: StereoImageMeter;
  private readonly truePeak: TruePeakMeter;
  private readonly collector: GainReductionCollector;
  private readonly values: Float64Array;
  private readonly planar: Float32Array[];

  constructor(sampleRate: number, sources: readonly GainReductionSource[], buffers?: MasterMeterBuffers) {
    const shared = buffers ?? MasterMeterSet.createBuffers(sampleRate, sources.length);
    if (shared.gainReductionCount !== sources.length) {
      throw new RangeError(
        `master meters: ${sources.length} gain reductions, buffers for ${shared.gainReductionCount}`,
      );
    }
    this.views = MasterMeterSet.attach(shared);
    this.values = this.views.readouts.values;
    this.loudness = new LoudnessMeter(sampleRate, 2);
    this.kSystem = new KSystemMeter(sampleRate, 2);
    this.image = new StereoImageMeter(sampleRate);
    this.truePeak = new TruePeakMeter(sampleRate, 2);
    this.collector = new GainReductionCollector(sources, this.values.subarray(MASTER_READOUT.gainReduction));
    this.planar = [new Float32Array(0), new Float32Array(0)];
  }

  /** Readings in the block: the fixed meters plus one per gain-reduction source. */
  static readoutCount(gainReductionCount: number): number {
    return MASTER_READOUT.gainReduction + gainReductionCount;
  }

  static createBuffers(sampleRate: number, gainReductionCount: number): MasterMeterBuffers {
    return {
      readouts: MeterReadouts.create(MasterMeterSet.readoutCount(gainReductionCount)).buffer,
      tap: SampleTap.create(TAP_CAPACITY).buffer,
      history: LoudnessHistory.create(HISTORY_CAPACITY, LoudnessHistory.periodFramesFor(sampleRate)).buffer,
      gainReductionCount,
    };
  }

  static attach(buffers: MasterMeterBuffers): MasterMeterViews {
    return {
      readouts: MeterReadouts.attach(
        buffers.readouts,
        MasterMeterSet.readoutCount(buffers.gainReductionCount),
      ),
      tap: SampleTap.attach(buffers.tap, TAP_CAPACITY),
      history: LoudnessHistory.attach(buffers.history, HISTORY_CAPACITY),
    };
  }

  /** Audio thread: meters `frames` frames of the delivered master. Allocates nothing, never throws. */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const planar = this.planar;
    planar[0] = left;
    planar[1] = right;
    this.loudness.process(planar, frames);
    this.kSystem.process(planar, frames);
    this.image.process(left, right, frames);
    this.truePeak.process(planar, frames);
    this.views.tap.write(left, right, frames);
    const readouts = this.views.readouts;
    const values = this.values;
    readouts.beginWrite();
    this.loudness.readInto(values);
    this.kSystem.readInto(values, MASTER_READOUT.kSystem);
    this.image.readInto(values, MASTER_READOUT.stereoImage);
    this.truePeak.readInto(values, MASTER_READOUT.truePeak);
    this.collector.collect();
    readouts.endWrite();
    this.views.history.advance(values, frames);
  }

  /** Audio thread: restarts every measurement (integrated loudness, peaks, history). */
  reset(): void {
    this.loudness.reset();
    this.kSystem.reset();
    this.image.reset();
    this.truePeak.reset();
    this.views.history.clear();
  }
}
