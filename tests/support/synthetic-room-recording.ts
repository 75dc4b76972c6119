/**
 * Synthetic rooms for the calibration tests (reference room-calibration.md §8.2), built from
 * features that are not the correction fitter's filters: a speaker's roll-off (2nd-order
 * Butterworth high-pass at 45 Hz, 1st-order low-pass at 18 kHz), room modes as exponentially
 * decaying sinusoids, discrete reflections (comb filtering), a known integer or fractional delay
 * (windowed sinc), optional microphone response, harmonic distortion, interface latency and
 * seeded white Gaussian noise.
 *
 * The truth is computed independently of the measurement code: every part is a discrete-time
 * system whose transfer function is evaluated directly on the unit circle (the IIR sections from
 * their coefficients, the FIR kernels by their DTFT sums), so `truthDb` is the exact magnitude of
 * the system that made the recording. Nothing here imports calibration/.
 *
 * (tests/support/synthetic-room.ts is the correction tests' analytic room: frequency domain only.)
 */

export interface RoomMode {
  readonly hz: number;
  /** Q = pi f tau, tau the amplitude's decay time constant. */
  readonly q: number;
  /** Roughly the level the mode adds at its frequency, dB (negative: the decay is out of phase and digs a dip). */
  readonly peakDb: number;
}

export interface Reflection {
  /** Arrival after the direct sound, seconds. */
  readonly afterSeconds: number;
  readonly gain: number;
}

export interface SyntheticRoomOptions {
  readonly sampleRate: number;
  /** The sweep as played. */
  readonly sweep: Float64Array;
  /** Acoustic delay of the direct sound, samples (fractional: windowed-sinc delay). Default 120. */
  readonly delaySamples?: number;
  /** Speaker roll-off (HP 45 Hz 2nd-order Butterworth, LP 18 kHz 1st order). Default true. */
  readonly speaker?: boolean;
  readonly modes?: readonly RoomMode[];
  readonly reflections?: readonly Reflection[];
  /** Overall gain of the acoustic path, dB. Default 0. */
  readonly gainDb?: number;
  /** Microphone response: a 2nd-order high shelf (Q 0.707) at `hz` with `gainDb`. Default none. */
  readonly micShelf?: { readonly hz: number; readonly gainDb: number };
  /**
   * Memoryless distortion at the speaker: the played signal x becomes x + a2 x^2 + a3 x^3 before
   * the acoustic path (as a driver distorts; the truth stays the linear path's). Default none.
   */
  readonly distortion?: { readonly a2: number; readonly a3: number };
  /**
   * The interface: latency in samples (fractional allowed) and an optional 1st-order low-pass,
   * in both the microphone path and the loopback. Default 0 and none.
   */
  readonly interfaceLatencySamples?: number;
  readonly interfaceLowPassHz?: number;
  /** Recording continues this long after the sweep's last sample has been played. Default 0.6 s. */
  readonly tailSeconds?: number;
  /** White Gaussian noise at this SNR relative to the RMS of the clean recording while the sweep plays; null: none. */
  readonly snrDb?: number | null;
  readonly seed?: number;
}

export interface SyntheticRoom {
  /** The microphone channel (with noise when `snrDb` was given). */
  readonly recording: Float64Array;
  /** The clean recording plus fresh seeded noise at `snrDb`. */
  readonly withNoise: (snrDb: number, seed?: number) => Float64Array;
  /** RMS of the noise that `snrDb` adds (relative to the clean recording's RMS while the sweep plays). */
  readonly noiseRms: (snrDb: number) => number;
  /** The sweep through the interface only (output wired to input). */
  readonly loopback: Float64Array;
  /** Exact |H| of the acoustic path (speaker, room, delay, gain) at `hz`, dB; with the interface's low-pass when asked. */
  readonly truthDb: (hz: ArrayLike<number>, withInterface?: boolean) => Float64Array;
  /**
   * The truth smoothed as a 1/N-octave power mean: the mean of |H|^2 over
   * [f 2^(-1/2N), f 2^(1/2N)] uniformly in frequency, by Simpson's rule on 256 intervals of the
   * exact response.
   */
  readonly truthSmoothedDb: (
    hz: ArrayLike<number>,
    octaveFraction: number,
    withInterface?: boolean,
  ) => Float64Array;
  /** Exact |H| of the microphone at `hz`, dB (0 without one). */
  readonly micDb: (hz: ArrayLike<number>) => Float64Array;
}

