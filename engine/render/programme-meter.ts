import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import { TruePeakMeter } from '../meters/true-peak-meter.ts';

export interface ProgrammeReading {
  readonly integratedLufs: number;
  /** Tech 3342 file LRA: read after 1.5 s of appended silence, as `lathe analyze` reads it. */
  readonly loudnessRangeLu: number;
  readonly maxShortTermLufs: number;
  readonly truePeakDbtp: number;
  readonly samplePeakDbfs: number;
}

/** Tech 3342 §3.1: file meters append at least 1.5 s of silence before the final LRA. */
const RANGE_TAIL_SECONDS = 1.5;

/**
 * Loudness, loudness range and peaks of one stereo programme fed in pieces (a track cut from an
 * album file as it is read), read the way `lathe analyze` reads a file, so an album report and
 * an analysis of the track file agree.
 */
export class ProgrammeMeter {
  private readonly loudness: LoudnessMeter;
  private readonly peaks: TruePeakMeter;
  private readonly sampleRate: number;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    this.loudness = new LoudnessMeter(sampleRate, 2);
    this.peaks = new TruePeakMeter(sampleRate, 2);
  }

  process(channels: readonly Float32Array[], frames: number): void {
    this.loudness.process(channels, frames);
    this.peaks.process(channels, frames);
  }

  /** Ends the programme and reads it (call once). */
  finish(): ProgrammeReading {
    const integratedLufs = this.loudness.integrated();
    const maxShortTermLufs = this.loudness.maxShortTerm();
    const tail = new Float32Array(Math.round(RANGE_TAIL_SECONDS * this.sampleRate));
    this.loudness.process([tail, tail], tail.length);
    return {
      integratedLufs,
      loudnessRangeLu: this.loudness.loudnessRange(),
      maxShortTermLufs,
      truePeakDbtp: this.peaks.truePeakDb(),
      samplePeakDbfs: this.peaks.samplePeakDb(),
    };
  }
}
