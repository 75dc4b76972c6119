import { LatheError } from '../errors.ts';
import { WavStreamReader } from '../audio/wav-stream-reader.ts';
import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import { designTruePeakFilter } from '../meters/true-peak-filter.ts';
import { TruePeakMeter } from '../meters/true-peak-meter.ts';
import type { AnalysisReport, MonoCompatibility } from './analysis-report.ts';
import { CORRELATION_WINDOW_SECONDS, SampleScan, SILENCE_THRESHOLD_DBFS } from './sample-scan.ts';
import { TruePeakOverDetector } from './true-peak-over-detector.ts';

export interface AnalyzeOptions {
  /**
   * Frames measured per step (default 8192: every pass over a block then runs in the CPU's
   * cache). Memory is a few bytes per frame of it and channel, plus the reader's four ~1 MB
   * read-ahead buffers, whatever the file's length.
   */
  readonly blockFrames?: number;
}

/** See AnalyzeOptions.blockFrames. */
const BLOCK_FRAMES = 8192;

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
 * Measures a WAV file in one streaming pass at constant memory (a block of samples and the
 * reader's buffers, whatever the length): loudness with the live meter's code, true and sample
 * peak, and the QC checks. Each block is converted straight into the true-peak kernel's input and
 * read there by the loudness meter (which also yields the mono fold) and the QC scan (whose
 * per-channel peaks the true-peak meter takes as its sample peaks).
 * Throws LatheError LATHE_WAV_INVALID for files it cannot read; a file with no frames gives a
 * report of nulls (a valid, empty programme is not an error).
 */
export async function analyzeWavFile(path: string, options: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const reader = await WavStreamReader.open(path, options.blockFrames ?? BLOCK_FRAMES);
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
    const stereo = channelCount === 2;
    // Stereo: the (L+R)/2 fold measured as dual mono comes from the same K-weighting pass.
    const loudness = new LoudnessMeter(sampleRate, channelCount, { foldedMono: stereo });
    const overs = new TruePeakOverDetector(
      sampleRate,
      channelCount,
      designTruePeakFilter(sampleRate).tapsPerPhase,
    );
    const peaks = new TruePeakMeter(sampleRate, channelCount, overs, blockFrames);
    const scan = new SampleScan(sampleRate, channelCount, format.fullScale);
    // The reader converts straight into the true-peak kernel's input; every meter reads it there.
    const block = Array.from({ length: channelCount }, (_, c) => peaks.input(c));
    // Integer PCM cannot hold NaN or Infinity: only float files need the check.
    const mayBeNonFinite = format.encoding === 'float';

    for (;;) {
      const frames = await reader.read(block);
      if (frames === 0) break;
      if (mayBeNonFinite) scan.sanitize(block, frames);
      loudness.process(block, frames);
      scan.process(block, frames);
      peaks.processInput(frames, scan.blockPeaks);
    }

    // The last interpolated points need samples after them (TruePeakMeter docs).
    const flush = new Float32Array(Math.max(1, peaks.tapsPerPhase));
    peaks.process(
      block.map(() => flush),
      flush.length,
    );
    const integrated = loudness.integrated();
    const foldedIntegrated = loudness.foldedIntegrated();
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

    const stats = scan.result();
    const truePeak = toDb(peaks.truePeak());
    const integratedLufs = level(integrated);
    let mono: MonoCompatibility | null = null;
    if (stereo) {
      const foldedLufs = level(foldedIntegrated);
      mono = {
        foldedIntegratedLufs: foldedLufs,
        integratedChangeLu:
          foldedLufs !== null && integratedLufs !== null ? foldedLufs - integratedLufs : null,
        foldedSilent: foldedLufs === null && integratedLufs !== null,
      };
    }
    const correlationResult = stats.correlation;
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
        clippedRuns: stats.clippedRuns,
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
