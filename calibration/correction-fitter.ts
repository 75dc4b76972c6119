import { LatheError } from '../engine/index.ts';
import {
  FilterResponseGrid,
  filterResponseDb,
  filterResponsePeak,
  minimumQForLowerEdge,
  minimumQForUpperEdge,
  peakScanGrid,
} from './filter-response.ts';
import type { FrequencyResponse } from './frequency-response.ts';
import {
  GRID_POINTS_PER_OCTAVE,
  checkFrequencyResponse,
  resampleDb,
  responseExtentHz,
} from './log-frequency-grid.ts';
import type { ParametricFilter } from './parametric-filter.ts';
import { speakerRollOff } from './speaker-roll-off.ts';
import { TARGET_LEVEL_BAND_HZ, alignTarget, flatTarget, type TargetCurve } from './target-curve.ts';

export interface CorrectionOptions {
  /** Default flat. Aligned to the measurement's mean level over `levelBandHz`. */
  readonly target?: TargetCurve;
  /** Where the residual is minimised and reported. Default 20-500 Hz; the full band is allowed. */
  readonly matchRangeHz?: readonly [number, number];
  /** Where filter frequencies may go. Default: the match range. */
  readonly filterRangeHz?: readonly [number, number];
  /** Default 10. */
  readonly maxFilters?: number;
  /** Largest gain of any one filter. Default +3 dB. */
  readonly maxBoostDb?: number;
  /** Largest level the summed correction reaches anywhere, 0 Hz to Nyquist. Default +6 dB. */
  readonly maxTotalBoostDb?: number;
  /** Deepest cut of any one filter (a positive number). Default 15 dB. */
  readonly maxCutDb?: number;
  /**
   * Peaking Q range. Default 0.5 to 4.32, the Q of a bell 1/3 octave wide (half-gain points): twice
   * the usual 1/6-octave smoothing of the measurement. A narrower correction is finer than the
   * measurement can show, and the corrected room would not measure as predicted; raise it for
   * responses smoothed more finely (REW's variable smoothing is 1/48 octave below 100 Hz).
   */
  readonly qRange?: readonly [number, number];
  /** Rate the filters will run at. Default 48000. */
  readonly sampleRate?: number;
  /** Band the target is aligned in and the speaker's pass band. Default 500 Hz-2 kHz. */
  readonly levelBandHz?: readonly [number, number];
  /** Filters whose |gain| ends below this are dropped. Default 0.5 dB. */
  readonly minGainDb?: number;
  /**
   * Dips narrower than this (octaves, measured where they meet their surroundings) are filled only
   * up to their rim, i.e. left alone. Default 1/3.
   */
  readonly narrowDipOctaves?: number;
  /**
   * The speaker's low -6 dB point (from its data sheet, say), used as given; by default it is found
   * in `measured` and boosts keep `rollOffMarginOctaves` clear of it. null: no limit.
   */
  readonly speakerLowHz?: number | null;
  /** The speaker's high -6 dB point, likewise. */
  readonly speakerHighHz?: number | null;
  /**
   * How far inside a -6 dB point found in the measurement boosts must stay, in octaves. Default 0:
   * boosts may reach the in-room point. Room gain lifts an in-room measurement's bottom octave and
   * moves that point below the speaker's own (4 dB of room gain moves a 12 dB/oct roll-off's point
   * down 1/3 octave): where that matters give `speakerLowHz` from the data sheet, or a margin.
   */
  readonly rollOffMarginOctaves?: number;
  /** Also fit one low and one high shelf. Default false. */
  readonly shelves?: boolean;
}

export interface CorrectionFit {
  /** Sorted by frequency. */
  readonly filters: ParametricFilter[];
  /** -(the summed response's maximum from 0 Hz to Nyquist), never positive: the correction cannot clip. */
  readonly preampDb: number;
  /** measured + the summed filter response, on the measurement's frequencies (preamp not included). */
  readonly predicted: FrequencyResponse;
  /** The aligned target on the measurement's frequencies. */
  readonly target: FrequencyResponse;
  /** The match range actually used (the requested one clipped to the measurement and 0.49 fs). */
  readonly matchRangeHz: readonly [number, number];
  /** The speaker's -6 dB points (found or given; null: none). */
  readonly speakerLowHz: number | null;
  readonly speakerHighHz: number | null;
  /** No boost reaches half its gain below/above these (null: no limit). */
  readonly boostFloorHz: number | null;
  readonly boostCeilingHz: number | null;
  /** RMS and maximum |predicted - target| in the match range (1/48-octave grid), dB. */
  readonly residualRmsDb: number;
  readonly residualMaxDb: number;
  /** The same for the measurement before correction. */
  readonly beforeRmsDb: number;
  readonly beforeMaxDb: number;
}

const DEFAULTS = {
  matchRangeHz: [20, 500] as const,
  maxFilters: 10,
  maxBoostDb: 3,
  maxTotalBoostDb: 6,
  maxCutDb: 15,
  qRange: [0.5, bellQ(2 / 6)] as const,
  sampleRate: 48000,
  minGainDb: 0.5,
  narrowDipOctaves: 1 / 3,
  rollOffMarginOctaves: 0,
};
/** Q of a cookbook bell whose half-gain points are `octaves` apart: sqrt(2^bw) / (2^bw - 1). */
function bellQ(octaves: number): number {
  const ratio = Math.pow(2, octaves);
  return Math.sqrt(ratio) / (ratio - 1);
}

