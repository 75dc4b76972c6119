/**
 * One gain-reduction reading a dynamics processor publishes: `values[index]`, dB, positive =
 * reduction. The processors write theirs once per block: CompressorCore/Compressor and Gate
 * `gainReductionDb` (index 0), MultibandCompressor `gainReductionDb` (index 0, 1, 2 = low, mid,
 * high), TruePeakLimiter `meter` (LimiterMeter.gainReductionDb or .maxGainReductionDb).
 */
export interface GainReductionSource {
  /** For the panel, e.g. 'strip/03/comp' or 'master/multiband/low'. */
  readonly label: string;
  readonly values: Float64Array;
  readonly index: number;
}

/**
 * Collects the gain reduction of every dynamics processor into one Float64Array per block, for
 * the meters: `snapshot[i]` is source i's reading of the last block, `held[i]` the largest
 * reading since the last `clearHeld()` (so a reader slower than the blocks misses no reduction).
 * The snapshot may be a view on shared memory given to the constructor.
 *
 * `collect` and `clearHeld` run on the audio thread: they allocate nothing and never throw
 * (a NaN reading is kept as NaN in the snapshot and ignored by the hold).
 */
export class GainReductionCollector {
  readonly labels: readonly string[];
  readonly snapshot: Float64Array;
  readonly held: Float64Array;
  private readonly arrays: Float64Array[];
  private readonly indices: Int32Array;

  constructor(sources: readonly GainReductionSource[], snapshot?: Float64Array) {
    sources.forEach((source) => {
      if (!(Number.isInteger(source.index) && source.index >= 0 && source.index < source.values.length)) {
        throw new RangeError(`gain reduction source ${source.label}: index ${source.index}`);
      }
    });
    if (snapshot !== undefined && snapshot.length < sources.length) {
      throw new RangeError('gain reduction snapshot too short');
    }
    this.labels = sources.map((source) => source.label);
    this.arrays = sources.map((source) => source.values);
    this.indices = Int32Array.from(sources, (source) => source.index);
    this.snapshot = snapshot ?? new Float64Array(sources.length);
    this.held = new Float64Array(sources.length);
  }

  get count(): number {
    return this.arrays.length;
  }

  /** Audio thread, once per block after the processors ran: read every source. Allocates nothing. */
  collect(): void {
    const arrays = this.arrays;
    const indices = this.indices;
    const snapshot = this.snapshot;
    const held = this.held;
    for (let i = 0; i < arrays.length; i++) {
      const value = arrays[i]![indices[i]!]!;
      snapshot[i] = value;
      if (value > held[i]!) held[i] = value;
    }
  }

  /** After the held values were read: start holding afresh. Allocates nothing. */
  clearHeld(): void {
    this.held.fill(0);
  }
}
