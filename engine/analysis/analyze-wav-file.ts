import { LatheError } from '../errors.ts';
import { WavStreamReader } from '../audio/wav-stream-reader.ts';
import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import { designTruePeakFilter } from '../meters/true-peak-filter.ts';
import { TruePeakMeter } from '../meters/true-peak-meter.ts';
import type { AnalysisReport, MonoCompatibility } from './analysis-report.ts';
import { ClipDetector } from './clip-detector.ts';
import { CORRELATION_WINDOW_SECONDS, CorrelationMeter } from './correlation-meter.ts';
import { SampleStatistics, SILENCE_THRESHOLD_DBFS } from './sample-statistics.ts';
import { TruePeakOverDetector } from './true-peak-over-detector.ts';

export interface AnalyzeOptions {
  /** Frames read and measured per step; memory is about blockFrames * channels * 12 bytes. */
  readonly blockFrames?: number;
}

/** Tech 3342 §3.1: file meters append at least 1.5 s of silence before the final LRA (as measureLoudness). */
const RANGE_TAIL_SECONDS = 1.5;
/** The rates LoudnessMeter accepts. */
const MIN_RATE = 8000;
const MAX_RATE = 1_000_000;

/** A level for JSON: -Infinity (silence) and NaN become null. */
function level(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function toDb(linear: number): number | null {
  return linear > 0 ? 20 * Math.log10(linear) : null;
}

/**
 * Measures a WAV file in one streaming pass at constant memory (one block of samples, whatever
 * the length): loudness with the live meter's code, true and sample peak, and the QC checks.
 * Throws LatheError LATHE_WAV_INVALID for files it cannot read; a file with no frames gives a
 * report of nulls (a valid, empty programme is not an error).
 */
export async function analyzeWavFile(path: string, options: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const reader = await WavStreamReader.open(path, options.blockFrames ?? 65536);
  try {
    const format = reader.format;
    const { sampleRate, channelCount } = format;
    if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
      throw new LatheError(
        'LATHE_WAV_INVALID',
        `${path}: sample rate ${sampleRate} Hz is outside the ${MIN_RATE}..${MAX_RATE} Hz the meters support`,
      );
    }
    const blockFrames = reader.blockFrames;
    const block = Array.from({ length: channelCount }, () => new Float32Array(blockFrames));
    const stereo = channelCount === 2;
    const fold = stereo ? new Float32Array(blockFrames) : null;

    const loudness = new LoudnessMeter(sampleRate, channelCount);
    // (L+R)/2 on one channel weighted 2 = the same signal on both channels of a stereo meter.
    const folded = stereo ? new LoudnessMeter(sampleRate, 1, { channelWeights: [2] }) : null;
    const overs = new TruePeakOverDetector(
      sampleRate,
      channelCount,
      designTruePeakFilter(sampleRate).tapsPerPhase,
    );
    const peaks = new TruePeakMeter(sampleRate, channelCount, overs);
    const clips = new ClipDetector(sampleRate, channelCount, format.fullScale);
    const statistics = new SampleStatistics(channelCount);
    const correlation = stereo ? new CorrelationMeter(sampleRate) : null;

    for (;;) {
      const frames = await reader.read(block);
      if (frames === 0) break;
      loudness.process(block, frames);
      peaks.process(block, frames);
      clips.process(block, frames);
      statistics.process(block, frames);
      if (fold !== null && folded !== null && correlation !== null) {
        const left = block[0]!;
        const right = block[1]!;
        for (let i = 0; i < frames; i++) fold[i] = (left[i]! + right[i]!) / 2;
        folded.process([fold], frames);
        correlation.process(left, right, frames);
      }
    }

    // The last interpolated points need samples after them (TruePeakMeter docs).
    const flush = new Float32Array(Math.max(1, peaks.tapsPerPhase));
    peaks.process(
      block.map(() => flush),
      flush.length,
    );
    const integrated = loudness.integrated();
    const maxMomentary = loudness.maxMomentary();
    const maxShortTerm = loudness.maxShortTerm();
    // Silence after the programme for the LRA only; the other readings are taken above.
    const silence = block[0]!.fill(0);
    for (let left = Math.round(RANGE_TAIL_SECONDS * sampleRate); left > 0; left -= blockFrames) {
      loudness.process(
        block.map(() => silence),
        Math.min(left, blockFrames),
      );
    }
    const range = loudness.loudnessRange();

    const stats = statistics.result();
    const truePeak = toDb(peaks.truePeak());
    const integratedLufs = level(integrated);
    let mono: MonoCompatibility | null = null;
    if (folded !== null) {
      const foldedLufs = level(folded.integrated());
      mono = {
        foldedIntegratedLufs: foldedLufs,
        integratedChangeLu:
          foldedLufs !== null && integratedLufs !== null ? foldedLufs - integratedLufs : null,
        foldedSilent: foldedLufs === null && integratedLufs !== null,
      };
    }
    const correlationResult = correlation?.result() ?? null;
    return {
      file: path,
      sampleRate,
      channels: channelCount,
      bitDepth: format.bitDepth,
      durationSec: format.frames / sampleRate,
      integratedLufs,
      loudnessRangeLu: level(range),
      truePeakDbtp: truePeak,
      samplePeakDbfs: toDb(peaks.samplePeak()),
      momentaryMaxLufs: level(maxMomentary),
      shortTermMaxLufs: level(maxShortTerm),
      plrDb: truePeak !== null && integratedLufs !== null ? truePeak - integratedLufs : null,
      qc: {
        clippedRuns: clips.finish(),
        truePeakOvers: overs.finish(),
        dcOffset: stats.dcOffset,
        correlation:
          correlationResult === null ? null : { ...correlationResult, windowSec: CORRELATION_WINDOW_SECONDS },
        monoCompatibility: mono,
        silenceThresholdDbfs: SILENCE_THRESHOLD_DBFS,
        leadingSilenceSec: stats.leadingSilenceFrames / sampleRate,
        trailingSilenceSec: stats.trailingSilenceFrames / sampleRate,
        nonFiniteSamples: {
          nan: stats.nanSamples,
          infinite: stats.infiniteSamples,
          total: stats.nanSamples + stats.infiniteSamples,
        },
      },
      extra: {
        encoding: format.encoding,
        frames: format.frames,
        dataSizeTrusted: format.dataSizeTrusted,
        channelTruePeakDbtp: Array.from({ length: channelCount }, (_, c) => toDb(peaks.channelTruePeak(c))),
        channelSamplePeakDbfs: Array.from({ length: channelCount }, (_, c) =>
          toDb(peaks.channelSamplePeak(c)),
        ),
      },
    };
  } finally {
    await reader.close();
  }
}