/** Cookbook Q-form shelves overshoot above 1/sqrt 2 (the cookbook's S = 1); AutoEq keeps them 0.4-0.7. */
const SHELF_Q_RANGE = [0.4, Math.SQRT1_2] as const;
/** Headroom kept under the overall boost limit, so rounding the output cannot cross it. */
const TOTAL_BOOST_MARGIN_DB = 0.05;
/** Boost edges kept this fraction inside the speaker's -6 dB points, for the same reason. */
const EDGE_MARGIN = 1e-3;
/** Filters end on 0.01 Hz, 0.001 Q and 0.01 dB, what the exports print. */
const HZ_STEP = 0.01;
const Q_STEP = 0.001;
const GAIN_STEP = 0.01;
/** Parameters per filter: log2 frequency, log2 Q, gain dB. */
const PARAMS = 3;
const FINITE_DIFFERENCE = [1e-4, 1e-4, 1e-3] as const;
const GREEDY_ITERATIONS = 30;
const CANDIDATES_PER_STEP = 3;
/** Rounds of greedy filling and tidying (each round only runs when the last one freed a slot). */
const TIDY_ROUNDS = 3;
/** Weight of the squared excess over the overall boost limit, against the squared residual. */
const BOOST_PENALTY = 100;
/** The penalty starts this far under the limit (less the margin), so the projection rarely acts. */
const PENALTY_HEADROOM_DB = 0.05;
const POLISH_ITERATIONS = 200;

type FilterType = ParametricFilter['type'];

/** A filter being fitted: frequency and Q as log2 so the optimiser moves them in octaves. */
interface Slot {
  type: FilterType;
  logHz: number;
  logQ: number;
  gainDb: number;
}

interface Limits {
  readonly logHz: readonly [number, number];
  readonly logQ: readonly [number, number];
  readonly shelfLogQ: readonly [number, number];
  readonly maxQ: number;
  readonly maxCutDb: number;
  readonly maxBoostDb: number;
  readonly maxTotalBoostDb: number;
  /** The boost floor and ceiling (null: none). */
  readonly lowHz: number | null;
  readonly highHz: number | null;
  readonly sampleRate: number;
  /** The full-band scan the overall boost limit is checked on, with scratch for its power sums. */
  readonly scan: { readonly grid: FilterResponseGrid; readonly power: Float64Array };
}

/**
 * Fits parametric EQ that brings `measured` toward the target in the match range (reference
 * room-calibration.md §4.2, §10.3), deterministically:
 *
 * 1. The error (measured - aligned target) is taken on a 1/48-octave grid. What the fit aims at is
 *    the error with its narrow dips closed: a morphological closing over `narrowDipOctaves` fills
 *    any dip narrower than that up to its rim, so peaks are cut in full, broad shortfalls may be
 *    lifted, and narrow dips (cancellations that boost cannot fill, only drive harder) are left
 *    alone. Shortfalls outside the boost range (see 3) are ignored too.
 * 2. Greedy initialisation (AutoEq-style): a filter on the largest remaining feature by height x
 *    half-height width, Q from that width, then a bounded Levenberg-Marquardt pass over every
 *    filter's log frequency, log Q and gain minimising the RMS dB residual over the match range.
 * 3. Boost rules, enforced by projection after every step: each gain <= maxBoostDb; a peaking boost
 *    may reach half its gain (the cookbook's bandwidth edges) only inside the boost range, else its
 *    Q is raised or its gain set to 0; no shelf boosts when the range has that end; the summed
 *    response <= maxTotalBoostDb anywhere from 0 Hz to Nyquist (boosts scaled down). The boost
 *    range runs from the speaker's low -6 dB point to its high one, each moved
 *    `rollOffMarginOctaves` inward when found in the measurement (`speakerRollOff`).
 * 4. Filters ending with |gain| < minGainDb are dropped and the rest re-polished; the output is
 *    rounded (gains toward 0 dB, boost Qs up), which only moves it away from the limits.
 */
