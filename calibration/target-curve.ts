import { LatheError } from '../engine/index.ts';
import type { FrequencyResponse } from './frequency-response.ts';
import {
  GRID_POINTS_PER_OCTAVE,
  bandMeanDb,
  logFrequencyGrid,
  resampleDb,
  responseExtentHz,
} from './log-frequency-grid.ts';

/**
 * The response the correction aims for, as a shape in dB (its absolute level is set later, see
 * `alignTarget`): breakpoints joined by straight lines on a log-frequency axis and held flat beyond
 * the first and last (REW's house-curve rule with its default logarithmic interpolation), plus an
 * optional constant tilt in dB per octave about a pivot frequency.
 */
export interface TargetCurve {
  readonly name: string;
  readonly hz: Float64Array;
  readonly db: Float64Array;
  readonly tiltDbPerOctave: number;
  readonly pivotHz: number;
}

/** The band whose mean level a target is aligned to (where trims and SPL are set too). */
export const TARGET_LEVEL_BAND_HZ: readonly [number, number] = [500, 2000];

/**
 * Named house curves (breakpoints in Hz and dB):
 * - `bk`, `bk-2`, `bk-3`: the Brüel & Kjær-style in-room curves DRC ships as target/*\/bk*.txt
 *   (Debian package drc 3.2.3): flat to 400 Hz then -1 dB/oct; flat to 200 Hz then -0.5 dB/oct;
 *   flat to 100 Hz then -0.5 dB/oct. DRC's files stop near 20 kHz and add their own band-edge
 *   roll-offs; here the slopes run on to 25.6 kHz (a whole number of octaves) instead.
 * - `lf-rise`: REW's house-curve help example (V5, House Curve preferences): +6 dB at 20 Hz falling
 *   to 0 dB at 80 Hz (3 dB/oct on the log axis), flat beyond: the subjectively preferred bass lift.
 */
export const HOUSE_CURVES = {
  bk: { hz: [400, 25600], db: [0, -6] },
  'bk-2': { hz: [200, 25600], db: [0, -3.5] },
  'bk-3': { hz: [100, 25600], db: [0, -4] },
  'lf-rise': { hz: [20, 80], db: [6, 0] },
} as const satisfies Record<string, { hz: readonly number[]; db: readonly number[] }>;

export type HouseCurveName = keyof typeof HOUSE_CURVES;

/** Names `namedTarget` knows: `flat` and the house curves. */
export const TARGET_NAMES: readonly string[] = ['flat', ...Object.keys(HOUSE_CURVES)];

const DEFAULT_PIVOT_HZ = 1000;

/** Flat: the same level everywhere. */
export function flatTarget(): TargetCurve {
  return {
    name: 'flat',
    hz: Float64Array.of(DEFAULT_PIVOT_HZ),
    db: Float64Array.of(0),
    tiltDbPerOctave: 0,
    pivotHz: DEFAULT_PIVOT_HZ,
  };
}

/** A straight line of `dbPerOctave` (negative: falling with frequency) through 0 dB at `pivotHz`. */
export function tiltTarget(dbPerOctave: number, pivotHz = DEFAULT_PIVOT_HZ): TargetCurve {
  if (!Number.isFinite(dbPerOctave) || !(pivotHz > 0) || !Number.isFinite(pivotHz)) {
    throw new LatheError(
      'LATHE_CALIBRATION_TARGET_INVALID',
      `bad tilt ${dbPerOctave} dB/oct about ${pivotHz} Hz`,
    );
  }
  return {
    name: `tilt ${dbPerOctave} dB/oct`,
    hz: Float64Array.of(pivotHz),
    db: Float64Array.of(0),
    tiltDbPerOctave: dbPerOctave,
    pivotHz,
  };
}

/** One of `HOUSE_CURVES`. */
export function houseCurve(name: HouseCurveName): TargetCurve {
  const curve = HOUSE_CURVES[name];
  return {
    name,
    hz: Float64Array.from(curve.hz),
    db: Float64Array.from(curve.db),
    tiltDbPerOctave: 0,
    pivotHz: DEFAULT_PIVOT_HZ,
  };
}

/** `flat` or a house-curve name; undefined for anything else (the caller may then read a file). */
export function namedTarget(name: string): TargetCurve | undefined {
  if (name === 'flat') return flatTarget();
  return Object.hasOwn(HOUSE_CURVES, name) ? houseCurve(name as HouseCurveName) : undefined;
}

