/**
 * Magnitude responses of the EQs and the multiband crossover, computed from the processors' own
 * designs (the same functions that make the audio coefficients), for the panel's curves.
 * Main thread, plain numbers; values are read through `readValue` by parameter id.
 */
import {
  BIQUAD_COEFFICIENTS,
  BUTTERWORTH_Q,
  CHANNEL_EQ_PARAMS,
  MASTERING_EQ_PARAMS,
  MULTIBAND_BANDS,
  biquadMagnitude,
  channelEqMagnitude,
  designHighpass,
  designLowpass,
  gainToDb,
  masteringEqMagnitude,
} from '../../engine/index.ts';

export interface ResponseCurve {
  /** Processor prefix, as in the parameter ids: `strip/01/eq`, `master/eq`, `master/multiband`. */
  readonly processor: string;
  readonly sampleRate: number;
  /** Log-spaced, 20 Hz to 20 kHz (or just below Nyquist). */
  readonly frequencies: number[];
  /** dB per frequency, by name: `eq`; `mid` and `side`; `low`, `mid` and `high`. */
  readonly curves: Record<string, number[]>;
  /** Frequencies to mark (the crossover points), Hz. */
  readonly markers: number[];
}

export type ReadValue = (id: string) => number;

const LOW_HZ = 20;
const HIGH_HZ = 20000;
/** dB of a magnitude, floored so a deep notch or a pass filter's stop band stays a finite number. */
const FLOOR_DB = -120;

const STRIP_EQ = /^(strip\/\d{2,})\/eq$/;

/** Which processors have a curve: `strip/NN/eq`, `master/eq`, `master/multiband`. */
export function curveKind(processor: string): 'channel-eq' | 'mastering-eq' | 'multiband' | null {
  if (STRIP_EQ.test(processor)) return 'channel-eq';
  if (processor === 'master/eq') return 'mastering-eq';
  if (processor === 'master/multiband') return 'multiband';
  return null;
}

/** The parameter ids a curve is computed from (the client refetches when one of them changes). */
export function curveParamIds(processor: string): string[] {
  switch (curveKind(processor)) {
    case 'channel-eq': {
      // The channel EQ's keys sit at the strip's own level (`strip/01/hpf/on`, `strip/01/eq/1/gain`).
      const owner = processor.slice(0, -'/eq'.length);
      return CHANNEL_EQ_PARAMS.map((template) => `${owner}/${template.key}`);
    }
    case 'mastering-eq':
      return MASTERING_EQ_PARAMS.map((template) => `master/eq/${template.key}`);
    case 'multiband':
      return ['master/multiband/low-mid', 'master/multiband/mid-high'];
    case null:
      return [];
  }
}

export function logFrequencies(points: number, sampleRate: number): number[] {
  const high = Math.min(HIGH_HZ, 0.49 * sampleRate);
  const ratio = Math.log(high / LOW_HZ);
  return Array.from({ length: points }, (_, i) => LOW_HZ * Math.exp((ratio * i) / (points - 1)));
}

function toDb(magnitude: number): number {
  return Math.max(FLOOR_DB, gainToDb(magnitude));
}

/** The curve of `processor` for the current values; null when it has none (see curveKind). */
export function responseCurve(
  processor: string,
  readValue: ReadValue,
  points: number,
  sampleRate: number,
): ResponseCurve | null {
  const kind = curveKind(processor);
  if (kind === null) return null;
  const frequencies = logFrequencies(points, sampleRate);
  const values = new Float64Array(curveParamIds(processor).map(readValue));
  const curve = (magnitude: (f: number) => number): number[] => frequencies.map((f) => toDb(magnitude(f)));
  switch (kind) {
    case 'channel-eq':
      return {
        processor,
        sampleRate,
        frequencies,
        curves: { eq: curve((f) => channelEqMagnitude(values, 0, f, sampleRate)) },
        markers: [],
      };
    case 'mastering-eq':
      return {
        processor,
        sampleRate,
        frequencies,
        curves: {
          mid: curve((f) => masteringEqMagnitude(values, 0, 'mid', f, sampleRate)),
          side: curve((f) => masteringEqMagnitude(values, 0, 'side', f, sampleRate)),
        },
        markers: [],
      };
    case 'multiband':
      return multibandCurve(processor, values[0]!, values[1]!, frequencies, sampleRate);
  }
}

/**
 * The LR4 bands as LinkwitzRileySplitter3 builds them: low = LP(fc1)^2 (times an all-pass),
 * mid = HP(fc1)^2 LP(fc2)^2, high = HP(fc1)^2 HP(fc2)^2, each section a Butterworth cookbook
 * design at Q = 1/sqrt 2.
 */
function multibandCurve(
  processor: string,
  lowMidHz: number,
  midHighHz: number,
  frequencies: number[],
  sampleRate: number,
): ResponseCurve {
  const c = new Float64Array(4 * BIQUAD_COEFFICIENTS);
  designLowpass(c, 0, lowMidHz, BUTTERWORTH_Q, sampleRate);
  designHighpass(c, BIQUAD_COEFFICIENTS, lowMidHz, BUTTERWORTH_Q, sampleRate);
  designLowpass(c, 2 * BIQUAD_COEFFICIENTS, midHighHz, BUTTERWORTH_Q, sampleRate);
  designHighpass(c, 3 * BIQUAD_COEFFICIENTS, midHighHz, BUTTERWORTH_Q, sampleRate);
  const section = (k: number, f: number): number =>
    biquadMagnitude(c, k * BIQUAD_COEFFICIENTS, f, sampleRate) ** 2;
  const bands: Record<(typeof MULTIBAND_BANDS)[number], (f: number) => number> = {
    low: (f) => section(0, f),
    mid: (f) => section(1, f) * section(2, f),
    high: (f) => section(1, f) * section(3, f),
  };
  const curves: Record<string, number[]> = {};
  for (const band of MULTIBAND_BANDS) curves[band] = frequencies.map((f) => toDb(bands[band](f)));
  return { processor, sampleRate, frequencies, curves, markers: [lowMidHz, midHighHz] };
}