export function fitCorrection(measured: FrequencyResponse, options: CorrectionOptions = {}): CorrectionFit {
  checkFrequencyResponse(measured, 'measured response');
  const [lowest, highest] = responseExtentHz(measured);
  if (!(highest > lowest)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      'measured response: fewer than two points above 0 Hz',
    );
  }
  const sampleRate = options.sampleRate ?? DEFAULTS.sampleRate;
  const maxFilters = options.maxFilters ?? DEFAULTS.maxFilters;
  const maxBoostDb = options.maxBoostDb ?? DEFAULTS.maxBoostDb;
  const maxTotalBoostDb = options.maxTotalBoostDb ?? DEFAULTS.maxTotalBoostDb;
  const maxCutDb = options.maxCutDb ?? DEFAULTS.maxCutDb;
  const qRange = options.qRange ?? DEFAULTS.qRange;
  const minGainDb = options.minGainDb ?? DEFAULTS.minGainDb;
  const narrowDipOctaves = options.narrowDipOctaves ?? DEFAULTS.narrowDipOctaves;
  const levelBandHz = options.levelBandHz ?? TARGET_LEVEL_BAND_HZ;
  const rollOffMarginOctaves = options.rollOffMarginOctaves ?? DEFAULTS.rollOffMarginOctaves;
  checkOptions(
    sampleRate,
    maxFilters,
    maxBoostDb,
    maxTotalBoostDb,
    maxCutDb,
    qRange,
    minGainDb,
    narrowDipOctaves,
  );
  if (!(rollOffMarginOctaves >= 0) || !Number.isFinite(rollOffMarginOctaves)) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `bad roll-off margin ${rollOffMarginOctaves} oct`,
    );
  }
  for (const [name, value] of [
    ['low', options.speakerLowHz],
    ['high', options.speakerHighHz],
  ] as const) {
    if (value !== undefined && value !== null && !(value > 0 && Number.isFinite(value))) {
      throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `bad speaker ${name} -6 dB point ${value} Hz`);
    }
  }

  // The engine's cookbook designs clamp their frequency to 0.49 fs.
  const nyquistLimit = 0.49 * sampleRate;
  const requested = options.matchRangeHz ?? DEFAULTS.matchRangeHz;
  checkRange(requested, 'match range');
  const matchRangeHz = [
    Math.max(requested[0], lowest),
    Math.min(requested[1], highest, nyquistLimit),
  ] as const;
  if (!(matchRangeHz[1] > matchRangeHz[0] * Math.pow(2, 1 / 12))) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `the match range ${requested[0]}-${requested[1]} Hz leaves too little of the measurement (${lowest.toFixed(1)}-${highest.toFixed(1)} Hz)`,
    );
  }
  const filterRange = options.filterRangeHz ?? matchRangeHz;
  checkRange(filterRange, 'filter range');
  const rollOff =
    options.speakerLowHz === undefined || options.speakerHighHz === undefined
      ? speakerRollOff(measured, { passBandHz: levelBandHz })
      : null;
  const scanGrid = peakScanGrid(sampleRate);
  const speakerLowHz = options.speakerLowHz !== undefined ? options.speakerLowHz : (rollOff?.lowHz ?? null);
  const speakerHighHz =
    options.speakerHighHz !== undefined ? options.speakerHighHz : (rollOff?.highHz ?? null);
  const margin = Math.pow(2, rollOffMarginOctaves);
  const limits: Limits = {
    logHz: [Math.log2(filterRange[0]), Math.log2(Math.min(filterRange[1], nyquistLimit))],
    logQ: [Math.log2(qRange[0]), Math.log2(qRange[1])],
    shelfLogQ: [Math.log2(SHELF_Q_RANGE[0]), Math.log2(SHELF_Q_RANGE[1])],
    maxQ: qRange[1],
    maxCutDb,
    maxBoostDb,
    maxTotalBoostDb,
    lowHz: speakerLowHz === null ? null : speakerLowHz * (options.speakerLowHz === undefined ? margin : 1),
    highHz:
      speakerHighHz === null ? null : speakerHighHz / (options.speakerHighHz === undefined ? margin : 1),
    sampleRate,
    scan: { grid: new FilterResponseGrid(scanGrid, sampleRate), power: new Float64Array(scanGrid.length) },
  };
  const target = options.target ?? flatTarget();

  // The error on 1/48-octave steps from the match range's low end, reaching past both ends by the
  // dip closing's half width (within the data) so it sees both sides of a dip at an edge.
  const half = Math.round((narrowDipOctaves * GRID_POINTS_PER_OCTAVE) / 2);
  const inRange =
    Math.floor(Math.log2(matchRangeHz[1] / matchRangeHz[0]) * GRID_POINTS_PER_OCTAVE + 1e-9) + 1;
  const below = Math.min(
    half,
    Math.floor(Math.log2(matchRangeHz[0] / lowest) * GRID_POINTS_PER_OCTAVE + 1e-9),
  );
  const lastInRange = matchRangeHz[0] * Math.pow(2, (inRange - 1) / GRID_POINTS_PER_OCTAVE);
  const above = Math.min(half, Math.floor(Math.log2(highest / lastInRange) * GRID_POINTS_PER_OCTAVE + 1e-9));
  const wide = Float64Array.from(
    { length: below + inRange + above },
    (_, i) => matchRangeHz[0] * Math.pow(2, (i - below) / GRID_POINTS_PER_OCTAVE),
  );
  const wideTarget = alignTarget(target, measured, levelBandHz, wide).db;
  const wideError = resampleDb(measured, wide).map((level, i) => level - wideTarget[i]!);
  const grid = wide.subarray(below, below + inRange);
  const error = wideError.subarray(below, below + inRange);
  const aim = fitAim(grid, error, closing(wideError, half).subarray(below, below + inRange), limits);

  const evaluator = new FilterResponseGrid(grid, sampleRate);
  const slots = fitSlots(aim, evaluator, limits, maxFilters, minGainDb, options.shelves ?? false);
  const filters = withinTotalBoost(
    slots
      .map((slot) => roundFilter(slot, limits))
      .filter((filter) => Math.abs(filter.gainDb) >= minGainDb)
      .sort((a, b) => a.hz - b.hz),
    limits,
  );

  const correctionOnGrid = filterResponseDb(filters, grid, sampleRate);
  const before = stats(error);
  const after = stats(error.map((value, i) => value + correctionOnGrid[i]!));
  const correction = filterResponseDb(filters, measured.hz, sampleRate);
  const peak = filters.length === 0 ? 0 : filterResponsePeak(filters, sampleRate).db;
  return {
    filters,
    preampDb: peak > 0 ? -peak : 0,
    predicted: { hz: measured.hz, db: measured.db.map((level, i) => level + correction[i]!) },
    target: alignTarget(target, measured, levelBandHz),
    matchRangeHz,
    speakerLowHz,
    speakerHighHz,
    boostFloorHz: limits.lowHz,
    boostCeilingHz: limits.highHz,
    residualRmsDb: after.rms,
    residualMaxDb: after.max,
    beforeRmsDb: before.rms,
    beforeMaxDb: before.max,
  };
}

