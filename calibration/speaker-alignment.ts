import { LatheError } from '../engine/index.ts';

/**
 * Time and level alignment of the monitors at the listening position (reference §8.2 "Delay
 * alignment" and "Level trims"; §10.4).
 *
 * Delays: every speaker is delayed so its sound arrives with the latest one's: the farthest
 * speaker gets 0 and the nearer ones the difference (delays can only be added). Arrival times
 * may carry any common offset (system latency, loopback reference): only differences count.
 * Delays stay fractional: the monitor path (or CamillaDSP's `subsample: true`) can apply a
 * fractional delay, and rounding is the caller's choice.
 *
 * Trims: from each speaker's level in the 500 Hz-2 kHz band (band-limited pink noise RMS or IR
 * band energy, in dB on any common scale), the trim that brings every speaker to the reference
 * level: by default the quietest speaker, so every trim is a cut and no speaker loses headroom.
 * A higher reference (a level in the same dB scale) is allowed up to `maxBoostDb` of boost on
 * any speaker (default 0 dB: cuts only); past that the call fails rather than silently leaving
 * a speaker unmatched.
 */

/** Speed of sound used for distances (m/s): 343 m/s at about 20 °C, as CamillaDSP's mm delays. */
export const SPEED_OF_SOUND_M_PER_S = 343;

export interface SpeakerDelay {
  /** Delay to add, in samples at the given rate (fractional). */
  readonly delaySamples: number;
  readonly delayMs: number;
}

export interface ArrivalOptions {
  /** Unit of the arrival times. */
  readonly unit: 'seconds' | 'samples';
  /** Rate the delays are expressed at (and of the arrivals when they are in samples). */
  readonly sampleRate: number;
}

export interface LevelTrimOptions {
  /** Level every speaker is brought to, on the band levels' scale. Default: the quietest speaker. */
  readonly referenceDb?: number;
  /** Largest boost a trim may have (dB, >= 0). Default 0: trims only cut. */
  readonly maxBoostDb?: number;
}

function invalid(what: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_INPUT_INVALID', what);
}

function checkValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw invalid(`${what}: no speakers`);
  values.forEach((value, index) => {
    if (!Number.isFinite(value))
      throw invalid(`${what}: speaker ${index + 1} has ${value}, not a finite number`);
  });
}

/** The delay per speaker that makes every arrival coincide with the latest one. */
export function alignmentDelays(arrivals: readonly number[], options: ArrivalOptions): SpeakerDelay[] {
  checkValues(arrivals, 'arrival times');
  const { unit, sampleRate } = options;
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) throw invalid(`sample rate ${sampleRate} Hz`);
  const seconds = unit === 'seconds' ? arrivals : arrivals.map((samples) => samples / sampleRate);
  const latest = Math.max(...seconds);
  return seconds.map((arrival) => {
    const delaySeconds = latest - arrival;
    return { delaySamples: delaySeconds * sampleRate, delayMs: delaySeconds * 1000 };
  });
}

/** Arrival time (s) of sound from a speaker `distanceM` metres away. */
export function distanceToSeconds(distanceM: number, speedOfSound = SPEED_OF_SOUND_M_PER_S): number {
  if (!Number.isFinite(distanceM) || distanceM < 0) throw invalid(`distance ${distanceM} m`);
  return distanceM / speedOfSound;
}

/** Trim (dB) per speaker that brings its band level to the reference (see the file comment). */
export function levelTrims(bandLevelsDb: readonly number[], options: LevelTrimOptions = {}): number[] {
  checkValues(bandLevelsDb, 'band levels');
  const maxBoostDb = options.maxBoostDb ?? 0;
  if (!Number.isFinite(maxBoostDb) || maxBoostDb < 0) throw invalid(`maximum boost ${maxBoostDb} dB`);
  const referenceDb = options.referenceDb ?? Math.min(...bandLevelsDb);
  if (!Number.isFinite(referenceDb)) throw invalid(`reference level ${referenceDb} dB`);
  return bandLevelsDb.map((level, index) => {
    const trim = referenceDb - level;
    if (trim > maxBoostDb) {
      throw invalid(
        `speaker ${index + 1} needs ${trim.toFixed(2)} dB of boost to reach the reference, above the ` +
          `${maxBoostDb} dB limit: choose a lower reference or allow more boost`,
      );
    }
    return trim;
  });
}
