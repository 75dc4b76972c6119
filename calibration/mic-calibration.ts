import { LatheError } from '../engine/index.ts';
import type { FrequencyResponse } from './frequency-response.ts';
import { interpolateLogFrequency } from './log-frequency-grid.ts';

/**
 * A measurement microphone's calibration: its own frequency response (what it adds to every
 * measurement), plus the sensitivity metadata some files carry in their header.
 */
export interface MicCalibration {
  /** Strictly increasing, Hz. */
  readonly hz: Float64Array;
  /** The microphone's response at `hz`, dB. */
  readonly db: Float64Array;
  /** Phase at `hz` in degrees when every data line has a third column, else null. */
  readonly phaseDeg: Float64Array | null;
  /** miniDSP's `"Sens Factor =-1.23dB, ..."` header value, dB, or null. */
  readonly sensFactorDb: number | null;
  /** A `*1000Hz -40.3` header: the sensitivity (dB, often dBV/Pa) at that frequency, or null. */
  readonly sensitivity: { readonly hz: number; readonly db: number } | null;
}

const STARTS_WITH_NUMBER = /^[+-]?(\d|\.\d)/;
const SEPARATORS = /[\s,;]+/;
const SENS_FACTOR = /sens\s*factor\s*=\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i;
const STAR_SENSITIVITY = /^\*\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*hz[\s,;]+([+-]?(?:\d+\.?\d*|\.\d+))/i;

/**
 * Reads a mic calibration text file (REW's and the common vendors' form): one point per line,
 * "frequency dB [phase]" separated by spaces, tabs, commas or semicolons. Lines that do not start
 * with a number (headers, comments, quoted text) are ignored, except two header forms read as
 * sensitivity metadata: `"Sens Factor =-.7423dB, ..."` (miniDSP) and `*1000Hz -40.3`.
 * A file with no data lines, a data line whose fields are not finite numbers, or frequencies
 * that are not positive and strictly increasing throws LATHE_CALIBRATION_MIC_FILE_INVALID
 * naming the line.
 */
export function parseMicCalibration(text: string, source = 'mic calibration file'): MicCalibration {
  const hz: number[] = [];
  const db: number[] = [];
  const phase: number[] = [];
  let phaseOnEveryLine = true;
  let sensFactorDb: number | null = null;
  let sensitivity: MicCalibration['sensitivity'] = null;
  const lines = text.split(/\r\n|\r|\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const lineNumber = index + 1;
    if (!STARTS_WITH_NUMBER.test(line)) {
      const factor = SENS_FACTOR.exec(line);
      if (factor !== null) sensFactorDb = Number(factor[1]);
      const star = STAR_SENSITIVITY.exec(line);
      if (star !== null) sensitivity = { hz: Number(star[1]), db: Number(star[2]) };
      continue;
    }
    const fields = line.split(SEPARATORS);
    const frequency = Number(fields[0]);
    const level = Number(fields[1]);
    if (fields.length < 2 || !Number.isFinite(frequency) || !Number.isFinite(level)) {
      throw invalid(source, lineNumber, `expected "frequency dB [phase]", got "${line}"`);
    }
    if (!(frequency > 0)) throw invalid(source, lineNumber, `frequency ${frequency} Hz is not positive`);
    const previous = hz[hz.length - 1];
    if (previous !== undefined && !(frequency > previous)) {
      throw invalid(
        source,
        lineNumber,
        `frequency ${frequency} Hz does not increase (previous ${previous} Hz)`,
      );
    }
    if (fields.length >= 3 && fields[2] !== '') {
      const degrees = Number(fields[2]);
      if (!Number.isFinite(degrees))
        throw invalid(source, lineNumber, `phase "${fields[2]}" is not a number`);
      phase.push(degrees);
    } else {
      phaseOnEveryLine = false;
    }
    hz.push(frequency);
    db.push(level);
  }
  if (hz.length === 0) {
    throw new LatheError(
      'LATHE_CALIBRATION_MIC_FILE_INVALID',
      `${source}: no data lines (frequency dB) in ${lines.length} lines`,
    );
  }
  return {
    hz: Float64Array.from(hz),
    db: Float64Array.from(db),
    phaseDeg: phaseOnEveryLine ? Float64Array.from(phase) : null,
    sensFactorDb,
    sensitivity,
  };
}

/** The microphone's response at `hz`: linear in log frequency between the file's points, end values held beyond them. */
export function micResponseDb(calibration: MicCalibration, hz: ArrayLike<number>): Float64Array {
  return interpolateLogFrequency(calibration.hz, calibration.db, hz);
}

/**
 * A measured response with the microphone taken out: the file holds what the mic adds, so it is
 * subtracted (a mic reading +3 dB at 10 kHz makes the room read 3 dB too loud there).
 */
export function applyMicCalibration(
  response: FrequencyResponse,
  calibration: MicCalibration,
): FrequencyResponse {
  const mic = micResponseDb(calibration, response.hz);
  return { hz: response.hz.slice(), db: response.db.map((level, i) => level - mic[i]!) };
}

function invalid(source: string, line: number, message: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_MIC_FILE_INVALID', `${source} line ${line}: ${message}`);
}