const NUMBER_START = /^\s*[-+]?(?:\d|\.\d)/;
const FIELD_SEPARATOR = /[\s,;]+/;

/**
 * A target file in the mic-calibration text form (REW's house-curve files, DRC's target files):
 * one `frequency dB` pair per line, separated by spaces, tabs or commas; lines that do not start
 * with a number are ignored; frequencies strictly increasing. Points at 0 Hz (DRC writes them) are
 * skipped: the curve lives on a log axis and is held flat below its first point. At least two
 * points above 0 Hz are needed. Anything else: LATHE_CALIBRATION_TARGET_INVALID naming the line.
 */
export function parseTargetFile(text: string, name = 'target file'): TargetCurve {
  const hz: number[] = [];
  const db: number[] = [];
  let previousHz = -Infinity;
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (!NUMBER_START.test(line)) continue;
    const fields = line.trim().split(FIELD_SEPARATOR);
    const frequency = Number(fields[0]);
    const level = Number(fields[1]);
    if (fields.length < 2 || !Number.isFinite(frequency) || !Number.isFinite(level)) {
      throw new LatheError(
        'LATHE_CALIBRATION_TARGET_INVALID',
        `${name} line ${index + 1}: expected "frequency dB", got "${line.trim()}"`,
      );
    }
    if (frequency < 0 || frequency <= previousHz) {
      throw new LatheError(
        'LATHE_CALIBRATION_TARGET_INVALID',
        `${name} line ${index + 1}: frequency ${frequency} Hz does not increase`,
      );
    }
    previousHz = frequency;
    if (frequency === 0) continue;
    hz.push(frequency);
    db.push(level);
  }
  if (hz.length < 2) {
    throw new LatheError('LATHE_CALIBRATION_TARGET_INVALID', `${name}: fewer than two points above 0 Hz`);
  }
  return {
    name,
    hz: Float64Array.from(hz),
    db: Float64Array.from(db),
    tiltDbPerOctave: 0,
    pivotHz: DEFAULT_PIVOT_HZ,
  };
}

/** The target's shape in dB at `hz` (before alignment). */
export function targetShapeDb(target: TargetCurve, hz: number): number {
  const breakpoints = resampleDb(target, [hz])[0]!;
  return breakpoints + target.tiltDbPerOctave * Math.log2(hz / target.pivotHz);
}

/**
 * The target at `hz` (default: the measurement's own frequencies), shifted so that its mean level
 * over `levelBandHz` (default 500 Hz-2 kHz, 1/48-octave grid) equals the measurement's there: the
 * correction then reshapes the response without changing the level that trims and SPL calibration
 * set. Frequencies at 0 Hz take the level of the measurement's lowest positive frequency.
 */
export function alignTarget(
  target: TargetCurve,
  measured: FrequencyResponse,
  levelBandHz: readonly [number, number] = TARGET_LEVEL_BAND_HZ,
  hz: Float64Array = measured.hz,
): FrequencyResponse {
  const band = logFrequencyGrid(levelBandHz[0], levelBandHz[1], GRID_POINTS_PER_OCTAVE);
  let targetBandDb = 0;
  for (const f of band) targetBandDb += targetShapeDb(target, f);
  const offset = measuredBandMeanDb(measured, levelBandHz) - targetBandDb / band.length;
  const [lowest] = responseExtentHz(measured);
  const db = new Float64Array(hz.length);
  for (let i = 0; i < db.length; i++) db[i] = targetShapeDb(target, Math.max(lowest, hz[i]!)) + offset;
  return { hz, db };
}

/**
 * The measurement's mean dB over `bandHz` on the 1/48-octave grid, or LATHE_CALIBRATION_INPUT_INVALID
 * when the measurement does not cover the band (1 % slack for grids that end a rounding short).
 */
export function measuredBandMeanDb(measured: FrequencyResponse, bandHz: readonly [number, number]): number {
  const [lowest, highest] = responseExtentHz(measured);
  if (!(bandHz[0] >= lowest * 0.99 && bandHz[1] <= highest * 1.01 && bandHz[1] > bandHz[0])) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `the response (${lowest.toFixed(1)}-${highest.toFixed(1)} Hz) does not cover the level band ${bandHz[0]}-${bandHz[1]} Hz`,
    );
  }
  return bandMeanDb(measured, bandHz[0], bandHz[1]);
}
