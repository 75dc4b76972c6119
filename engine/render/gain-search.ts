/**
 * Finds the gain in front of the limiter that lands a render's integrated loudness on a target.
 *
 * Loudness is linear in that gain (1 LU per dB) until the limiter works; from there each dB buys
 * less, and the curve is monotonic and concave. So: the first guess assumes no limiting
 * (target - source loudness); the second steps by the full miss (slope 1, an upper bound, so it
 * lands short, never past); after that secant steps on the two nearest points, which for a
 * concave curve approach from below and converge superlinearly. A bracket (points on both
 * sides), when there is one, bounds every step. Renders are the expensive part, so the search
 * stops as soon as one lands within `toleranceLu`.
 */
export interface GainSearchOptions {
  readonly targetLufs: number;
  /** Integrated loudness of the source at unity gain, before the limiter. */
  readonly sourceLufs: number;
  /** The most gain the chain can apply, dB. */
  readonly maxGainDb: number;
  /** Accept a render this close to the target, LU. */
  readonly toleranceLu: number;
}

interface Point {
  readonly gainDb: number;
  readonly lufs: number;
  readonly truePeakDbtp: number;
}

/** Slopes outside this range come from meter noise or a saturated limiter, not the curve. */
const MIN_SLOPE = 0.02;
const MAX_SLOPE = 1.5;
/** No single correction larger than this, dB. */
const MAX_STEP_DB = 24;

export class GainSearch {
  readonly options: GainSearchOptions;
  private readonly points: Point[] = [];

  constructor(options: GainSearchOptions) {
    this.options = options;
  }

  get passes(): number {
    return this.points.length;
  }

  /** The render closest to the target so far. */
  get best(): Point | undefined {
    let best: Point | undefined;
    for (const point of this.points) {
      if (best === undefined || this.miss(point) < this.miss(best)) best = point;
    }
    return best;
  }

  get landed(): boolean {
    const best = this.best;
    return best !== undefined && this.miss(best) <= this.options.toleranceLu;
  }

  /**
   * True when the limiter is at the chain's full gain and still short of the target: no more
   * gain is available.
   */
  get unreachable(): boolean {
    const { maxGainDb, targetLufs, toleranceLu } = this.options;
    return this.points.some((p) => p.gainDb >= maxGainDb && p.lufs < targetLufs - toleranceLu);
  }

  /** Records the loudness a render at `gainDb` delivered. */
  observe(gainDb: number, lufs: number, truePeakDbtp: number): void {
    this.points.push({ gainDb, lufs, truePeakDbtp });
  }

  /** The gain for the next render. */
  nextGainDb(): number {
    const { targetLufs, sourceLufs, maxGainDb } = this.options;
    const last = this.points.at(-1);
    if (last === undefined) return Math.min(maxGainDb, targetLufs - sourceLufs);
    let next: number;
    const below = this.closest((p) => p.lufs < targetLufs);
    const above = this.closest((p) => p.lufs > targetLufs);
    if (this.points.length === 1 || !Number.isFinite(last.lufs)) {
      next = last.gainDb + (targetLufs - last.lufs);
    } else if (below !== undefined && above !== undefined) {
      // Inside a bracket: interpolate between its ends (never leaves it).
      const slope = (above.lufs - below.lufs) / (above.gainDb - below.gainDb);
      next = below.gainDb + (targetLufs - below.lufs) / slope;
    } else {
      const [a, b] = this.nearestTwo();
      const raw = (b.lufs - a.lufs) / (b.gainDb - a.gainDb);
      const slope = Number.isFinite(raw) ? Math.min(MAX_SLOPE, Math.max(MIN_SLOPE, raw)) : 1;
      next = b.gainDb + (targetLufs - b.lufs) / slope;
    }
    const step = Math.max(-MAX_STEP_DB, Math.min(MAX_STEP_DB, next - last.gainDb));
    return Math.min(maxGainDb, last.gainDb + step);
  }

  private miss(point: Point): number {
    return Math.abs(point.lufs - this.options.targetLufs);
  }

  private closest(where: (point: Point) => boolean): Point | undefined {
    let found: Point | undefined;
    for (const point of this.points) {
      if (where(point) && (found === undefined || this.miss(point) < this.miss(found))) found = point;
    }
    return found;
  }

  /** The two renders closest to the target, the closer one second. */
  private nearestTwo(): [Point, Point] {
    const sorted = [...this.points].sort((x, y) => this.miss(y) - this.miss(x));
    return [sorted.at(-2)!, sorted.at(-1)!];
  }
}
