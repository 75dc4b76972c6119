import { LatheError } from '../engine/index.ts';
import type { SampleArray } from './sample-array.ts';

/** Levels in dB re full scale as REW gives them: 20 log10 of the linear value (a full-scale sine's RMS reads -3.01). */
export interface RecordingLevels {
  /** Largest |sample|, linear. */
  readonly peak: number;
  readonly peakDbfs: number;
  /** How far the peak sits below full scale, dB (REW wants at least 6). */
  readonly headroomDb: number;
  readonly rmsDbfs: number;
}

export interface ClippingOptions {
  /** A sample this close to full scale (linear) counts as at the rail. Default 0.999 (-0.009 dB). */
  readonly railLevel?: number;
  /** This many consecutive samples at the rail count as clipping. Default 3. */
  readonly runLength?: number;
}

/** Peak, headroom and RMS of a recording. */
export function recordingLevels(recording: SampleArray): RecordingLevels {
  let peak = 0;
  let sum = 0;
  for (const x of recording) {
    peak = Math.max(peak, Math.abs(x));
    sum += x * x;
  }
  const peakDbfs = toDb(peak);
  return {
    peak,
    peakDbfs,
    headroomDb: -peakDbfs,
    rmsDbfs: toDb(Math.sqrt(sum / Math.max(1, recording.length))),
  };
}

/**
 * Throws LATHE_CALIBRATION_RECORDING_CLIPPED when the recording clipped: a run of `runLength`
 * samples at the rail (an integer converter's flat top), or any sample beyond full scale (a float
 * recording that a fixed-point converter could not have carried). A lone sample touching full
 * scale is not clipping.
 */
export function assertNotClipped(recording: SampleArray, options: ClippingOptions = {}): void {
  const rail = options.railLevel ?? 0.999;
  const runLength = options.runLength ?? 3;
  let run = 0;
  for (let i = 0; i < recording.length; i++) {
    const level = Math.abs(recording[i]!);
    if (level > 1) {
      throw new LatheError(
        'LATHE_CALIBRATION_RECORDING_CLIPPED',
        `the recording goes beyond full scale (${level.toFixed(4)} at sample ${i}): lower the output or input gain and measure again`,
      );
    }
    run = level >= rail ? run + 1 : 0;
    if (run >= runLength) {
      throw new LatheError(
        'LATHE_CALIBRATION_RECORDING_CLIPPED',
        `the recording clipped: ${runLength} samples at full scale ending at sample ${i}; lower the output or input gain and measure again`,
      );
    }
  }
}

/** Below this peak (dB FS) a recording is taken as digital silence: nothing was connected. */
export const SILENT_PEAK_DBFS = -100;

/** Throws LATHE_CALIBRATION_RECORDING_SILENT when the recording's peak is below SILENT_PEAK_DBFS. */
export function assertNotSilent(recording: SampleArray): void {
  const { peakDbfs } = recordingLevels(recording);
  if (recording.length === 0 || !(peakDbfs > SILENT_PEAK_DBFS)) {
    throw new LatheError(
      'LATHE_CALIBRATION_RECORDING_SILENT',
      `the recording is silent (peak ${formatDb(peakDbfs)} dBFS): check the microphone input and that the sweep played`,
    );
  }
}

/** The least the deconvolved impulse's peak must stand above its noise, dB. */
export const MIN_IMPULSE_PEAK_TO_NOISE_DB = 25;

/**
 * Peak of |h| over the median |h| of its first `noiseEnd` samples, dB. Up to the recording's
 * length less the sweep's, a deconvolved impulse is the room's decay and then noise, so the
 * median is the noise level (later the sweep's end runs past the recording and the noise fades,
 * which would flatter a recording of noise alone). Measured: a real room (DRC's rs.pcm) swept
 * with a 50 ms tail reads 38 dB, with 1 s 77 dB; seeded noise alone 15-17 dB.
 */
export function impulsePeakToNoiseDb(impulse: SampleArray, noiseEnd = impulse.length): number {
  let peak = 0;
  for (const x of impulse) peak = Math.max(peak, Math.abs(x));
  const end = Math.max(1, Math.min(impulse.length, Math.round(noiseEnd)));
  // Every stride-th sample is plenty for a median and keeps a million-sample impulse cheap.
  const stride = Math.max(1, Math.floor(end / 65536));
  const magnitudes = Float64Array.from({ length: Math.ceil(end / stride) }, (_, i) =>
    Math.abs(impulse[i * stride]!),
  );
  magnitudes.sort();
  const median = magnitudes[magnitudes.length >> 1] ?? 0;
  return median > 0 ? 20 * Math.log10(peak / median) : peak > 0 ? Infinity : 0;
}

/**
 * Throws LATHE_CALIBRATION_RECORDING_SILENT when the sweep does not stand out of the recording:
 * the deconvolved impulse's peak is less than MIN_IMPULSE_PEAK_TO_NOISE_DB above its noise
 * (microphone muted or unplugged while the interface hisses, sweep sent to another output).
 * `noiseEnd`: see impulsePeakToNoiseDb.
 */
export function assertSweepPresent(impulse: SampleArray, noiseEnd = impulse.length): void {
  const ratio = impulsePeakToNoiseDb(impulse, noiseEnd);
  if (!(ratio >= MIN_IMPULSE_PEAK_TO_NOISE_DB)) {
    throw new LatheError(
      'LATHE_CALIBRATION_RECORDING_SILENT',
      `the recording holds no sweep: its impulse response peaks only ${ratio.toFixed(1)} dB above its noise (at least ${MIN_IMPULSE_PEAK_TO_NOISE_DB} dB expected); check the microphone and the output the sweep played on`,
    );
  }
}

export interface NoiseFloorOptions {
  /** Samples kept clear before the sweep's arrival. Default 5 ms. */
  readonly guardSeconds?: number;
  /** Room decay allowed after the sweep ends before the noise is read. Default 0.5 s. */
  readonly decaySeconds?: number;
  /** Fewer samples than this of sweep-free recording give no reading. Default 20 ms. */
  readonly minimumSeconds?: number;
}

/**
 * The recording's noise floor, dB FS RMS (20 log10 rms): read from the parts before the sweep
 * arrives (`arrivalIndex`, less a guard) and after it and the room's decay have ended
 * (arrivalIndex + sweepLength + decay). Null when those parts are too short to read.
 */
export function noiseFloorDb(
  recording: SampleArray,
  arrivalIndex: number,
  sweepLength: number,
  sampleRate: number,
  options: NoiseFloorOptions = {},
): number | null {
  const guard = Math.round((options.guardSeconds ?? 0.005) * sampleRate);
  const decay = Math.round((options.decaySeconds ?? 0.5) * sampleRate);
  const minimum = Math.round((options.minimumSeconds ?? 0.02) * sampleRate);
  const beforeEnd = Math.min(recording.length, Math.max(0, Math.floor(arrivalIndex) - guard));
  const afterStart = Math.max(0, Math.ceil(arrivalIndex) + sweepLength + decay);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < beforeEnd; i++) {
    sum += recording[i]! * recording[i]!;
    count++;
  }
  for (let i = afterStart; i < recording.length; i++) {
    sum += recording[i]! * recording[i]!;
    count++;
  }
  if (count < Math.max(1, minimum)) return null;
  return toDb(Math.sqrt(sum / count));
}

function toDb(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}

function formatDb(db: number): string {
  return Number.isFinite(db) ? db.toFixed(1) : '-inf';
}
