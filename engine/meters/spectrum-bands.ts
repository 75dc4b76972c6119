/** Added to every power before the log (-300 dB): silence reads -300, not -Infinity. */
export const POWER_FLOOR = 1e-30;

export interface SpectrumBandOptions {
  /** Bands per octave (6 = 1/6 octave, 12 = 1/12 octave). Default 6. */
  readonly bandsPerOctave?: number;
  /** Lowest band centre, Hz (rounded to the nearest band). Default 20. */
  readonly minFrequency?: number;
  /** Highest band centre, Hz (rounded to the nearest band, kept below Nyquist). Default 20000. */
  readonly maxFrequency?: number;
}

/**
 * Fractional-octave bands for a log-frequency spectrum display, over the bins of one FFT size:
 * centres at 1000 * 2^(k / b) Hz (base-2 steps, so 1 kHz is a centre), edges a half band either
 * side. A display layout, not an IEC 61260 filter bank.
 *
 * A band reads the largest bin value among the bins whose centre frequencies fall inside it; a
 * band narrower than the bin spacing (low frequencies) has no bin of its own and reads the value
 * interpolated (linearly in power) at its centre. Fed with the analyser's lobe powers, a sine
 * reads its own amplitude in its band wherever it falls between bins (see SpectrumAnalyser).
 */
export class SpectrumBands {
  readonly count: number;
  /** Centre frequency of each band, Hz. */
  readonly centres: Float64Array;
  readonly lowerEdges: Float64Array;
  readonly upperEdges: Float64Array;
  /** First and last bin inside each band; last < first for a band with none. */
  private readonly firstBin: Int32Array;
  private readonly lastBin: Int32Array;
  /** For bands without a bin: the bin below the centre and the weight of the bin above it. */
  private readonly belowBin: Int32Array;
  private readonly aboveWeight: Float64Array;

  constructor(sampleRate: number, size: number, options: SpectrumBandOptions = {}) {
    const perOctave = options.bandsPerOctave ?? 6;
    const minFrequency = options.minFrequency ?? 20;
    const maxFrequency = options.maxFrequency ?? 20000;
    if (!(Number.isInteger(perOctave) && perOctave >= 1 && perOctave <= 48)) {
      throw new RangeError(`bands per octave ${perOctave}`);
    }
    if (!(minFrequency > 0 && maxFrequency > minFrequency)) {
      throw new RangeError(`band range ${minFrequency}..${maxFrequency} Hz`);
    }
    const nyquist = sampleRate / 2;
    const binHz = sampleRate / size;
    const lastUsableBin = size / 2;
    const first = Math.round(perOctave * Math.log2(minFrequency / 1000));
    let last = Math.round(perOctave * Math.log2(maxFrequency / 1000));
    while (last >= first && 1000 * Math.pow(2, last / perOctave) >= nyquist) last--;
    this.count = Math.max(0, last - first + 1);
    this.centres = new Float64Array(this.count);
    this.lowerEdges = new Float64Array(this.count);
    this.upperEdges = new Float64Array(this.count);
    this.firstBin = new Int32Array(this.count);
    this.lastBin = new Int32Array(this.count);
    this.belowBin = new Int32Array(this.count);
    this.aboveWeight = new Float64Array(this.count);
    const halfBand = Math.pow(2, 1 / (2 * perOctave));
    for (let i = 0; i < this.count; i++) {
      const centre = 1000 * Math.pow(2, (first + i) / perOctave);
      const lower = centre / halfBand;
      const upper = Math.min(centre * halfBand, nyquist);
      this.centres[i] = centre;
      this.lowerEdges[i] = lower;
      this.upperEdges[i] = upper;
      // Bins k with lower <= k * binHz < upper.
      this.firstBin[i] = Math.max(1, Math.ceil(lower / binHz));
      this.lastBin[i] = Math.min(lastUsableBin, Math.ceil(upper / binHz) - 1);
      const position = centre / binHz;
      const below = Math.min(lastUsableBin - 1, Math.floor(position));
      this.belowBin[i] = below;
      this.aboveWeight[i] = position - below;
    }
  }

  /**
   * Band levels in dB (10 log10 of the power) from per-bin powers (`binPower`, one per bin up to
   * Nyquist) into `outDb`. Allocates nothing.
   */
  reduce(binPower: Float64Array, outDb: Float64Array): void {
    for (let i = 0; i < this.count; i++) {
      const from = this.firstBin[i]!;
      const to = this.lastBin[i]!;
      let value = 0;
      if (to >= from) {
        for (let k = from; k <= to; k++) {
          const p = binPower[k]!;
          if (p > value) value = p;
        }
      } else {
        const below = this.belowBin[i]!;
        const w = this.aboveWeight[i]!;
        value = (1 - w) * binPower[below]! + w * binPower[below + 1]!;
      }
      outDb[i] = 10 * Math.log10(value + POWER_FLOOR);
    }
  }
}