export const DEFAULT_MODES: readonly RoomMode[] = [
  { hz: 52, q: 8, peakDb: 10 },
  { hz: 130, q: 4, peakDb: -6 },
];

export const DEFAULT_REFLECTIONS: readonly Reflection[] = [
  { afterSeconds: 0.0031, gain: -0.5 },
  { afterSeconds: 0.0074, gain: 0.35 },
  { afterSeconds: 0.0119, gain: -0.25 },
];

/** Biquad b0 + b1 z^-1 + b2 z^-2 over 1 + a1 z^-1 + a2 z^-2. */
interface Section {
  readonly b: readonly [number, number, number];
  readonly a: readonly [number, number];
}

/** A sparse FIR: `taps[i]` at delay `first + i`. */
interface Kernel {
  readonly first: number;
  readonly taps: Float64Array;
}

export function buildSyntheticRoom(options: SyntheticRoomOptions): SyntheticRoom {
  const fs = options.sampleRate;
  const { sweep } = options;
  const delay = options.delaySamples ?? 120;
  const gain = 10 ** ((options.gainDb ?? 0) / 20);
  const modes = options.modes ?? DEFAULT_MODES;
  const reflections = options.reflections ?? DEFAULT_REFLECTIONS;
  const speaker: Section[] =
    (options.speaker ?? true) ? [butterworthHighPass(45, fs), firstOrderLowPass(18000, fs)] : [];
  const mic: Section[] =
    options.micShelf === undefined ? [] : [highShelf(options.micShelf.hz, options.micShelf.gainDb, fs)];
  const interfaceSections: Section[] =
    options.interfaceLowPassHz === undefined ? [] : [firstOrderLowPass(options.interfaceLowPassHz, fs)];
  const latency = options.interfaceLatencySamples ?? 0;

  const paths: Kernel[] = [fractionalDelay(delay)];
  const pathGains = [1];
  for (const reflection of reflections) {
    paths.push(fractionalDelay(delay + reflection.afterSeconds * fs));
    pathGains.push(reflection.gain);
  }
  const modeDelay = fractionalDelay(delay);
  const resonators = modes.map((mode) => resonator(mode, fs));

  const length = Math.ceil(latency) + sweep.length + Math.round((options.tailSeconds ?? 0.6) * fs);
  const played = new Float64Array(length);
  played.set(sweep);
  const driven = played.slice();
  if (options.distortion !== undefined) {
    const { a2, a3 } = options.distortion;
    for (let i = 0; i < length; i++) {
      const x = driven[i]!;
      driven[i] = x + a2 * x * x + a3 * x * x * x;
    }
  }

  // Acoustic path: reflections and direct sound, then the modes excited by the direct sound.
  let acoustic: Float64Array = new Float64Array(length);
  paths.forEach((kernel, p) => {
    addConvolved(acoustic, driven, kernel, pathGains[p]!);
  });
  const direct = new Float64Array(length);
  addConvolved(direct, driven, modeDelay, 1);
  for (const mode of resonators) {
    const ringing = runSection(mode, direct);
    for (let i = 0; i < length; i++) acoustic[i]! += ringing[i]!;
  }
  for (const section of [...speaker, ...mic]) acoustic = runSection(section, acoustic);
  for (let i = 0; i < length; i++) acoustic[i]! *= gain;
  const throughInterface = (signal: Float64Array): Float64Array => {
    let out: Float64Array = new Float64Array(length);
    addConvolved(out, signal, fractionalDelay(latency), 1);
    for (const section of interfaceSections) out = runSection(section, out);
    return out;
  };
  const clean = throughInterface(acoustic);
  const loopback = throughInterface(played);
  const from = Math.ceil(latency);
  let sum = 0;
  for (let i = from; i < from + sweep.length; i++) sum += clean[i]! * clean[i]!;
  const cleanRms = Math.sqrt(sum / sweep.length);
  const noiseRms = (snrDb: number): number => cleanRms * 10 ** (-snrDb / 20);
  const withNoise = (snrDb: number, seed = 1): Float64Array => {
    const sigma = noiseRms(snrDb);
    const gaussian = seededGaussian(seed);
    return clean.map((x) => x + sigma * gaussian());
  };
  const recording =
    options.snrDb === undefined || options.snrDb === null ? clean : withNoise(options.snrDb, options.seed);

  const complexTruth = (f: number, withInterface: boolean): [number, number] => {
    const omega = (2 * Math.PI * f) / fs;
    let [re, im] = [0, 0];
    paths.forEach((kernel, p) => {
      const [kr, ki] = kernelResponse(kernel, omega);
      re += pathGains[p]! * kr;
      im += pathGains[p]! * ki;
    });
    let [mr, mi] = [0, 0];
    for (const mode of resonators) {
      const [r, i] = sectionResponse(mode, omega);
      mr += r;
      mi += i;
    }
    const [dr, di] = kernelResponse(modeDelay, omega);
    re += mr * dr - mi * di;
    im += mr * di + mi * dr;
    const chain = withInterface ? [...speaker, ...interfaceSections] : speaker;
    for (const section of chain) {
      const [sr, si] = sectionResponse(section, omega);
      [re, im] = [re * sr - im * si, re * si + im * sr];
    }
    return [gain * re, gain * im];
  };
  const truthPower = (f: number, withInterface: boolean): number => {
    const [re, im] = complexTruth(f, withInterface);
    return re * re + im * im;
  };

  return {
    recording,
    loopback,
    withNoise,
    noiseRms,
    truthDb: (hz, withInterface = false) =>
      Float64Array.from({ length: hz.length }, (_, i) => 10 * Math.log10(truthPower(hz[i]!, withInterface))),
    truthSmoothedDb: (hz, octaveFraction, withInterface = false) =>
      Float64Array.from({ length: hz.length }, (_, i) => {
        const f = hz[i]!;
        const low = f * 2 ** (-1 / (2 * octaveFraction));
        const high = f * 2 ** (1 / (2 * octaveFraction));
        const intervals = 256;
        const step = (high - low) / intervals;
        let sum = 0;
        for (let k = 0; k <= intervals; k++) {
          const weight = k === 0 || k === intervals ? 1 : k % 2 === 1 ? 4 : 2;
          sum += weight * truthPower(low + k * step, withInterface);
        }
        return 10 * Math.log10((sum * step) / 3 / (high - low));
      }),
    micDb: (hz) =>
      Float64Array.from({ length: hz.length }, (_, i) => {
        let power = 1;
        for (const section of mic) {
          const [r, im] = sectionResponse(section, (2 * Math.PI * hz[i]!) / fs);
          power *= r * r + im * im;
        }
        return 10 * Math.log10(power);
      }),
  };
}

