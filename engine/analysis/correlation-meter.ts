/** Correlation window: the momentary-loudness length, short enough to catch a phase-flipped phrase. */
export const CORRELATION_WINDOW_SECONDS = 0.4;
/** Windows where either channel's RMS is below this (-70 dBFS) are left out: noise floors correlate randomly. */
const QUIET_POWER = 10 ** (-70 / 10);

export interface CorrelationResult {
  /** Lowest window correlation, -1..1. */
  readonly min: number;
  /** Mean of the window correlations (each window counts once). */
  readonly mean: number;
  /** Windows that counted. */
  readonly windows: number;
}

/**
 * L/R phase correlation per consecutive (non-overlapping) 400 ms window, as a correlation meter
 * shows it: r = sum(L*R) / sqrt(sum(L^2) * sum(R^2)), without removing the mean, so identical
 * channels read +1, inverted ones -1, unrelated ones about 0. The final partial window is
 * dropped, and so are windows where either channel is below -70 dBFS RMS. Non-finite samples
 * count as 0.
 */
export class CorrelationMeter {
  private readonly windowFrames: number;
  private lr = 0;
  private ll = 0;
  private rr = 0;
  private fill = 0;
  private min = Infinity;
  private sum = 0;
  private windows = 0;

  constructor(sampleRate: number) {
    this.windowFrames = Math.max(1, Math.round(sampleRate * CORRELATION_WINDOW_SECONDS));
  }

  process(left: Float32Array, right: Float32Array, frames: number): void {
    let i = 0;
    while (i < frames) {
      const end = Math.min(frames, i + this.windowFrames - this.fill);
      let lr = 0;
      let ll = 0;
      let rr = 0;
      for (let k = i; k < end; k++) {
        let l = left[k]!;
        let r = right[k]!;
        if (l - l !== 0) l = 0;
        if (r - r !== 0) r = 0;
        lr += l * r;
        ll += l * l;
        rr += r * r;
      }
      this.lr += lr;
      this.ll += ll;
      this.rr += rr;
      this.fill += end - i;
      i = end;
      if (this.fill === this.windowFrames) this.finishWindow();
    }
  }

  private finishWindow(): void {
    const n = this.windowFrames;
    if (this.ll / n >= QUIET_POWER && this.rr / n >= QUIET_POWER) {
      const r = Math.max(-1, Math.min(1, this.lr / Math.sqrt(this.ll * this.rr)));
      if (r < this.min) this.min = r;
      this.sum += r;
      this.windows++;
    }
    this.lr = 0;
    this.ll = 0;
    this.rr = 0;
    this.fill = 0;
  }

  /** null when no window counted (shorter than 400 ms, or silent). */
  result(): CorrelationResult | null {
    if (this.windows === 0) return null;
    return { min: this.min, mean: this.sum / this.windows, windows: this.windows };
  }
}
