import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { isLatheError } from '../../engine/index.ts';
import { CALIBRATION_BAND_HZ, FULL_BAND_HZ, pinkNoise } from '../../calibration/pink-noise.ts';

/** dB FS RMS as AES17 defines it: a full-scale sine (mean square 1/2) reads 0. */
function aes17Dbfs(signal: Float32Array, start = 0, end = signal.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += signal[i]! * signal[i]!;
  return 10 * Math.log10(sum / (end - start) / 0.5);
}

/** Welch power spectral density: Hann frames of `size`, half overlapping, averaged. */
function welch(signal: Float32Array, start: number, size: number): Float64Array {
  const fft = new FFT(size);
  const frame = new Float64Array(size);
  const spectrum = fft.createComplexArray() as number[];
  const psd = new Float64Array(size / 2 + 1);
  let frames = 0;
  for (let at = start; at + size <= signal.length; at += size / 2) {
    for (let i = 0; i < size; i++)
      frame[i] = signal[at + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
    fft.realTransform(spectrum, frame);
    for (let k = 0; k <= size / 2; k++) psd[k]! += spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
    frames += 1;
  }
  for (let k = 0; k <= size / 2; k++) psd[k] = psd[k]! / frames;
  return psd;
}

/** Mean PSD (dB) in third-octave bands centred on `centres`, from a Welch estimate. */
function bandLevels(psd: Float64Array, binHz: number, centres: number[]): number[] {
  return centres.map((centre) => {
    const lo = Math.ceil((centre * Math.pow(2, -1 / 6)) / binHz);
    const hi = Math.floor((centre * Math.pow(2, 1 / 6)) / binHz);
    let sum = 0;
    for (let k = lo; k <= hi; k++) sum += psd[k]!;
    return 10 * Math.log10(sum / (hi - lo + 1));
  });
}

/** Least-squares slope of level (dB) against octaves. */
function slopePerOctave(centres: number[], levels: number[]): number {
  const xs = centres.map((hz) => Math.log2(hz));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = levels.reduce((a, b) => a + b, 0) / levels.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (levels[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

const thirdOctaves = (from: number, to: number): number[] => {
  const centres: number[] = [];
  for (let n = -20; n <= 13; n++) {
    const hz = 1000 * Math.pow(2, n / 3);
    if (hz >= from && hz <= to) centres.push(hz);
  }
  return centres;
};

describe('pink noise: level', () => {
  it.each([
    ['500 Hz-2 kHz at 48 kHz', 48000, 10 * 48000, CALIBRATION_BAND_HZ],
    ['20 Hz-20 kHz at 48 kHz', 48000, 10 * 48000, FULL_BAND_HZ],
    ['500 Hz-2 kHz at 44.1 kHz, odd length', 44100, 3 * 44100 + 17, CALIBRATION_BAND_HZ],
    ['20 Hz-20 kHz at 96 kHz, longer than one period', 96000, 12 * 96000, FULL_BAND_HZ],
  ])('%s reads -20 dB FS RMS (AES17) after the ramp, within 0.1 dB', (_, rate, frames, band) => {
    const noise = pinkNoise({ sampleRate: rate, frames, ...band });
    const rampEnd = Math.round(0.5 * rate);
    expect(Math.abs(aes17Dbfs(noise, rampEnd) - -20)).toBeLessThanOrEqual(0.1);
    // Every whole second after the ramp holds the level too (steady, not only on average).
    for (let at = rampEnd; at + rate <= frames; at += rate) {
      expect(Math.abs(aes17Dbfs(noise, at, at + rate) - -20)).toBeLessThanOrEqual(0.5);
    }
    let peak = 0;
    for (const value of noise) peak = Math.max(peak, Math.abs(value));
    expect(peak).toBeLessThan(1);
  });

  it('takes another level', () => {
    const noise = pinkNoise({ sampleRate: 48000, frames: 96000, levelDbfs: -30.5, rampSeconds: 0 });
    expect(Math.abs(aes17Dbfs(noise) - -30.5)).toBeLessThanOrEqual(0.1);
  });
});

describe('pink noise: spectrum (Welch estimate, 8192-point Hann frames)', () => {
  const rate = 48000;

  it('falls 3 dB per octave (±0.1 dB/oct) from 25 Hz to 16 kHz, full band', () => {
    const noise = pinkNoise({ sampleRate: rate, frames: 10 * rate, ...FULL_BAND_HZ });
    const psd = welch(noise, rate, 8192);
    const centres = thirdOctaves(25, 16000);
    const levels = bandLevels(psd, rate / 8192, centres);
    const slope = slopePerOctave(centres, levels);
    expect(Math.abs(slope - -10 * Math.log10(2))).toBeLessThanOrEqual(0.1);
    // No band strays from the line by more than 0.5 dB (no ripple hidden in the fit).
    const my = levels.reduce((a, b) => a + b, 0) / levels.length;
    const mx = centres.reduce((a, hz) => a + Math.log2(hz), 0) / centres.length;
    centres.forEach((hz, i) => {
      expect(Math.abs(levels[i]! - (my + slope * (Math.log2(hz) - mx)))).toBeLessThanOrEqual(0.5);
    });
  });

  it('falls 3 dB per octave inside 500 Hz-2 kHz and is 60 dB down an octave outside it', () => {
    const noise = pinkNoise({ sampleRate: rate, frames: 10 * rate });
    const psd = welch(noise, rate, 8192);
    const binHz = rate / 8192;
    const centres = thirdOctaves(630, 1600);
    const slope = slopePerOctave(centres, bandLevels(psd, binHz, centres));
    expect(Math.abs(slope - -10 * Math.log10(2))).toBeLessThanOrEqual(0.2);
    const [inBand] = bandLevels(psd, binHz, [1000]);
    const [below, above] = bandLevels(psd, binHz, [250, 4000]);
    expect(inBand! - below!).toBeGreaterThan(60);
    expect(inBand! - above!).toBeGreaterThan(60);
  });

  it('a power-of-two length without a ramp is one whole period: no energy outside the band', () => {
    const size = 1 << 16;
    const noise = pinkNoise({ sampleRate: rate, frames: size, rampSeconds: 0 });
    const fft = new FFT(size);
    const spectrum = fft.createComplexArray() as number[];
    fft.realTransform(spectrum, Float64Array.from(noise));
    let inside = 0;
    let outside = 0;
    for (let k = 0; k <= size / 2; k++) {
      const power = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
      const hz = (k * rate) / size;
      if (hz >= 500 && hz <= 2000) inside += power;
      else outside += power;
    }
    // Only float32 rounding is left outside (about -140 dB); a seam or filter skirt would show.
    expect(10 * Math.log10(outside / inside)).toBeLessThan(-100);
  });
});

describe('pink noise: ramp and seed', () => {
  it('starts with a raised-cosine ramp from silence', () => {
    const rate = 48000;
    const noise = pinkNoise({ sampleRate: rate, frames: 3 * rate, rampSeconds: 0.5 });
    expect(noise[0]).toBe(0);
    expect(aes17Dbfs(noise, 0, 0.01 * rate)).toBeLessThan(-20 - 40);
    expect(aes17Dbfs(noise, 0.2 * rate, 0.25 * rate)).toBeLessThan(-20 - 3);
    expect(Math.abs(aes17Dbfs(noise, 0.5 * rate, rate) - -20)).toBeLessThan(0.6);
  });

  it('is the same noise for the same seed and different noise for another', () => {
    const options = { sampleRate: 48000, frames: 48000 };
    const a = pinkNoise({ ...options, seed: 7 });
    expect(pinkNoise({ ...options, seed: 7 })).toEqual(a);
    const b = pinkNoise({ ...options, seed: 8 });
    let dot = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      aa += a[i]! * a[i]!;
      bb += b[i]! * b[i]!;
    }
    expect(Math.abs(dot / Math.sqrt(aa * bb))).toBeLessThan(0.1);
  });

  it.each([
    [
      'a band above half the rate',
      { sampleRate: 32000, frames: 32000, ...FULL_BAND_HZ },
      /half the sample rate/,
    ],
    ['an upside-down band', { sampleRate: 48000, frames: 48000, lowHz: 2000, highHz: 500 }, /band/],
    ['a level above 0 dB FS', { sampleRate: 48000, frames: 48000, levelDbfs: 3 }, /level/],
    ['a level that would clip', { sampleRate: 48000, frames: 48000, levelDbfs: 0 }, /clip/],
    ['a ramp as long as the signal', { sampleRate: 48000, frames: 24000, rampSeconds: 0.5 }, /ramp/],
    ['no frames', { sampleRate: 48000, frames: 0 }, /length/],
    ['a fractional seed', { sampleRate: 48000, frames: 48000, seed: 1.5 }, /seed/],
  ])('refuses %s', (_, options, message) => {
    let caught: unknown;
    try {
      pinkNoise(options);
    } catch (error) {
      caught = error;
    }
    expect(isLatheError(caught) && caught.code).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    expect((caught as Error).message).toMatch(message);
  });
});
