/**
 * One parameter's automation: breakpoints (timeline frame, plain value), sorted by frame,
 * linearly interpolated between points, held before the first and after the last. Main-thread
 * data; the worker gets a copy as two typed arrays.
 */
export interface AutomationPoint {
  readonly frame: number;
  readonly value: number;
}

export class AutomationLane {
  private points: AutomationPoint[];

  constructor(points: readonly AutomationPoint[] = []) {
    this.points = [...points].sort((a, b) => a.frame - b.frame);
  }

  get length(): number {
    return this.points.length;
  }

  all(): readonly AutomationPoint[] {
    return this.points;
  }

  valueAt(frame: number): number | undefined {
    const points = this.points;
    if (points.length === 0) return undefined;
    if (frame <= points[0]!.frame) return points[0]!.value;
    const last = points[points.length - 1]!;
    if (frame >= last.frame) return last.value;
    let low = 0;
    let high = points.length - 1;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (points[mid]!.frame <= frame) low = mid;
      else high = mid;
    }
    const a = points[low]!;
    const b = points[high]!;
    return a.value + ((b.value - a.value) * (frame - a.frame)) / (b.frame - a.frame);
  }

  /**
   * A write pass from `start` to `end` (frames) replaces the lane there with `written` (which
   * begins at `start`). When the lane had points after the pass, it returns to its old value one
   * frame after the pass ends (touch: back to the lane on release).
   */
  replaceRange(start: number, end: number, written: readonly AutomationPoint[]): void {
    const returnValue = this.valueAt(end + 1);
    const hadLater = this.points.some((p) => p.frame > end);
    const kept = this.points.filter((p) => p.frame < start || p.frame > end);
    const inside = written.filter((p) => p.frame >= start && p.frame <= end);
    const merged = [...kept, ...inside];
    if (hadLater && returnValue !== undefined && !kept.some((p) => p.frame === end + 1)) {
      merged.push({ frame: end + 1, value: returnValue });
    }
    this.points = merged.sort((a, b) => a.frame - b.frame);
  }

  /** Frames and values as typed arrays, for the worker. */
  toArrays(): { frames: Float64Array; values: Float64Array } {
    return {
      frames: Float64Array.from(this.points, (p) => p.frame),
      values: Float64Array.from(this.points, (p) => p.value),
    };
  }
}