/**
 * The final filters checked exactly against the overall boost limit (the fit worked on a scan with
 * a margin for what it can miss); were the exact peak over it, the boosts are scaled down until not.
 */
function withinTotalBoost(filters: ParametricFilter[], limits: Limits): ParametricFilter[] {
  let current = filters;
  for (let attempt = 0; attempt < 50 && current.length > 0; attempt++) {
    const peak = filterResponsePeak(current, limits.sampleRate).db;
    if (peak <= limits.maxTotalBoostDb) return current;
    const scale = limits.maxTotalBoostDb / peak;
    current = current.map((filter) =>
      filter.gainDb > 0
        ? {
            ...filter,
            gainDb: Number((Math.trunc((filter.gainDb * scale) / GAIN_STEP) * GAIN_STEP).toFixed(2)),
          }
        : filter,
    );
  }
  return current.filter((filter) => filter.gainDb <= 0);
}

function checkRange(range: readonly [number, number], what: string): void {
  if (!(range[0] > 0) || !(range[1] > range[0]) || !Number.isFinite(range[1])) {
    throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `bad ${what} ${range[0]}-${range[1]} Hz`);
  }
}

function checkOptions(
  sampleRate: number,
  maxFilters: number,
  maxBoostDb: number,
  maxTotalBoostDb: number,
  maxCutDb: number,
  qRange: readonly [number, number],
  minGainDb: number,
  narrowDipOctaves: number,
): void {
  const problems: string[] = [];
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) problems.push(`sample rate ${sampleRate}`);
  if (!Number.isInteger(maxFilters) || maxFilters < 0) problems.push(`filter count ${maxFilters}`);
  if (!(maxBoostDb >= 0) || !Number.isFinite(maxBoostDb)) problems.push(`max boost ${maxBoostDb} dB`);
  if (!(maxTotalBoostDb >= 0) || !Number.isFinite(maxTotalBoostDb))
    problems.push(`max total boost ${maxTotalBoostDb} dB`);
  if (!(maxCutDb >= 0) || !Number.isFinite(maxCutDb)) problems.push(`max cut ${maxCutDb} dB`);
  if (!(qRange[0] > 0) || !(qRange[1] >= qRange[0]) || !Number.isFinite(qRange[1]))
    problems.push(`Q range ${qRange[0]}-${qRange[1]}`);
  if (!(minGainDb >= 0) || !Number.isFinite(minGainDb)) problems.push(`minimum gain ${minGainDb} dB`);
  if (!(narrowDipOctaves >= 0) || !Number.isFinite(narrowDipOctaves))
    problems.push(`narrow dip width ${narrowDipOctaves} oct`);
  if (problems.length > 0) {
    throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `bad correction options: ${problems.join(', ')}`);
  }
}

/**
 * The error the fit aims at: peaks as they are; dips narrower than the closing (`closed`) filled
 * up to their rim, so a dip within a peak counts as on target; shortfalls outside the boost
 * range ignored.
 */
function fitAim(grid: Float64Array, error: Float64Array, closed: Float64Array, limits: Limits): Float64Array {
  const aim = new Float64Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const e = error[i]!;
    let value = e >= 0 ? e : Math.min(closed[i]!, 0);
    const f = grid[i]!;
    if ((limits.lowHz !== null && f < limits.lowHz) || (limits.highHz !== null && f > limits.highHz)) {
      value = Math.max(value, 0);
    }
    aim[i] = value;
  }
  return aim;
}

/** Morphological closing (running max, then running min) over +-half points. */
function closing(values: Float64Array, half: number): Float64Array {
  const running = (input: Float64Array, pick: (a: number, b: number) => number): Float64Array => {
    const out = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) {
      let value = input[i]!;
      for (let j = Math.max(0, i - half); j <= Math.min(input.length - 1, i + half); j++)
        value = pick(value, input[j]!);
      out[i] = value;
    }
    return out;
  };
  return running(running(values, Math.max), Math.min);
}

