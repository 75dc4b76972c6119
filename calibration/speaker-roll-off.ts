import type { FrequencyResponse } from './frequency-response.ts';
import {
  GRID_POINTS_PER_OCTAVE,
  checkFrequencyResponse,
  logFrequencyGrid,
  resampleDb,
  responseExtentHz,
} from './log-frequency-grid.ts';
import { TARGET_LEVEL_BAND_HZ, measuredBandMeanDb } from './target-curve.ts';

/** Where a measured speaker's response has fallen `dropDb` below its pass band (null: not within the data). */
export interface SpeakerRollOff {
  /** Mean level of the pass band (dB, the measurement's scale). */
  readonly passBandDb: number;
  /** The low-frequency -6 dB point in Hz, or null when the response never stays that low. */
  readonly lowHz: number | null;
  /** The high-frequency -6 dB point in Hz, or null. */
  readonly highHz: number | null;
}

export interface SpeakerRollOffOptions {
  /** Band whose mean level is the pass-band reference. Default 500 Hz-2 kHz. */
  readonly passBandHz?: readonly [number, number];
  /** How far below the reference the edge lies. Default 6 dB. */
  readonly dropDb?: number;
  /** Width of the dB moving average applied first, in octaves. Default 1/2. */
  readonly smoothingOctaves?: number;
}

/** How far beyond a crossing the level that room gain may have lifted is read (octaves). */
const NEIGHBOURHOOD_OCTAVES = 2;

/**
 * The speaker's -6 dB points in a measured in-room response. Coming up from the lowest measured
 * frequency, the low point is where the response (averaged in dB over `smoothingOctaves`) first
 * reaches the reference - 6 dB; beyond it the response never returns to within 6 dB, which is what
 * separates a roll-off from a room dip (a room can hold the bass several dB down over an octave and
 * recover below it). The high point likewise, coming down from the highest frequency.
 *
 * The reference is the pass band's mean level, or the mean level over the two octaves inside the
 * crossing when that is higher (found by iterating: it only ever rises): room gain and modes lift
 * the octaves next to a roll-off, and judged against the pass band alone the lifted region would
 * pass for the speaker's output, moving the point outward. Averaging in dB also moves the point
 * slightly inward on a roll-off's curved knee. Both err on the side of forbidding boosts. It
 * remains an in-room estimate: strong room gain can still hide part of a roll-off, so the
 * correction keeps its boosts clear of it by a margin (see `fitCorrection`). Crossings are
 * interpolated between 1/48-octave grid points; null when the response is within 6 dB at the end
 * of the data (the roll-off is not in it).
 */
export function speakerRollOff(
  measured: FrequencyResponse,
  options: SpeakerRollOffOptions = {},
): SpeakerRollOff {
  checkFrequencyResponse(measured, 'measured response');
  const [bandLo, bandHi] = options.passBandHz ?? TARGET_LEVEL_BAND_HZ;
  const passBandDb = measuredBandMeanDb(measured, [bandLo, bandHi]);
  const drop = options.dropDb ?? 6;
  const half = Math.round(((options.smoothingOctaves ?? 0.5) * GRID_POINTS_PER_OCTAVE) / 2);
  const [lowest, highest] = responseExtentHz(measured);
  const grid = logFrequencyGrid(lowest, highest, GRID_POINTS_PER_OCTAVE);
  const levels = movingAverage(resampleDb(measured, grid), half);
  const low = edgeFromEnd(
    grid,
    levels,
    passBandDb,
    drop,
    grid.findLastIndex((f) => f <= bandLo),
  );
  const reversed = (values: Float64Array): Float64Array => values.slice().reverse();
  const firstAboveBand = grid.findIndex((f) => f >= bandHi);
  const high = edgeFromEnd(
    reversed(grid),
    reversed(levels),
    passBandDb,
    drop,
    firstAboveBand < 0 ? -1 : grid.length - 1 - firstAboveBand,
  );
  return {
    passBandDb,
    lowHz: low === null ? null : Math.min(bandLo, low),
    highHz: high === null ? null : Math.max(bandHi, high),
  };
}

/**
 * Coming in from index 0, where `levels` first reaches reference - drop, the reference rising to
 * the mean over the next NEIGHBOURHOOD_OCTAVES (up to index `bandEdge`) while that is higher.
 */
function edgeFromEnd(
  grid: Float64Array,
  levels: Float64Array,
  passBandDb: number,
  drop: number,
  bandEdge: number,
): number | null {
  const firstReaching = (threshold: number): number => {
    let i = 0;
    while (i < levels.length && levels[i]! < threshold) i++;
    return i;
  };
  let reference = passBandDb;
  let index = firstReaching(reference - drop);
  if (index === 0 || bandEdge < 0) return null;
  for (let round = 0; round < 100 && index <= bandEdge; round++) {
    const end = Math.min(bandEdge, index + NEIGHBOURHOOD_OCTAVES * GRID_POINTS_PER_OCTAVE);
    let sum = 0;
    for (let j = index; j <= end; j++) sum += levels[j]!;
    const nearby = sum / (end - index + 1);
    if (!(nearby > reference + 1e-9)) break;
    reference = nearby;
    index = firstReaching(reference - drop);
  }
  if (index >= levels.length) return grid[levels.length - 1]!;
  return crossing(grid, levels, index - 1, index, reference - drop);
}

/** Centred moving average; near the ends the window shrinks on both sides, so it stays unbiased. */
function movingAverage(values: Float64Array, half: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const reach = Math.min(half, i, values.length - 1 - i);
    let sum = 0;
    let count = 0;
    for (let j = i - reach; j <= i + reach; j++) {
      sum += values[j]!;
      count++;
    }
    out[i] = sum / count;
  }
  return out;
}

/** Where the line from point `below` (under the threshold) to point `above` crosses it (log axis). */
function crossing(
  grid: Float64Array,
  levels: Float64Array,
  below: number,
  above: number,
  threshold: number,
): number {
  const t = (threshold - levels[below]!) / (levels[above]! - levels[below]!);
  return grid[below]! * Math.pow(grid[above]! / grid[below]!, t);
}
