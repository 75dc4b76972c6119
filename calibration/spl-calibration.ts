import { K_SCALES, LatheError, type KScaleName } from '../engine/index.ts';
import { CALIBRATION_BAND_HZ, CALIBRATION_NOISE_DBFS } from './pink-noise.ts';

/**
 * SPL calibration (reference §3.1, §7.1, §7.3): each speaker plays pink noise at -20 dB FS RMS
 * (pink-noise.ts; AES17 dB FS) alone, and its level at the listening position is read either
 * from an SPL meter (C-weighted, Slow) or from the measurement microphone: a mic of known
 * sensitivity S (dB FS at 94 dB SPL: what a 1 kHz acoustic calibrator at 94 dB SPL records)
 * that records the noise at L dB FS heard 94 + L - S dB SPL. Both numbers must use the same RMS
 * convention (Lathe's meters: AES17); the convention cancels in L - S. The microphone reads
 * unweighted, so the C-weighting a meter would apply to the same noise is added
 * (`pinkNoiseCWeightingDb`: -0.02 dB for the 500 Hz-2 kHz band, -1.1 dB for 20 Hz-20 kHz).
 *
 * The reference is the SPL -20 dB FS RMS noise should produce at the K-20 mark (Katz: 83 dB SPL,
 * C-weighted, Slow, one speaker at a time; 85 in large rooms and film, 79 in small rooms and
 * TV). Trims make every speaker read the same; the K-20 mark is the monitor gain at which they
 * read the reference. "83 dB corresponds to 0 on the scale in use, so K-14 monitoring sits 6 dB
 * below K-20" (§7.1, dms-mastering.de), K-12 8 dB below: each mark is the K-20 mark plus the
 * difference of the scales' 0 dB FS RMS points (the engine's K_SCALES), so at the K-N mark
 * -N dB FS RMS noise reads the reference.
 *
 * Trims cut by default (`maxTrimBoostDb` 0): the loudest speakers come down to the quietest and
 * whatever the quietest lacks is left to the monitor gain, so the K-20 mark can sit above 0 dB
 * (turn the amplifiers up by that much to keep the digital gain at or below unity).
 */

/** Usual references (dB SPL for -20 dB FS RMS pink noise per speaker): K-20 / music, film, TV. */
export const SPL_REFERENCES_DB = [83, 85, 79] as const;

/**
 * Level of the usual acoustic calibrator that sensitivities in dB FS refer to: 94 dB SPL, 1.0024 Pa
 * (1 Pa is 93.98 dB SPL; a sensitivity quoted per pascal is 0.02 dB off this).
 */
export const CALIBRATOR_SPL_DB = 94;

/** One speaker's reading while it played the calibration noise. */
export type SplReading =
  | {
      readonly kind: 'meter';
      /** SPL meter reading, C-weighted, Slow, dB SPL. */
      readonly splDb: number;
      /** Level of the noise played, dB FS RMS (AES17). Default -20. */
      readonly signalDbfs?: number;
      /** Trim plus monitor gain in effect while reading, dB. Default 0. */
      readonly gainDb?: number;
    }
  | {
      readonly kind: 'microphone';
      /** RMS of the recorded noise, dB FS (AES17). */
      readonly recordedDbfs: number;
      /** Microphone sensitivity: dB FS recorded at 94 dB SPL (same RMS convention). */
      readonly sensitivityDbfs: number;
      readonly signalDbfs?: number;
      readonly gainDb?: number;
    };

export interface SplCalibrationOptions {
  /** dB SPL that -20 dB FS RMS pink noise should read at the K-20 mark (e.g. 83, 85, 79). */
  readonly referenceSplDb: number;
  /** Largest boost a trim may have, dB (>= 0). Default 0: trims only cut. */
  readonly maxTrimBoostDb?: number;
  /** Band of the noise played, for the microphone path's C-weighting. Default 500 Hz-2 kHz. */
  readonly band?: { readonly lowHz: number; readonly highHz: number };
}

export interface SpeakerSpl {
  /** C-weighted SPL of -20 dB FS RMS noise with no trim and the monitor gain at 0 dB. */
  readonly splDb: number;
  readonly trimDb: number;
}

export interface SplCalibration {
  readonly referenceSplDb: number;
  readonly speakers: readonly SpeakerSpl[];
  /** Monitor gain (dB) of each mark: at the K-N mark, -N dB FS RMS noise reads the reference. */
  readonly marks: Readonly<Record<KScaleName, number>>;
}