function stats(residual: Float64Array): { rms: number; max: number } {
  let sum = 0;
  let max = 0;
  for (const value of residual) {
    sum += value * value;
    max = Math.max(max, Math.abs(value));
  }
  return { rms: Math.sqrt(sum / residual.length), max };
}

function toFilter(slot: Slot): ParametricFilter {
  return { type: slot.type, hz: Math.pow(2, slot.logHz), q: Math.pow(2, slot.logQ), gainDb: slot.gainDb };
}

/** Rounds to what the exports print, only ever moving away from the boost limits. */
function roundFilter(slot: Slot, limits: Limits): ParametricFilter {
  const filter = toFilter(slot);
  const gainDb = Number((Math.trunc(filter.gainDb / GAIN_STEP) * GAIN_STEP).toFixed(2));
  const hz = Number((Math.round(filter.hz / HZ_STEP) * HZ_STEP).toFixed(2));
  let q = Number((Math.round(filter.q / Q_STEP) * Q_STEP).toFixed(3));
  if (gainDb > 0 && filter.type === 'peaking') {
    // Boost Qs round up, to at least what the rounded frequency needs: the fit kept EDGE_MARGIN
    // of slack, more than 0.005 Hz of rounding uses, so this stays within the Q range.
    const needed = Math.max(filter.q, minimumBoostQ(hz, limits, 0));
    q = Math.min(Number((Math.ceil(needed / Q_STEP - 1e-6) * Q_STEP).toFixed(3)), limits.maxQ);
  }
  return { type: filter.type, hz, q, gainDb };
}

/** The smallest Q that keeps a peaking boost at `hz` inside the boost range (`margin` further in). */
function minimumBoostQ(hz: number, limits: Limits, margin = EDGE_MARGIN): number {
  const low =
    limits.lowHz === null ? 0 : minimumQForLowerEdge(hz, limits.lowHz * (1 + margin), limits.sampleRate);
  const high =
    limits.highHz === null ? 0 : minimumQForUpperEdge(hz, limits.highHz * (1 - margin), limits.sampleRate);
  return Math.max(low, high);
}

/** Bounds of slot parameter `p`, given the slot's current state (boost bounds depend on frequency). */
function bounds(slot: Slot, p: number, limits: Limits): readonly [number, number] {
  if (p === 0) return limits.logHz;
  if (p === 1) {
    if (slot.type !== 'peaking') return limits.shelfLogQ;
    if (slot.gainDb > 0) {
      const lowest = Math.log2(minimumBoostQ(Math.pow(2, slot.logHz), limits));
      return [Math.min(Math.max(limits.logQ[0], lowest), limits.logQ[1]), limits.logQ[1]];
    }
    return limits.logQ;
  }
  return [-limits.maxCutDb, maxGain(slot, limits)];
}

function maxGain(slot: Slot, limits: Limits): number {
  if (slot.type === 'lowshelf') return limits.lowHz === null ? limits.maxBoostDb : 0;
  if (slot.type === 'highshelf') return limits.highHz === null ? limits.maxBoostDb : 0;
  const needed = minimumBoostQ(Math.pow(2, slot.logHz), limits);
  return needed > limits.maxQ ? 0 : limits.maxBoostDb;
}

function getParam(slot: Slot, p: number): number {
  return p === 0 ? slot.logHz : p === 1 ? slot.logQ : slot.gainDb;
}

function setParam(slot: Slot, p: number, value: number): void {
  if (p === 0) slot.logHz = value;
  else if (p === 1) slot.logQ = value;
  else slot.gainDb = value;
}

/** Enforces every bound and boost rule in place (see `fitCorrection`, step 3). */
function project(slots: Slot[], limits: Limits): void {
  for (const slot of slots) {
    const clamp = (p: number): void => {
      const [lo, hi] = bounds(slot, p, limits);
      setParam(slot, p, Math.min(hi, Math.max(lo, getParam(slot, p))));
    };
    clamp(0);
    clamp(2);
    clamp(1);
  }
  limitTotalBoost(slots, limits);
}

/** Scales the boosts down until the summed response stays under the overall limit everywhere. */
function limitTotalBoost(slots: Slot[], limits: Limits): void {
  const ceiling = limits.maxTotalBoostDb - TOTAL_BOOST_MARGIN_DB;
  for (let attempt = 0; attempt < 30; attempt++) {
    let boostSum = 0;
    for (const slot of slots) boostSum += Math.max(0, slot.gainDb);
    // Each boost contributes at most its gain and each cut at most 0 dB: nothing to check.
    if (boostSum <= ceiling) return;
    if (ceiling <= 0) {
      for (const slot of slots) slot.gainDb = Math.min(0, slot.gainDb);
      return;
    }
    const peak = scanPeakDb(slots, limits);
    if (peak <= ceiling) return;
    const scale = attempt < 20 ? ceiling / peak : 0.5;
    for (const slot of slots) if (slot.gainDb > 0) slot.gainDb *= scale;
  }
  for (const slot of slots) slot.gainDb = Math.min(0, slot.gainDb);
}

/**
 * The summed response's maximum on the 1/96-octave scan: within about 0.01 dB of the true peak
 * for Q <= 10, which TOTAL_BOOST_MARGIN_DB covers; the final filters are checked exactly.
 */
