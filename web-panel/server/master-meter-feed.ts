import {
  K_SYSTEM_READOUT,
  K_SYSTEM_READOUT_COUNT,
  LOUDNESS_READOUT,
  MASTER_READOUT,
  SpectrumAnalyser,
  STEREO_IMAGE_READOUT,
} from '../../engine/index.ts';
import { encodeMasterMeterFrame, MASTER_LABEL, type MasterMeterLayout } from '../protocol/index.ts';
import type { ConsoleEngine } from './console-engine.ts';

/** What the feed reads from the engine (the real Engine satisfies it). */
export type MasterMeterSource = Pick<
  ConsoleEngine,
  'readMasterMeters' | 'masterMeterCount' | 'drainMasterSamples' | 'gainReductionLabels' | 'sampleRate'
>;

export interface MasterMeterFeedOptions {
  /** Frames per second (the socket's meter rate). */
  readonly rateHz: number;
  /** Most goniometer points per frame. Default 256: ~1 kB, plenty for a 300 px scope at 40 Hz. */
  readonly pairsPerFrame?: number;
  /** Spectrum bands per octave. Default 12: 1/12 octave, ~120 bands from 20 Hz to 20 kHz. */
  readonly bandsPerOctave?: number;
}

/** The master tap holds 2^15 frames; draining that much per tick never loses samples at 40 Hz. */
const DRAIN_FRAMES = 1 << 15;

/**
 * Labels of the engine's master readouts in MASTER_READOUT order: the fixed MASTER_LABEL names
 * for loudness, K-System, stereo image and peaks, then the gain reductions as the engine labels
 * them ('strip/01/comp', 'master/limiter', ...). Built from the engine's slot constants, so the
 * order follows the engine if it changes.
 */
export function masterReadoutLabels(
  source: Pick<MasterMeterSource, 'masterMeterCount' | 'gainReductionLabels'>,
): string[] {
  const labels = new Array<string>(source.masterMeterCount).fill('');
  const put = (slot: number, label: string): void => {
    labels[slot] = label;
  };
  const L = MASTER_READOUT.loudness;
  put(L + LOUDNESS_READOUT.momentary, MASTER_LABEL.momentary);
  put(L + LOUDNESS_READOUT.shortTerm, MASTER_LABEL.shortTerm);
  put(L + LOUDNESS_READOUT.integrated, MASTER_LABEL.integrated);
  put(L + LOUDNESS_READOUT.loudnessRange, MASTER_LABEL.loudnessRange);
  put(L + LOUDNESS_READOUT.maxMomentary, MASTER_LABEL.maxMomentary);
  put(L + LOUDNESS_READOUT.maxShortTerm, MASTER_LABEL.maxShortTerm);
  const kLeft = MASTER_READOUT.kSystem;
  const kRight = MASTER_READOUT.kSystem + K_SYSTEM_READOUT_COUNT;
  put(kLeft + K_SYSTEM_READOUT.rmsDbfs, MASTER_LABEL.leftRms);
  put(kLeft + K_SYSTEM_READOUT.peakDbfs, MASTER_LABEL.leftPeak);
  put(kLeft + K_SYSTEM_READOUT.peakHoldDbfs, MASTER_LABEL.leftPeakHold);
  put(kRight + K_SYSTEM_READOUT.rmsDbfs, MASTER_LABEL.rightRms);
  put(kRight + K_SYSTEM_READOUT.peakDbfs, MASTER_LABEL.rightPeak);
  put(kRight + K_SYSTEM_READOUT.peakHoldDbfs, MASTER_LABEL.rightPeakHold);
  const image = MASTER_READOUT.stereoImage;
  put(image + STEREO_IMAGE_READOUT.correlation, MASTER_LABEL.correlation);
  put(image + STEREO_IMAGE_READOUT.balanceDb, MASTER_LABEL.balance);
  put(image + STEREO_IMAGE_READOUT.midDbfs, MASTER_LABEL.mid);
  put(image + STEREO_IMAGE_READOUT.sideDbfs, MASTER_LABEL.side);
  put(image + STEREO_IMAGE_READOUT.leftDbfs, MASTER_LABEL.left);
  put(image + STEREO_IMAGE_READOUT.rightDbfs, MASTER_LABEL.right);
  put(MASTER_READOUT.truePeak, MASTER_LABEL.truePeak);
  put(MASTER_READOUT.samplePeak, MASTER_LABEL.samplePeak);
  source.gainReductionLabels.forEach((label, i) => {
    put(MASTER_READOUT.gainReduction + i, label);
  });
  const missing = labels.findIndex((label) => label === '');
  if (missing >= 0 || new Set(labels).size !== labels.length) {
    throw new Error(
      `master readout labels do not cover the engine's ${labels.length} readouts (slot ${missing})`,
    );
  }
  return labels;
}

