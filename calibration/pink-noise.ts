import FFT from 'fft.js';
import { LatheError } from '../engine/index.ts';

/**
 * The SPL calibration signal: seeded, band-limited pink noise at a set RMS level (reference §3.1
 * and §7.1: per speaker, pink noise at -20 dB FS RMS, band-limited 500 Hz-2 kHz, or full band).
 *
 * Made in the frequency domain: every FFT bin inside the band gets amplitude 1/sqrt(f) (power
 * falling 3.01 dB per octave) and a random phase from the seed, bins outside it zero, then one
 * inverse FFT. So the spectrum is exactly pink and exactly band-limited (no filter skirts), the
 * signal is periodic (a power-of-two period of up to 2^20 samples, tiled for longer signals) and
 * identical for the same seed. The level is set on the samples after the ramp, so their RMS is
 * the requested level; it is dB FS RMS as AES17 defines it (a full-scale sine reads 0 dB FS), the
 * convention of the K-System and of the engine's meters, so -20 dB FS pink noise reads 0 on
 * K-20. (A plain 20 log10(rms) would put it at -23.01 dB.)
 *
 * It starts with a raised-cosine ramp (calibration signals never start at full level). A
 * power-of-two length of at most 2^20 with no ramp is exactly one period and loops without a seam.
 */

export const CALIBRATION_NOISE_DBFS = -20;
/** Default band: steadier readings, clear of room modes and crossovers (§7.1). */
export const CALIBRATION_BAND_HZ = { lowHz: 500, highHz: 2000 } as const;
export const FULL_BAND_HZ = { lowHz: 20, highHz: 20000 } as const;
export const DEFAULT_RAMP_SECONDS = 0.5;

export interface PinkNoiseOptions {
  readonly sampleRate: number;
  readonly frames: number;
  /** Band edges in Hz; default 500 Hz-2 kHz. */
  readonly lowHz?: number;
  readonly highHz?: number;
  /** RMS level after the ramp, dB FS (AES17). Default -20. */
  readonly levelDbfs?: number;
  /** Any integer; the same seed gives the same noise. Default 1. */
  readonly seed?: number;
  /** Raised-cosine fade-in. Default 0.5 s; 0 for none. */
  readonly rampSeconds?: number;
}

const MIN_PERIOD = 1 << 14;
const MAX_PERIOD = 1 << 20;
const MAX_FRAMES = 1 << 26;
/** Mean square of a full-scale sine: 0 dB FS RMS in AES17 terms. */
const FULL_SCALE_SINE_MEAN_SQUARE = 0.5;

function invalid(what: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `pink noise: ${what}`);
}

/** Marsaglia's xorshift32: uniform numbers in [0, 1) from a 32-bit state. */
function uniformSource(seed: number): () => number {
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x6a09e667) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

function periodFor(frames: number): number {
  let period = MIN_PERIOD;
  while (period < frames && period < MAX_PERIOD) period *= 2;
  return period;
}

/** Band-limited pink noise (see the file comment). */
export function pinkNoise(options: PinkNoiseOptions): Float32Array {
  const {
    sampleRate,
    frames,
    lowHz = CALIBRATION_BAND_HZ.lowHz,
    highHz = CALIBRATION_BAND_HZ.highHz,
    levelDbfs = CALIBRATION_NOISE_DBFS,
    seed = 1,
    rampSeconds = DEFAULT_RAMP_SECONDS,
  } = options;
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) throw invalid(`sample rate ${sampleRate} Hz`);
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_FRAMES) {
    throw invalid(`length ${frames} frames must be a whole number from 1 to ${MAX_FRAMES}`);
  }
  if (!(Number.isFinite(lowHz) && Number.isFinite(highHz) && lowHz > 0 && lowHz < highHz)) {
    throw invalid(`band ${lowHz}-${highHz} Hz must have 0 < low < high`);
  }
  if (highHz > sampleRate / 2) throw invalid(`band top ${highHz} Hz is above half the sample rate`);
  if (!Number.isFinite(levelDbfs) || levelDbfs > 0)
    throw invalid(`level ${levelDbfs} dB FS must be at most 0`);
  if (!Number.isInteger(seed)) throw invalid(`seed ${seed} must be a whole number`);
  const rampFrames = Math.round(rampSeconds * sampleRate);
  if (!Number.isFinite(rampSeconds) || rampSeconds < 0 || rampFrames >= frames) {
    throw invalid(`ramp ${rampSeconds} s must be at least 0 and shorter than the signal`);
  }

  const period = periodFor(frames);
  const binHz = sampleRate / period;
  const firstBin = Math.max(1, Math.ceil(lowHz / binHz));
  const lastBin = Math.min(period / 2 - 1, Math.floor(highHz / binHz));
  if (lastBin < firstBin) throw invalid(`band ${lowHz}-${highHz} Hz is narrower than one frequency bin`);

  const fft = new FFT(period);
  const spectrum = new Float64Array(2 * period);
  const random = uniformSource(seed);
  for (let bin = firstBin; bin <= lastBin; bin++) {
    const amplitude = 1 / Math.sqrt(bin * binHz);
    const phase = 2 * Math.PI * random();
    const re = amplitude * Math.cos(phase);
    const im = amplitude * Math.sin(phase);
    spectrum[2 * bin] = re;
    spectrum[2 * bin + 1] = im;
    // Conjugate mirror: a real signal.
    spectrum[2 * (period - bin)] = re;
    spectrum[2 * (period - bin) + 1] = -im;
  }
  const complex = new Float64Array(2 * period);
  fft.inverseTransform(complex, spectrum);

  const signal = new Float64Array(frames);
  for (let i = 0; i < frames; i++) signal[i] = complex[2 * (i % period)]!;
  for (let i = 0; i < rampFrames; i++) {
    signal[i] = signal[i]! * 0.5 * (1 - Math.cos((Math.PI * i) / rampFrames));
  }

  let sum = 0;
  for (let i = rampFrames; i < frames; i++) sum += signal[i]! * signal[i]!;
  const meanSquare = sum / (frames - rampFrames);
  if (!(meanSquare > 0)) throw invalid('the band holds no energy in so short a signal');
  const scale = Math.sqrt((FULL_SCALE_SINE_MEAN_SQUARE * Math.pow(10, levelDbfs / 10)) / meanSquare);
  const out = new Float32Array(frames);
  let peak = 0;
  for (let i = 0; i < frames; i++) {
    const value = signal[i]! * scale;
    out[i] = value;
    peak = Math.max(peak, Math.abs(value));
  }
  if (peak > 1) throw invalid(`at ${levelDbfs} dB FS RMS the noise would clip (peak ${peak.toFixed(2)})`);
  return out;
}
