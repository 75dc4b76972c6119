import { LatheError } from '../engine/index.ts';
import type { SampleArray } from './sample-array.ts';

export interface ImpulseWindowOptions {
  /** How far the window reaches before the reference (the peak), seconds. Default 0.125 (REW). */
  readonly leftSeconds?: number;
  /** How far it reaches after the reference, seconds. Default 0.5 (REW). */
  readonly rightSeconds?: number;
  /**
   * Tukey shape: the outer fraction of each side falls as a half-Hann, the rest passes unchanged.
   * 1 makes each side a whole half-Hann; 0 a rectangle. Default 0.25 (REW's Tukey 0.25).
   */
  readonly taperFraction?: number;
}

export interface WindowedImpulse {
  /** The windowed samples, starting `startIndex` samples into the source impulse. */
  readonly samples: Float64Array;
  readonly startIndex: number;
  /** Where the reference sample sits in `samples`. */
  readonly referenceIndex: number;
}

/**
 * Cuts the impulse to [reference - left, reference + right], tapering both ends (Tukey): the
 * right window keeps the room's late reflections and noise out of the response, the left window
 * keeps noise and wrapped harmonic tails ahead of the sound out. Parts of the window beyond the
 * impulse's ends are left out.
 */
export function windowImpulse(
  impulse: SampleArray,
  referenceIndex: number,
  sampleRate: number,
  options: ImpulseWindowOptions = {},
): WindowedImpulse {
  const taper = options.taperFraction ?? 0.25;
  const left = sideLength(options.leftSeconds ?? 0.125, sampleRate, 'left');
  const right = sideLength(options.rightSeconds ?? 0.5, sampleRate, 'right');
  if (!(taper >= 0 && taper <= 1)) invalid(`taper fraction must be in [0, 1], got ${taper}`);
  const reference = Math.round(referenceIndex);
  if (!(reference >= 0 && reference < impulse.length)) {
    invalid(`window reference ${referenceIndex} lies outside the impulse (${impulse.length} samples)`);
  }
  const start = Math.max(0, reference - left);
  const end = Math.min(impulse.length - 1, reference + right);
  const samples = new Float64Array(end - start + 1);
  for (let n = start; n <= end; n++) {
    const distance = n - reference;
    const weight = distance < 0 ? tukeySide(-distance, left, taper) : tukeySide(distance, right, taper);
    samples[n - start] = impulse[n]! * weight;
  }
  return { samples, startIndex: start, referenceIndex: reference - start };
}

/** Weight `distance` samples from the centre of a side `length` long whose outer `taper` part falls as a half-Hann. */
export function tukeySide(distance: number, length: number, taper: number): number {
  if (distance > length) return 0;
  const flat = length * (1 - taper);
  if (distance <= flat) return 1;
  return 0.5 + 0.5 * Math.cos((Math.PI * (distance - flat)) / (length - flat));
}

export interface FrequencyDependentWindowOptions {
  /** Window width in periods of each frequency. Default 15. */
  readonly cycles?: number;
  /** The widest the window reaches before the reference, seconds. Default 0.125. */
  readonly leftSeconds?: number;
  /** The widest it reaches after the reference, seconds. Default 0.5. */
  readonly rightSeconds?: number;
}

/**
 * Frequency-dependent windowing (FDW): the power |H(f)|^2 at each of `hz`, each frequency seen
 * through its own Hann window `cycles` periods wide centred on the reference (15 cycles: 750 ms
 * at 20 Hz, 15 ms at 1 kHz, 1.5 ms at 10 kHz), each half capped by the fixed left and right
 * windows. High frequencies then see the direct sound and early reflections only, low ones the
 * room's modes: a cleaner response to equalise than one long window gives. The reference sample
 * has weight 1, so a lone impulse reads 0 dB at every frequency. The reference may be fractional
 * (the sub-sample arrival): phases are taken relative to it.
 */
export function frequencyDependentWindowPower(
  impulse: SampleArray,
  referenceIndex: number,
  sampleRate: number,
  hz: ArrayLike<number>,
  options: FrequencyDependentWindowOptions = {},
): Float64Array {
  const cycles = options.cycles ?? 15;
  if (!(cycles > 0) || !Number.isFinite(cycles)) invalid(`window cycles must be positive, got ${cycles}`);
  const maxLeft = sideLength(options.leftSeconds ?? 0.125, sampleRate, 'left');
  const maxRight = sideLength(options.rightSeconds ?? 0.5, sampleRate, 'right');
  const centre = Math.round(referenceIndex);
  const power = new Float64Array(hz.length);
  for (let i = 0; i < hz.length; i++) {
    const f = hz[i]!;
    const half = (cycles * sampleRate) / f / 2;
    const left = Math.min(maxLeft, half);
    const right = Math.min(maxRight, half);
    const from = Math.max(0, Math.ceil(centre - left));
    const to = Math.min(impulse.length - 1, Math.floor(centre + right));
    const omega = (2 * Math.PI * f) / sampleRate;
    // e^{-j omega (n - reference)} by rotation from the first sample, refreshed every 4096 steps.
    const stepRe = Math.cos(omega);
    const stepIm = -Math.sin(omega);
    let re = 0;
    let im = 0;
    let rotRe = 0;
    let rotIm = 0;
    for (let n = from; n <= to; n++) {
      if ((n - from) % 4096 === 0) {
        rotRe = Math.cos(omega * (n - referenceIndex));
        rotIm = -Math.sin(omega * (n - referenceIndex));
      }
      const distance = n - centre;
      const side = distance < 0 ? left : right;
      const weight = side > 0 ? 0.5 + 0.5 * Math.cos((Math.PI * distance) / side) : 1;
      const value = impulse[n]! * weight;
      re += value * rotRe;
      im += value * rotIm;
      const nextRe = rotRe * stepRe - rotIm * stepIm;
      rotIm = rotRe * stepIm + rotIm * stepRe;
      rotRe = nextRe;
    }
    power[i] = re * re + im * im;
  }
  return power;
}

function sideLength(seconds: number, sampleRate: number, side: string): number {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) invalid(`${side} window must be >= 0 s, got ${seconds}`);
  return Math.round(seconds * sampleRate);
}

function invalid(message: string): never {
  throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', message);
}
