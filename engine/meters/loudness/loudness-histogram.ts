/**
 * Constant-memory store of block loudness values for gating, in 0.01 LU bins from -70 LUFS
 * (the absolute gate) to +30 LUFS. Each bin keeps its block count and the exact sum of its
 * blocks' mean-square energies, so a power mean over the bins above a gate is exact; only the
 * blocks sharing the gate's own bin are classified to 0.01 LU. Anything louder than +30 LUFS
 * lands in the top bin with its exact energy. Long programmes (hours) cost nothing extra.
 */

/** BS.1770 loudness offset: -0.691 + 10 log10(weighted mean square). */
export const LOUDNESS_OFFSET = -0.691;
export const ABSOLUTE_GATE_LUFS = -70;
const TOP_LUFS = 30;
const BINS_PER_LU = 100;
const BIN_COUNT = (TOP_LUFS - ABSOLUTE_GATE_LUFS) * BINS_PER_LU;

export class LoudnessHistogram {
  private readonly counts = new Float64Array(BIN_COUNT);
  private readonly energies = new Float64Array(BIN_COUNT);
  /** [0] block count, [1] energy sum: totals of everything above the absolute gate. */
  private readonly totals = new Float64Array(2);

  /**
   * Add the block whose weighted mean square is `powers[index]` (an array slot rather than a
   * double argument, so the audio thread boxes nothing). Blocks at or below -70 LUFS (and
   * non-finite ones) are dropped: the absolute gate. Allocates nothing.
   */
  add(powers: Float64Array, index: number): void {
    const power = powers[index]!;
    const loudness = LOUDNESS_OFFSET + 10 * Math.log10(power);
    // libebur128 and Tech 3342's listing keep blocks at exactly the gate (>=); BS.1770 says
    // ">". The difference is one exact value of measure zero.
    if (!(loudness >= ABSOLUTE_GATE_LUFS) || power === Infinity) return;
    const bin = Math.min(BIN_COUNT - 1, Math.floor((loudness - ABSOLUTE_GATE_LUFS) * BINS_PER_LU));
    this.counts[bin] = this.counts[bin]! + 1;
    this.energies[bin] = this.energies[bin]! + power;
    this.totals[0] = this.totals[0]! + 1;
    this.totals[1] = this.totals[1]! + power;
  }

  clear(): void {
    this.counts.fill(0);
    this.energies.fill(0);
    this.totals.fill(0);
  }

  /** Number of blocks above the absolute gate. */
  count(): number {
    return this.totals[0]!;
  }

  /**
   * BS.1770 gated loudness into `out[index]`: the loudness of the mean power of the blocks at
   * or above (power mean of all abs-gated blocks) - `relativeGateLu`; -Infinity with no
   * blocks. Results go to an array slot because a double returned from a method that is not
   * inlined is boxed (allocated). Allocates nothing.
   */
  gatedLoudness(relativeGateLu: number, out: Float64Array, index: number): void {
    const first = this.relativeGateBin(relativeGateLu);
    let count = 0;
    let energy = 0;
    for (let b = Math.max(0, first); b < BIN_COUNT; b++) {
      count += this.counts[b]!;
      energy += this.energies[b]!;
    }
    out[index] = first >= 0 && count > 0 ? LOUDNESS_OFFSET + 10 * Math.log10(energy / count) : -Infinity;
  }

  /**
   * Tech 3342 loudness range into `out[index]`: of the blocks at or above (power mean -
   * `relativeGateLu`), the spread between the `low` and `high` quantiles (0..1), each taken at
   * the sorted position round((n - 1) p) (0-based; the 3342 listing's round((n - 1) p / 100 + 1),
   * 1-based), read as its bin's centre (so: the difference of bin indices). -Infinity with no
   * blocks. Allocates nothing.
   */
  range(relativeGateLu: number, low: number, high: number, out: Float64Array, index: number): void {
    const first = this.relativeGateBin(relativeGateLu);
    let n = 0;
    for (let b = Math.max(0, first); b < BIN_COUNT; b++) n += this.counts[b]!;
    if (first < 0 || n === 0) {
      out[index] = -Infinity;
      return;
    }
    const spread =
      this.quantileBin(first, Math.round((n - 1) * high)) -
      this.quantileBin(first, Math.round((n - 1) * low));
    out[index] = spread / BINS_PER_LU;
  }

  /** Bin index holding the 0-based `rank`-th value counting up from bin `first`. */
  private quantileBin(first: number, rank: number): number {
    let seen = 0;
    for (let b = first; b < BIN_COUNT; b++) {
      seen += this.counts[b]!;
      if (seen > rank) return b;
    }
    return BIN_COUNT - 1;
  }

  /**
   * First bin kept by the relative gate. The gate's own bin is kept whole (its blocks lie
   * within 0.01 LU of the gate). -1 when there are no blocks.
   */
  private relativeGateBin(relativeGateLu: number): number {
    const count = this.totals[0]!;
    if (count === 0) return -1;
    const gate = LOUDNESS_OFFSET + 10 * Math.log10(this.totals[1]! / count) - relativeGateLu;
    const bin = Math.floor((gate - ABSOLUTE_GATE_LUFS) * BINS_PER_LU);
    return Math.max(0, Math.min(BIN_COUNT - 1, bin));
  }
}
