import type { WavSampleEncoding } from '../audio/wav-stream-reader.ts';
import type { CorrelationResult } from './sample-scan.ts';
import type { QcEventList } from './qc-events.ts';

/**
 * What `lathe analyze` reports for one file. Every level that is undefined for the programme
 * (silence: -Infinity dB; too short for a window) is null, so the JSON stays valid and a
 * script can tell "no value" from a number.
 */
export interface AnalysisReport {
  readonly file: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** Container bits per sample (8, 16, 24, 32, or 64 for double floats). */
  readonly bitDepth: number;
  readonly durationSec: number;
  readonly integratedLufs: number | null;
  /** Tech 3342, read after 1.5 s of appended silence (file meters); null below 3 s of programme. */
  readonly loudnessRangeLu: number | null;
  readonly truePeakDbtp: number | null;
  readonly samplePeakDbfs: number | null;
  readonly momentaryMaxLufs: number | null;
  readonly shortTermMaxLufs: number | null;
  /** Peak-to-loudness ratio: truePeakDbtp - integratedLufs. */
  readonly plrDb: number | null;
  readonly qc: AnalysisQc;
  readonly extra: AnalysisExtra;
}

export interface AnalysisQc {
  /** Runs of >= 3 consecutive full-scale samples on one channel (peakDb in dBFS). */
  readonly clippedRuns: QcEventList;
  /** Spans with interpolated or sample points above 0 dBTP (peakDb in dBTP), merged within 10 ms. */
  readonly truePeakOvers: QcEventList;
  /** Mean of each channel, linear (0.1 = a tenth of full scale). */
  readonly dcOffset: readonly (number | null)[];
  /** Stereo files only: per consecutive 400 ms window, windows below -70 dBFS RMS left out. */
  readonly correlation: (CorrelationResult & { readonly windowSec: number }) | null;
  /** Stereo files only: the (L+R)/2 fold measured as dual mono, so identical channels change 0 LU. */
  readonly monoCompatibility: MonoCompatibility | null;
  readonly silenceThresholdDbfs: number;
  readonly leadingSilenceSec: number;
  readonly trailingSilenceSec: number;
  readonly nonFiniteSamples: { readonly nan: number; readonly infinite: number; readonly total: number };
}

export interface MonoCompatibility {
  /** Integrated loudness of the fold; null when it cancels to silence. */
  readonly foldedIntegratedLufs: number | null;
  /** foldedIntegratedLufs - integratedLufs; null when either is silence (see foldedSilent). */
  readonly integratedChangeLu: number | null;
  /** The stereo programme has loudness but its mono fold is silence (channels in antiphase): -Infinity LU. */
  readonly foldedSilent: boolean;
}

export interface AnalysisExtra {
  readonly encoding: WavSampleEncoding;
  readonly frames: number;
  /** false when the data chunk size was damaged (0xFFFFFFFF, 0, past the end) and the file size was used. */
  readonly dataSizeTrusted: boolean;
  readonly channelTruePeakDbtp: readonly (number | null)[];
  readonly channelSamplePeakDbfs: readonly (number | null)[];
}