function scanPeakDb(slots: readonly Slot[], limits: Limits): number {
  const power = limits.scan.power;
  power.fill(1);
  for (const slot of slots) limits.scan.grid.multiplyPower(toFilter(slot), power);
  let peak = 0;
  for (const value of power) peak = Math.max(peak, value);
  return 10 * Math.log10(peak);
}

/**
 * Greedy initialisation, optimisation, then tidying (steps 2-4): filters that ended small are
 * dropped and copies of one filter (same type, frequency and Q: the optimiser shares a boost
 * that one filter's limit cannot hold that way) are merged into as few as the limit allows; the
 * slots this frees go back to the greedy search. Each greedy step tries the best
 * CANDIDATES_PER_STEP features with only the new filter free and keeps the one that fits best.
 */
function fitSlots(
  aim: Float64Array,
  evaluator: FilterResponseGrid,
  limits: Limits,
  maxFilters: number,
  minGainDb: number,
  shelves: boolean,
): Slot[] {
  let slots: Slot[] = [];
  const tried: number[] = [];
  const optimiser = new SlotOptimiser(aim, evaluator, limits);
  for (let round = 0; round < TIDY_ROUNDS; round++) {
    slots = greedyFill(slots, optimiser, evaluator.hz, limits, maxFilters, minGainDb, shelves, tried);
    optimiser.optimise(slots, POLISH_ITERATIONS);
    const tidy = mergeCopies(
      slots.filter((slot) => Math.abs(slot.gainDb) >= minGainDb),
      limits,
    );
    if (tidy.length === slots.length) break;
    slots = tidy;
    project(slots, limits);
    optimiser.optimise(slots, POLISH_ITERATIONS);
    slots = slots.filter((slot) => Math.abs(slot.gainDb) >= minGainDb);
  }
  return slots;
}

function greedyFill(
  start: Slot[],
  optimiser: SlotOptimiser,
  hz: Float64Array,
  limits: Limits,
  maxFilters: number,
  minGainDb: number,
  shelves: boolean,
  tried: number[],
): Slot[] {
  let slots = start;
  while (slots.length < maxFilters) {
    const remaining = optimiser.residual(slots);
    const candidates = rankedCandidates(
      remaining,
      hz,
      limits,
      minGainDb,
      tried,
      shelves,
      slots,
      CANDIDATES_PER_STEP,
    );
    if (candidates.length === 0) break;
    let best: { slots: Slot[]; loss: number } | null = null;
    for (const candidate of candidates) {
      const trial = [...slots.map((slot) => ({ ...slot })), candidate];
      project(trial, limits);
      // Candidates are compared with only the new filter free (cheap), the winner then polished with all.
      optimiser.optimise(trial, GREEDY_ITERATIONS, slots.length);
      // A candidate the limits leave no room for (a boost squeezed to nothing) is not kept.
      if (Math.abs(trial[trial.length - 1]!.gainDb) < minGainDb) {
        tried.push(candidate.logHz);
        continue;
      }
      const loss = optimiser.loss(trial);
      if (best === null || loss < best.loss) best = { slots: trial, loss };
    }
    if (best !== null) {
      slots = best.slots;
      optimiser.optimise(slots, GREEDY_ITERATIONS);
    }
  }
  return slots;
}

/**
 * Filters that are copies of one another (same type and sign, within 1/48 octave and 2 % in Q)
 * merged into the fewest that keep each within its gain limit, sharing their summed gain equally.
 */
function mergeCopies(slots: Slot[], limits: Limits): Slot[] {
  const groups: Slot[][] = [];
  for (const slot of slots) {
    const group = groups.find(
      ([first]) =>
        first!.type === slot.type &&
        Math.sign(first!.gainDb) === Math.sign(slot.gainDb) &&
        Math.abs(first!.logHz - slot.logHz) < 1 / 48 &&
        Math.abs(first!.logQ - slot.logQ) < Math.log2(1.02),
    );
    if (group === undefined) groups.push([slot]);
    else group.push(slot);
  }
  return groups.flatMap((group) => {
    const total = group.reduce((sum, slot) => sum + slot.gainDb, 0);
    const limit = total > 0 ? limits.maxBoostDb : limits.maxCutDb;
    const needed = Math.max(1, Math.ceil(Math.abs(total) / limit - 1e-9));
    if (needed >= group.length) return group;
    const mean = (pick: (slot: Slot) => number): number =>
      group.reduce((sum, slot) => sum + pick(slot), 0) / group.length;
    return Array.from({ length: needed }, () => ({
      type: group[0]!.type,
      logHz: mean((slot) => slot.logHz),
      logQ: mean((slot) => slot.logQ),
      gainDb: total / needed,
    }));
  });
}

/**
 * Candidate next filters, best first: the features of the remaining error ranked by height x
 * half-height width (octaves), peaks becoming cuts and dips boosts (where a boost may go), at most
 * `count` of them and each 1/6 octave from the others. Q from the half-height width bw:
 * sqrt(2^bw) / (2^bw - 1). With `shelves`, one low and one high shelf may also be placed where the
 * mean error beyond a frequency, times the octaves it spans, is largest.
 */
