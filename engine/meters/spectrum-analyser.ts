import FFT from 'fft.js';
import { POWER_FLOOR, SpectrumBands, type SpectrumBandOptions } from './spectrum-bands.ts';

export interface SpectrumAnalyserOptions {
  /** FFT size, a power of two from 256 to 65536. Default 8192 (5.9 Hz bins at 48 kHz). */
  readonly size?: number;
  /** Frames between spectra. Default size / 4 (75 % overlap: Hann frames then weigh every sample alike). */
  readonly hop?: number;
  /**
   * Exponential averaging of the bin powers across spectra, time constant in seconds: 0 shows each
   * spectrum as it is, Infinity the mean of every spectrum since reset (a whole file's average
   * spectrum). Default 0.
   */
  readonly averagingSeconds?: number;
  /** Log-frequency band layout; defaults: 1/6 octave, 20 Hz .. 20 kHz. */
  readonly bands?: SpectrumBandOptions;
}

/**
 * Spectrum analyser for the mastering meter and offline analysis: Hann-windowed FFT frames of the
 * channels' mean ((L + R) / 2 for stereo), with levels in dB FS and log-frequency band data.
 *
 * Calibration (the window's gain taken out): with w the periodic Hann window (DFT-even,
 * w[n] = 0.5 - 0.5 cos(2 pi n / N)), S1 = sum w = N / 2 and S2 = sum w^2 = 3N / 8, a bin reads
 * a_k = 2 |X_k| / S1 (|X_k| / S1 at DC and Nyquist). A sine of amplitude A centred on a bin reads
 * 20 log10 A there: a full-scale sine reads 0 dB FS. Off-centre a single bin reads up to 1.42 dB
 * low (Hann's scalloping), so the bands use lobe powers: (a_{k-1}^2 + a_k^2 + a_{k+1}^2) / ENBW,
 * with ENBW = N S2 / S1^2 = 1.5 bins. By Parseval a sine's main lobe carries A^2 ENBW, so the lobe
 * power reads A^2 within 0.09 dB wherever the sine sits between bins. Noise: white noise of mean
 * square s^2 reads E[a_k^2] = 4 s^2 ENBW / N per bin (the resolution bandwidth is 1.5 bins).
 *
 * FFT: fft.js (radix-4, real input; ~110 us per 8192-point transform on the reference VM). A
 * spectrum is computed once `size` frames are in, then every `hop` frames, within `process`; one
 * call may compute several. `process` allocates nothing and never throws, but an FFT is a spike of
 * ~0.1 ms: live, run it on the main thread from samples the audio thread copied into a SampleTap.
 */
export class SpectrumAnalyser {
  readonly sampleRate: number;
  readonly size: number;
  readonly hop: number;
  /** Bins from DC to Nyquist. */
  readonly binCount: number;
  /** Bin spacing, Hz. */
  readonly binHz: number;
  /** Equivalent noise bandwidth of the window, bins (1.5 for Hann). */
  readonly enbwBins: number;
  readonly bands: SpectrumBands;
  /** Each bin's level, dB FS (a sine centred on bin k reads its amplitude there). */
  readonly binsDb: Float64Array;
  /** Each band's level, dB FS (a sine reads its amplitude in its band, within 0.09 dB). */
  readonly bandsDb: Float64Array;
  private readonly fft: FFT;
  private readonly window: Float64Array;
  /** The last `size` input frames (mono), oldest at `position`. */
  private readonly history: Float64Array;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;
  /** Averaged power per bin (amplitude squared). */
  private readonly power: Float64Array;
  private readonly lobe: Float64Array;
  /** [0] averaging time constant in seconds, [1] spectra since reset. */
  private readonly settings = new Float64Array(2);
  private position = 0;
  private untilNext = 0;

