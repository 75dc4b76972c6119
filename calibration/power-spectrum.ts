import FFT from 'fft.js';

/** The smallest power of two >= n (and >= 2, fft.js's smallest size). */
export function nextPowerOfTwo(n: number): number {
  let size = 2;
  while (size < n) size *= 2;
  return size;
}

const cached = new Map<number, FFT>();

/**
 * An fft.js transform of `size` (a power of two). The last two sizes made are kept (an analysis
 * uses one large and one small): building the twiddle table of a 2^20-point transform costs about
 * as much as running it.
 */
export function fftOfSize(size: number): FFT {
  let fft = cached.get(size);
  if (fft === undefined) {
    fft = new FFT(size);
    if (cached.size >= 2) cached.delete(cached.keys().next().value!);
  } else {
    cached.delete(size);
  }
  cached.set(size, fft);
  return fft;
}

/**
 * |X_k|^2 for k = 0 .. size/2 (DC to Nyquist) of the samples zero-padded to `size` (a power of
 * two, at least their length): bin k lies at k * sampleRate / size.
 */
export function powerSpectrum(samples: ArrayLike<number>, size: number): Float64Array {
  const input = new Float64Array(size);
  for (let i = 0; i < samples.length; i++) input[i] = samples[i]!;
  const spectrum = new Float64Array(2 * size);
  fftOfSize(size).realTransform(spectrum, input);
  const power = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) {
    const re = spectrum[2 * k]!;
    const im = spectrum[2 * k + 1]!;
    power[k] = re * re + im * im;
  }
  return power;
}