function rankedCandidates(
  remaining: Float64Array,
  hz: Float64Array,
  limits: Limits,
  minGainDb: number,
  tried: readonly number[],
  shelves: boolean,
  slots: readonly Slot[],
  count: number,
): Slot[] {
  const scored: { slot: Slot; score: number }[] = [];
  const consider = (slot: Slot, score: number): void => {
    if (slot.type === 'peaking' && tried.some((logHz) => Math.abs(logHz - slot.logHz) < 1 / 6)) return;
    const [lo, hi] = bounds(slot, 2, limits);
    slot.gainDb = Math.min(hi, Math.max(lo, slot.gainDb));
    if (Math.abs(slot.gainDb) >= minGainDb) scored.push({ slot, score });
  };
  const n = remaining.length;
  for (let i = 0; i < n; i++) {
    const value = remaining[i]!;
    if (Math.abs(value) < minGainDb) continue;
    const sign = Math.sign(value);
    const left = remaining[i - 1];
    const right = remaining[i + 1];
    if (
      (left !== undefined && sign * left > sign * value) ||
      (right !== undefined && sign * right > sign * value)
    )
      continue;
    let l = i;
    while (l > 0 && sign * remaining[l - 1]! > Math.abs(value) / 2) l--;
    let r = i;
    while (r < n - 1 && sign * remaining[r + 1]! > Math.abs(value) / 2) r++;
    const width = Math.max(1 / GRID_POINTS_PER_OCTAVE, Math.log2(hz[r]! / hz[l]!));
    const logHz = Math.min(limits.logHz[1], Math.max(limits.logHz[0], Math.log2(hz[i]!)));
    const slot: Slot = { type: 'peaking', logHz, logQ: Math.log2(bellQ(width)), gainDb: -value };
    const [qLo, qHi] = bounds(slot, 1, limits);
    slot.logQ = Math.min(qHi, Math.max(qLo, slot.logQ));
    consider(slot, Math.abs(value) * width);
  }
  if (shelves) {
    for (const type of ['lowshelf', 'highshelf'] as const) {
      if (slots.some((slot) => slot.type === type)) continue;
      const shelf = bestShelf(type, remaining, hz, limits);
      if (shelf !== null) consider(shelf.slot, shelf.score);
    }
  }
  scored.sort((x, y) => y.score - x.score || x.slot.logHz - y.slot.logHz);
  const chosen: Slot[] = [];
  for (const { slot } of scored) {
    if (chosen.length === count) break;
    const close = chosen.some(
      (other) => other.type === slot.type && Math.abs(other.logHz - slot.logHz) < 1 / 6,
    );
    if (!close) chosen.push(slot);
  }
  return chosen;
}

function bestShelf(
  type: 'lowshelf' | 'highshelf',
  remaining: Float64Array,
  hz: Float64Array,
  limits: Limits,
): { slot: Slot; score: number } | null {
  let best: { slot: Slot; score: number } | null = null;
  const n = remaining.length;
  for (let i = 1; i < n - 1; i++) {
    let sum = 0;
    const from = type === 'lowshelf' ? 0 : i;
    const to = type === 'lowshelf' ? i : n - 1;
    for (let j = from; j <= to; j++) sum += remaining[j]!;
    const mean = sum / (to - from + 1);
    const score = Math.abs(mean) * ((to - from) / GRID_POINTS_PER_OCTAVE);
    const logHz = Math.log2(hz[i]!);
    if (logHz < limits.logHz[0] || logHz > limits.logHz[1]) continue;
    if (best === null || score > best.score) {
      best = { slot: { type, logHz, logQ: Math.log2(Math.SQRT1_2), gainDb: -mean }, score };
    }
  }
  return best;
}

/**
 * Bounded Levenberg-Marquardt over every slot's parameters, minimising the mean square of
 * (aim + summed correction) on the match grid, plus a steep penalty (weight BOOST_PENALTY on the
 * square) wherever the summed correction climbs past just under the overall boost limit: the
 * optimiser then shares the allowed boost among filters instead of having the projection scale
 * every boost down after the fact. Parameters at a bound whose gradient points out are held (an
 * active set); every trial step is projected onto the boost rules before it is judged, so each
 * accepted state obeys them.
 */
class SlotOptimiser {
  private readonly aim: Float64Array;
  private readonly evaluator: FilterResponseGrid;
  private readonly limits: Limits;
  private readonly penaltyFrom: number;
  private readonly scratch: Float64Array;
  private readonly total: Float64Array;

  constructor(aim: Float64Array, evaluator: FilterResponseGrid, limits: Limits) {
    this.aim = aim;
    this.evaluator = evaluator;
    this.limits = limits;
    this.penaltyFrom = Math.max(0, limits.maxTotalBoostDb - TOTAL_BOOST_MARGIN_DB - PENALTY_HEADROOM_DB);
    this.scratch = new Float64Array(aim.length);
    this.total = new Float64Array(aim.length);
  }

  /** aim + the slots' summed response. */
  residual(slots: readonly Slot[]): Float64Array {
    this.sum(slots);
    return this.aim.map((value, i) => value + this.total[i]!);
  }