const MIN_REFERENCE_DB = 60;
const MAX_REFERENCE_DB = 100;
/** IEC 61672-1 Annex E: C-weighting poles (Hz) and its value at 1 kHz before normalisation. */
const C_POLE_LOW_HZ = 20.598997;
const C_POLE_HIGH_HZ = 12194.217;
const C_AT_1KHZ_DB = -0.062;

function invalid(what: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `SPL calibration: ${what}`);
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw invalid(`${what} ${value} is not a finite number`);
  return value;
}

/** C-weighting (dB) at `hz`, IEC 61672-1 Annex E; 0 dB at 1 kHz. */
export function cWeightingDb(hz: number): number {
  const f2 = hz * hz;
  const response =
    (C_POLE_HIGH_HZ * C_POLE_HIGH_HZ * f2) /
    ((f2 + C_POLE_LOW_HZ * C_POLE_LOW_HZ) * (f2 + C_POLE_HIGH_HZ * C_POLE_HIGH_HZ));
  return 20 * Math.log10(response) - C_AT_1KHZ_DB;
}

/**
 * C-weighted minus unweighted level (dB) of pink noise confined to [lowHz, highHz]: pink power
 * is uniform per log frequency, so this is the mean of the weighting's power gain over log f.
 */
export function pinkNoiseCWeightingDb(lowHz: number, highHz: number): number {
  if (!(Number.isFinite(lowHz) && Number.isFinite(highHz) && lowHz > 0 && lowHz < highHz)) {
    throw invalid(`band ${lowHz}-${highHz} Hz must have 0 < low < high`);
  }
  const steps = 4096;
  const span = Math.log(highHz / lowHz);
  let sum = 0;
  for (let k = 0; k < steps; k++) {
    sum += Math.pow(10, cWeightingDb(lowHz * Math.exp(((k + 0.5) / steps) * span)) / 10);
  }
  return 10 * Math.log10(sum / steps);
}

/** Unweighted SPL heard by a microphone of the given sensitivity that records `recordedDbfs`. */
export function splFromMicrophone(recordedDbfs: number, sensitivityDbfs: number): number {
  return CALIBRATOR_SPL_DB + finite(recordedDbfs, 'recorded level') - finite(sensitivityDbfs, 'sensitivity');
}

/** Trims and K-System monitor-gain marks from one reading per speaker (see the file comment). */
export function calibrateSpl(
  readings: readonly SplReading[],
  options: SplCalibrationOptions,
): SplCalibration {
  if (readings.length === 0) throw invalid('no speakers');
  const { referenceSplDb, maxTrimBoostDb = 0, band = CALIBRATION_BAND_HZ } = options;
  finite(referenceSplDb, 'reference');
  if (referenceSplDb < MIN_REFERENCE_DB || referenceSplDb > MAX_REFERENCE_DB) {
    throw invalid(
      `reference ${referenceSplDb} dB SPL is outside ${MIN_REFERENCE_DB}-${MAX_REFERENCE_DB} dB SPL`,
    );
  }
  if (!Number.isFinite(maxTrimBoostDb) || maxTrimBoostDb < 0)
    throw invalid(`maximum trim boost ${maxTrimBoostDb} dB`);
  const weighting = pinkNoiseCWeightingDb(band.lowHz, band.highHz);

  const splAtUnity = readings.map((reading, index) => {
    const what = `speaker ${index + 1}:`;
    const heard =
      reading.kind === 'meter'
        ? finite(reading.splDb, `${what} meter reading`)
        : splFromMicrophone(reading.recordedDbfs, reading.sensitivityDbfs) + weighting;
    const signalDbfs = finite(reading.signalDbfs ?? CALIBRATION_NOISE_DBFS, `${what} signal level`);
    const gainDb = finite(reading.gainDb ?? 0, `${what} gain`);
    return heard + (CALIBRATION_NOISE_DBFS - signalDbfs) - gainDb;
  });
  const needed = splAtUnity.map((spl) => referenceSplDb - spl);
  const k20Mark = Math.max(0, Math.max(...needed) - maxTrimBoostDb);
  const k20 = K_SCALES.find((scale) => scale.name === 'K-20')!;
  const marks = Object.fromEntries(
    K_SCALES.map((scale) => [scale.name, k20Mark + k20.referenceDbfs - scale.referenceDbfs]),
  ) as Record<KScaleName, number>;
  return {
    referenceSplDb,
    speakers: splAtUnity.map((splDb, index) => ({ splDb, trimDb: needed[index]! - k20Mark })),
    marks,
  };
}
