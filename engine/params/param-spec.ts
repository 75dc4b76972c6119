import { SILENCE_DB } from '../dsp/decibels.ts';

export type ParamUnit = 'dB' | 'Hz' | 'ratio' | 'ms' | 's' | 'Q' | '%' | 'bpm' | 'pan' | 'bool' | 'enum';

/**
 * How a normalized control position 0..1 maps to the plain value.
 * - linear: evenly across min..max
 * - log: evenly in log(value) (frequencies, times)
 * - faderdB: Ardour's fader law on the gain coefficient: pos = ((6*log2(g) + 192) / 198)^8,
 *   +6 dB at the top, 0 dB near 78 %; min (SILENCE_DB) maps to 0
 * - stepped: `steps` evenly spaced values (bool = 2 steps), thresholds halfway
 */
export type Taper = 'linear' | 'log' | 'faderdB' | 'stepped';

export interface ParamSpec {
  /** Stable id, X32 style: `strip/01/fader`, `master/mute`. Used on the wire, in sessions, in mappings. */
  readonly id: string;
  readonly label: string;
  readonly unit: ParamUnit;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly taper: Taper;
  /** Number of positions for the stepped taper. */
  readonly steps?: number;
  /** Names of the values of an `enum` parameter (stepped taper, value = index). */
  readonly choices?: readonly string[];
  /** Time constant of the audio-side smoothing; 0 for none. */
  readonly smoothingMs: number;
}

const LOG2_OF_10_OVER_20 = Math.log2(10) / 20;

/** Clamps a plain value into the spec's range; non-finite values are rejected by the caller. */
export function clampToSpec(spec: ParamSpec, value: number): number {
  const clamped = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.taper === 'stepped') {
    const steps = spec.steps ?? 2;
    const stepSize = (spec.max - spec.min) / (steps - 1);
    return spec.min + Math.round((clamped - spec.min) / stepSize) * stepSize;
  }
  return clamped;
}

/** Plain value -> normalized position 0..1 (for surfaces and the panel only). */
export function toNormalized(spec: ParamSpec, value: number): number {
  const v = clampToSpec(spec, value);
  switch (spec.taper) {
    case 'linear':
    case 'stepped':
      return spec.max === spec.min ? 0 : (v - spec.min) / (spec.max - spec.min);
    case 'log':
      return Math.log(v / spec.min) / Math.log(spec.max / spec.min);
    case 'faderdB': {
      if (v <= SILENCE_DB) return 0;
      // 6*log2(g) with g = 10^(dB/20)
      const base = (6 * v * LOG2_OF_10_OVER_20 + 192) / 198;
      return base <= 0 ? 0 : Math.min(1, Math.pow(base, 8));
    }
  }
}

/** Normalized position 0..1 -> plain value, clamped to the spec. */
export function fromNormalized(spec: ParamSpec, position: number): number {
  const p = Math.min(1, Math.max(0, position));
  switch (spec.taper) {
    case 'linear':
    case 'stepped':
      return clampToSpec(spec, spec.min + p * (spec.max - spec.min));
    case 'log':
      return clampToSpec(spec, spec.min * Math.pow(spec.max / spec.min, p));
    case 'faderdB': {
      if (p <= 0) return spec.min;
      const log2Gain = (Math.pow(p, 1 / 8) * 198 - 192) / 6;
      return clampToSpec(spec, log2Gain / LOG2_OF_10_OVER_20);
    }
  }
}