  /** The slots' summed response into `this.total`. */
  private sum(slots: readonly Slot[]): void {
    this.total.fill(0);
    for (const slot of slots) {
      this.evaluator.responseDb(toFilter(slot), this.scratch);
      for (let i = 0; i < this.total.length; i++) this.total[i]! += this.scratch[i]!;
    }
  }

  loss(slots: readonly Slot[]): number {
    this.sum(slots);
    let sum = 0;
    for (let i = 0; i < this.aim.length; i++) {
      const value = this.aim[i]! + this.total[i]!;
      const over = this.total[i]! - this.penaltyFrom;
      sum += value * value + (over > 0 ? BOOST_PENALTY * over * over : 0);
    }
    return sum / this.aim.length;
  }

  /** Optimises the slots from index `first` on (all by default), the others held. */
  optimise(slots: Slot[], iterations: number, first = 0): void {
    if (slots.length <= first) return;
    const n = this.aim.length;
    const count = slots.length * PARAMS;
    let loss = this.loss(slots);
    let lambda = 1e-3;
    let quiet = 0;
    const responses = slots.map(() => new Float64Array(n));
    const jacobian = Array.from({ length: count }, () => new Float64Array(n));
    const weight = new Float64Array(n);
    const target = new Float64Array(n);
    const gradient = new Float64Array(count);
    for (let iteration = 0; iteration < iterations; iteration++) {
      slots.forEach((slot, k) => {
        this.evaluator.responseDb(toFilter(slot), responses[k]!);
      });
      // Per grid point: the weight of its row in the normal equations and its weighted residual.
      for (let i = 0; i < n; i++) {
        let total = 0;
        for (const response of responses) total += response[i]!;
        const over = total - this.penaltyFrom;
        weight[i] = over > 0 ? 1 + BOOST_PENALTY : 1;
        target[i] = this.aim[i]! + total + (over > 0 ? BOOST_PENALTY * over : 0);
      }
      for (let k = first; k < slots.length; k++) {
        for (let p = 0; p < PARAMS; p++) {
          const trial = { ...slots[k]! };
          setParam(trial, p, getParam(trial, p) + FINITE_DIFFERENCE[p]!);
          const column = jacobian[k * PARAMS + p]!;
          this.evaluator.responseDb(toFilter(trial), column);
          for (let i = 0; i < n; i++) column[i] = (column[i]! - responses[k]![i]!) / FINITE_DIFFERENCE[p]!;
        }
      }
      for (let a = first * PARAMS; a < count; a++) gradient[a] = dot(jacobian[a]!, target);
      const free: number[] = [];
      for (let a = first * PARAMS; a < count; a++) {
        const slot = slots[Math.floor(a / PARAMS)]!;
        const p = a % PARAMS;
        const [lo, hi] = bounds(slot, p, this.limits);
        const value = getParam(slot, p);
        const pinned = (value <= lo + 1e-12 && gradient[a]! > 0) || (value >= hi - 1e-12 && gradient[a]! < 0);
        if (!pinned) free.push(a);
      }
      if (free.length === 0) return;
      const normal = free.map(() => new Array<number>(free.length).fill(0));
      free.forEach((a, i) => {
        for (let j = 0; j <= i; j++) {
          const value = weightedDot(jacobian[a]!, jacobian[free[j]!]!, weight);
          normal[i]![j] = value;
          normal[j]![i] = value;
        }
      });
      let improved = false;
      while (lambda < 1e10) {
        const system = normal.map((row, i) =>
          row.map((value, j) => (i === j ? value * (1 + lambda) + 1e-12 : value)),
        );
        const step = solve(
          system,
          free.map((a) => -gradient[a]!),
        );
        const trial = slots.map((slot) => ({ ...slot }));
        free.forEach((a, i) => {
          const slot = trial[Math.floor(a / PARAMS)]!;
          setParam(slot, a % PARAMS, getParam(slot, a % PARAMS) + step[i]!);
        });
        project(trial, this.limits);
        const trialLoss = this.loss(trial);
        if (trialLoss < loss) {
          const gain = loss - trialLoss;
          slots.splice(0, slots.length, ...trial);
          loss = trialLoss;
          lambda = Math.max(lambda / 3, 1e-9);
          improved = true;
          quiet = gain < 1e-7 * loss + 1e-12 ? quiet + 1 : 0;
          break;
        }
        lambda *= 4;
      }
      if (!improved || quiet >= 3) return;
    }
  }
}

function weightedDot(a: Float64Array, b: Float64Array, weight: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]! * weight[i]!;
  return sum;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Gaussian elimination with partial pivoting (the normal equations are small and regularised). */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const head = a[col]!;
    const diagonal = head[col]!;
    if (diagonal === 0) continue;
    for (let row = col + 1; row < n; row++) {
      const current = a[row]!;
      const factor = current[col]! / diagonal;
      if (factor === 0) continue;
      for (let k = col; k <= n; k++) current[k]! -= factor * head[k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    const current = a[row]!;
    let sum = current[n]!;
    for (let k = row + 1; k < n; k++) sum -= current[k]! * x[k]!;
    x[row] = current[row] === 0 ? 0 : sum / current[row]!;
  }
  return x;
}