/**
 * The master-meter stream's producer: one per app, whatever the number of panels. Each `frame()`
 * reads the master readouts, drains the master samples into the spectrum analyser (on this, the
 * main thread: one 8192-point FFT is ~0.1 ms, ~23 a second) and picks evenly spaced goniometer
 * points, and encodes one frame that the socket sends, unchanged, to every subscriber.
 */
export class MasterMeterFeed {
  readonly layout: MasterMeterLayout;
  private readonly source: MasterMeterSource;
  private readonly readouts: Float64Array;
  private readonly left = new Float32Array(DRAIN_FRAMES);
  private readonly right = new Float32Array(DRAIN_FRAMES);
  private readonly planar: readonly Float32Array[];
  private readonly pairs: Float32Array;
  private readonly analyser: SpectrumAnalyser;
  private sequence = 0;

  constructor(source: MasterMeterSource, options: MasterMeterFeedOptions) {
    this.source = source;
    this.analyser = new SpectrumAnalyser(source.sampleRate, {
      bands: { bandsPerOctave: options.bandsPerOctave ?? 12 },
    });
    const pairsPerFrame = options.pairsPerFrame ?? 256;
    this.layout = {
      labels: masterReadoutLabels(source),
      bandCentresHz: Array.from(this.analyser.bands.centres, (hz) => Math.round(hz * 100) / 100),
      pairsPerFrame,
      rateHz: options.rateHz,
    };
    this.readouts = new Float64Array(source.masterMeterCount).fill(Number.NaN);
    this.planar = [this.left, this.right];
    this.pairs = new Float32Array(pairsPerFrame * 2);
  }

  /** Forget samples queued while nobody listened, so a new stream starts with the present. */
  restart(): void {
    // The tap holds one drain's worth; a few more are only what arrived meanwhile.
    for (let i = 0; i < 4 && this.source.drainMasterSamples(this.left, this.right) === DRAIN_FRAMES; i++);
    this.analyser.reset();
  }

  /** The next frame. The readouts stay as last read if the worker was mid-write every attempt. */
  frame(): ArrayBuffer {
    this.source.readMasterMeters(this.readouts);
    const frames = this.source.drainMasterSamples(this.left, this.right);
    this.analyser.process(this.planar, frames);
    const pairCount = this.pickPairs(frames);
    return encodeMasterMeterFrame(
      this.sequence++,
      this.readouts,
      this.analyser.bandsDb,
      this.pairs,
      pairCount,
    );
  }

  /** Evenly spaced L/R points over the drained samples (a scope shows points, so no filter is needed). */
  private pickPairs(frames: number): number {
    const most = this.layout.pairsPerFrame;
    if (frames <= 0 || most === 0) return 0;
    const step = frames / Math.min(most, frames);
    let count = 0;
    for (let at = 0; count < most && at < frames; at += step) {
      const i = Math.floor(at);
      this.pairs[count * 2] = this.left[i]!;
      this.pairs[count * 2 + 1] = this.right[i]!;
      count++;
    }
    return count;
  }
}