/**
 * Windowed-sinc fractional delay: sinc(n - d) under a Blackman window 64 taps wide. An integer
 * delay gives a single unit tap (sinc vanishes at the other integers).
 */
function fractionalDelay(delay: number): Kernel {
  const half = 32;
  const centre = Math.floor(delay);
  if (delay === centre) return { first: centre, taps: Float64Array.of(1) };
  const first = Math.max(0, centre - half + 1);
  const last = centre + half;
  const taps = new Float64Array(last - first + 1);
  for (let n = first; n <= last; n++) {
    const x = n - delay;
    const window = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
    taps[n - first] = (Math.sin(Math.PI * x) / (Math.PI * x)) * Math.max(0, window);
  }
  return { first, taps };
}

/** out[n] += gain * sum_i taps[i] x[n - first - i] */
function addConvolved(out: Float64Array, x: Float64Array, kernel: Kernel, gain: number): void {
  const { first, taps } = kernel;
  for (let i = 0; i < taps.length; i++) {
    const tap = gain * taps[i]!;
    const shift = first + i;
    for (let n = shift; n < out.length; n++) out[n]! += tap * x[n - shift]!;
  }
}

function kernelResponse(kernel: Kernel, omega: number): [number, number] {
  // sum taps[i] e^{-j omega (first + i)}, rotating from the first tap.
  let rotRe = Math.cos(omega * kernel.first);
  let rotIm = -Math.sin(omega * kernel.first);
  const stepRe = Math.cos(omega);
  const stepIm = -Math.sin(omega);
  let re = 0;
  let im = 0;
  for (const tap of kernel.taps) {
    re += tap * rotRe;
    im += tap * rotIm;
    [rotRe, rotIm] = [rotRe * stepRe - rotIm * stepIm, rotRe * stepIm + rotIm * stepRe];
  }
  return [re, im];
}