  constructor(sampleRate: number, options: SpectrumAnalyserOptions = {}) {
    const size = options.size ?? 8192;
    if (!(Number.isInteger(size) && size >= 256 && size <= 65536 && (size & (size - 1)) === 0)) {
      throw new RangeError(`FFT size ${size}`);
    }
    const hop = options.hop ?? size / 4;
    if (!(Number.isInteger(hop) && hop >= 1 && hop <= size)) throw new RangeError(`hop ${hop}`);
    const averaging = options.averagingSeconds ?? 0;
    if (!(averaging >= 0)) throw new RangeError(`averaging ${averaging} s`);
    if (!(sampleRate >= 8000 && sampleRate <= 1_000_000)) throw new RangeError(`sample rate ${sampleRate}`);
    this.sampleRate = sampleRate;
    this.size = size;
    this.hop = hop;
    this.binCount = size / 2 + 1;
    this.binHz = sampleRate / size;
    this.fft = new FFT(size);
    this.window = new Float64Array(size);
    let s1 = 0;
    let s2 = 0;
    for (let n = 0; n < size; n++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size);
      this.window[n] = w;
      s1 += w;
      s2 += w * w;
    }
    this.enbwBins = (size * s2) / (s1 * s1);
    // Folded into the window: a_k^2 = |X_k|^2 (2 / S1)^2 comes straight out of the transform.
    const gain = 2 / s1;
    for (let n = 0; n < size; n++) this.window[n] = this.window[n]! * gain;
    this.history = new Float64Array(size);
    this.frame = new Float64Array(size);
    this.spectrum = new Float64Array(2 * size);
    this.power = new Float64Array(this.binCount);
    this.lobe = new Float64Array(this.binCount);
    this.binsDb = new Float64Array(this.binCount);
    this.bands = new SpectrumBands(sampleRate, size, options.bands);
    this.bandsDb = new Float64Array(this.bands.count);
    this.settings[0] = averaging;
    this.reset();
  }

  /** Spectra computed since construction or reset. */
  get spectra(): number {
    return this.settings[1]!;
  }

  /** Centre frequency of bin k, Hz. */
  binFrequency(k: number): number {
    return k * this.binHz;
  }

  /** Forget the input and the average; the next spectrum comes `size` frames from now. Allocates nothing. */
  reset(): void {
    this.history.fill(0);
    this.power.fill(0);
    this.lobe.fill(0);
    this.binsDb.fill(10 * Math.log10(POWER_FLOOR));
    this.bandsDb.fill(10 * Math.log10(POWER_FLOOR));
    this.settings[1] = 0;
    this.position = 0;
    this.untilNext = this.size;
  }

  /**
   * Analyse `frames` more frames of planar `channels` (their mean; frames past a short array and
   * NaN/Infinity samples count as 0). Computes a spectrum each time `hop` frames have come in.
   * Allocates nothing, never throws.
   */
  process(channels: readonly Float32Array[], frames: number): void {
    const total = frames > 0 ? Math.floor(frames) : 0;
    const count = channels.length;
    const scale = count > 0 ? 1 / count : 0;
    const history = this.history;
    const mask = this.size - 1;
    let done = 0;
    while (done < total) {
      const n = Math.min(total - done, this.untilNext);
      let at = this.position;
      for (let i = done; i < done + n; i++) {
        let sum = 0;
        for (let c = 0; c < count; c++) {
          const x = channels[c]!;
          if (i < x.length) {
            const v = x[i]!;
            // v - v is NaN for NaN and +-Infinity, 0 for every finite sample.
            if (v - v === 0) sum += v;
          }
        }
        history[at] = sum * scale;
        at = (at + 1) & mask;
      }
      this.position = at;
      done += n;
      this.untilNext -= n;
      if (this.untilNext === 0) {
        this.untilNext = this.hop;
        this.analyse();
      }
    }
  }

  /** One spectrum of the last `size` frames. */
  private analyse(): void {
    const size = this.size;
    const mask = size - 1;
    const history = this.history;
    const frame = this.frame;
    const window = this.window;
    const start = this.position;
    for (let n = 0; n < size; n++) frame[n] = history[(start + n) & mask]! * window[n]!;
    this.fft.realTransform(this.spectrum, frame);

    const settings = this.settings;
    const spectra = settings[1]! + 1;
    settings[1] = spectra;
    const tau = settings[0]!;
    // Weight of the old average: (n - 1) / n for the running mean (tau = Infinity),
    // exp(-hop / (tau fs)) otherwise (0 without averaging), and 0 on the first spectrum. Written
    // as a product, not a branch assigning 0: V8 may box a double that meets an integer.
    const decay = tau === Infinity ? (spectra - 1) / spectra : Math.exp(-this.hop / (tau * this.sampleRate));
    const keep = decay * (spectra > 1 ? 1 : 0);
    const fresh = 1 - keep;
    const spectrum = this.spectrum;
    const power = this.power;
    const binsDb = this.binsDb;
    const last = this.binCount - 1;
    for (let k = 0; k <= last; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      let p = re * re + im * im;
      // DC and Nyquist have no mirror image: |X_k| / S1, a quarter of the (2 / S1)^2 folded in.
      if (k === 0 || k === last) p *= 0.25;
      const averaged = keep * power[k]! + fresh * p;
      power[k] = averaged;
      binsDb[k] = 10 * Math.log10(averaged + POWER_FLOOR);
    }
    // Lobe powers; at DC and Nyquist the missing neighbour is the mirror image of the present one.
    const lobe = this.lobe;
    const inverseEnbw = 1 / this.enbwBins;
    lobe[0] = (power[0]! + 2 * power[1]!) * inverseEnbw;
    for (let k = 1; k < last; k++) lobe[k] = (power[k - 1]! + power[k]! + power[k + 1]!) * inverseEnbw;
    lobe[last] = (power[last]! + 2 * power[last - 1]!) * inverseEnbw;
    this.bands.reduce(lobe, this.bandsDb);
  }
}