function runSection(section: Section, x: Float64Array): Float64Array {
  const [b0, b1, b2] = section.b;
  const [a1, a2] = section.a;
  const y: Float64Array = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const x0 = x[n]!;
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    y[n] = y0;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
  }
  return y;
}

/** The section's transfer function at z = e^{j omega}. */
function sectionResponse(section: Section, omega: number): [number, number] {
  const c1 = Math.cos(omega);
  const s1 = -Math.sin(omega);
  const c2 = Math.cos(2 * omega);
  const s2 = -Math.sin(2 * omega);
  const [b0, b1, b2] = section.b;
  const [a1, a2] = section.a;
  const nr = b0 + b1 * c1 + b2 * c2;
  const ni = b1 * s1 + b2 * s2;
  const dr = 1 + a1 * c1 + a2 * c2;
  const di = a1 * s1 + a2 * s2;
  const d = dr * dr + di * di;
  return [(nr * dr + ni * di) / d, (ni * dr - nr * di) / d];
}

/**
 * A room mode: m[n] = a rho^n cos(w0 n), n >= 0, rho = e^(-1/tau), tau = Q / (pi f) in samples.
 * Its z-transform is a (1 - rho cos(w0) z^-1) / (1 - 2 rho cos(w0) z^-1 + rho^2 z^-2); near w0 it
 * adds about a tau / 2 to a unit direct sound, so a = 2 (10^(peakDb/20) - 1) / tau.
 */
function resonator(mode: RoomMode, fs: number): Section {
  const tau = (mode.q / (Math.PI * mode.hz)) * fs;
  const rho = Math.exp(-1 / tau);
  const w0 = (2 * Math.PI * mode.hz) / fs;
  const a = (2 * (10 ** (mode.peakDb / 20) - 1)) / tau;
  return { b: [a, -a * rho * Math.cos(w0), 0], a: [-2 * rho * Math.cos(w0), rho * rho] };
}

/** 2nd-order Butterworth high-pass by the bilinear transform, cutoff prewarped. */
function butterworthHighPass(hz: number, fs: number): Section {
  const k = Math.tan((Math.PI * hz) / fs);
  const norm = 1 / (1 + Math.SQRT2 * k + k * k);
  return {
    b: [norm, -2 * norm, norm],
    a: [2 * (k * k - 1) * norm, (1 - Math.SQRT2 * k + k * k) * norm],
  };
}

/** 1st-order low-pass (one pole) by the bilinear transform, cutoff prewarped. */
function firstOrderLowPass(hz: number, fs: number): Section {
  const k = Math.tan((Math.PI * hz) / fs);
  const norm = 1 / (1 + k);
  return { b: [k * norm, k * norm, 0], a: [(k - 1) * norm, 0] };
}

/**
 * 2nd-order high shelf: analog H(s) = g (s^2 + (wz/Q) s + wz^2) / (s^2 + (wp/Q) s + wp^2) with
 * zeros at wz = w / g^(1/4) and poles at wp = w g^(1/4) (g the linear gain), so 0 dB at DC, g at
 * high frequencies and half the gain in dB at w; Q = 0.707; bilinear transform with w prewarped.
 */
function highShelf(hz: number, gainDb: number, fs: number): Section {
  const g = 10 ** (gainDb / 20);
  const k = Math.tan((Math.PI * hz) / fs);
  const q = Math.SQRT1_2;
  const wz = k / g ** 0.25;
  const wp = k * g ** 0.25;
  const [n2, n1, n0] = [g, (g * wz) / q, g * wz * wz];
  const [d1, d0] = [wp / q, wp * wp];
  // s = (1 - z^-1) / (1 + z^-1).
  const a0 = 1 + d1 + d0;
  return {
    b: [(n2 + n1 + n0) / a0, (2 * n0 - 2 * n2) / a0, (n2 - n1 + n0) / a0],
    a: [(2 * d0 - 2) / a0, (1 - d1 + d0) / a0],
  };
}

/** Seeded standard normal deviates: mulberry32 uniforms through Box-Muller. */
export function seededGaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
