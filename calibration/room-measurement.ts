import { LatheError } from '../engine/index.ts';
import type { SampleArray } from './sample-array.ts';
import { arrivalTime } from './arrival-time.ts';
import { bandLevelDb, LEVEL_BAND_HZ } from './band-level.ts';
import { estimateSweepParameters, type SweepParameters } from './exponential-sweep.ts';
import type { FrequencyResponse } from './frequency-response.ts';
import {
  frequencyDependentWindowPower,
  windowImpulse,
  type FrequencyDependentWindowOptions,
  type ImpulseWindowOptions,
} from './impulse-window.ts';
import { GRID_POINTS_PER_OCTAVE, logFrequencyGrid } from './log-frequency-grid.ts';
import { micResponseDb, type MicCalibration } from './mic-calibration.ts';
import { smoothPowerSpectrum, smoothResponse, type Smoothing } from './octave-smoothing.ts';
import { nextPowerOfTwo, powerSpectrum } from './power-spectrum.ts';
import {
  assertNotClipped,
  assertNotSilent,
  assertSweepPresent,
  noiseFloorDb,
  recordingLevels,
} from './recording-checks.ts';
import { deconvolveSweep, lowCutPower, type HarmonicImpulse } from './sweep-deconvolution.ts';

export interface ResponseOptions {
  /**
   * Fixed IR window around the peak. Defaults: 125 ms left, 500 ms right, Tukey 0.25 (REW's).
   * analyzeRoomMeasurement stops the left window half way to the second harmonic (L ln 2 / 2,
   * 45 ms for a 1 s sweep), which would otherwise lie inside it once the peak is late enough.
   */
  readonly window?: ImpulseWindowOptions;
  /**
   * Frequency-dependent window instead of the fixed one (true: 15 cycles). The fixed window's
   * left and right lengths still cap it. Default off.
   */
  readonly frequencyDependentWindow?: boolean | FrequencyDependentWindowOptions;
  /** Default `variable` (1/48 octave below 100 Hz to 1/3 above 10 kHz): REW's choice for responses to be equalised. */
  readonly smoothing?: Smoothing;
  /** Output grid. Default 20 Hz-20 kHz at 48 points per octave. */
  readonly startHz?: number;
  readonly endHz?: number;
  readonly pointsPerOctave?: number;
  /** Taken out of the response (its response is subtracted). */
  readonly micCalibration?: MicCalibration;
  /** Band for `levelDb`. Default 500 Hz-2 kHz. */
  readonly levelBandHz?: readonly [number, number];
  /**
   * The deconvolution's low cut (SweepDeconvolution.lowCutHz), divided back out of the magnitude
   * (at most 20 dB of it, far below the sweep's start). Default none.
   */
  readonly lowCutHz?: number;
  /**
   * Where the impulse holds a measurement (SweepDeconvolution.measuredBandHz): smoothing bands
   * are cut to it, and to where the low cut's compensation is exact. Default: the whole spectrum.
   */
  readonly measuredBandHz?: readonly [number, number];
}

export interface RoomMeasurementInput extends ResponseOptions {
  readonly sweep: SampleArray;
  readonly sweepRate: number;
  /** The microphone channel, from the moment the sweep's first sample was played. */
  readonly recording: SampleArray;
  readonly recordingRate: number;
  /** Loopback channel recorded alongside (same rate and length as the recording). */
  readonly loopback?: SampleArray;
  /** The sweep's parameters when known (from generateExponentialSweep); else read from the sweep's samples. */
  readonly sweepParameters?: SweepParameters;
  /** How the arrival is found. Default `peak` (REW's default). */
  readonly arrival?: 'peak' | 'onset';
  /** Highest harmonic separated. Default 5. */
  readonly highestHarmonic?: number;
}

export interface RoomMeasurement {
  readonly sampleRate: number;
  /**
   * Arrival of the sound, samples (sub-sample, windowed-sinc peak interpolation). With a loopback
   * it is the acoustic path alone, counted from the loopback's arrival. Without one it is counted
   * from the recording's first sample, taken to be the moment the sweep's first sample was
   * played: it then includes the interface's output and input latency.
   */
  readonly delaySamples: number;
  readonly delayMs: number;
  /** Level of the (mic-corrected) response over the level band, dB re a unity path (see bandLevelDb). */
  readonly levelDb: number;
  /** Recording's noise floor before and after the sweep, dB FS RMS; null when there is too little of it to read. */
  readonly noiseFloorDb: number | null;
  /** How far the recording's peak sits below full scale, dB. */
  readonly headroomDb: number;
  readonly peakDbfs: number;
  /** Magnitude at the grid points (default 1/48 octave, 20 Hz-20 kHz), smoothed as `smoothing` says. */
  readonly response: FrequencyResponse;
  readonly smoothing: Smoothing;
  /** The linear impulse response, sample 0 at the timing reference (see delaySamples), unwindowed. */
  readonly impulse: Float64Array;
  /** Index of the impulse's largest sample. */
  readonly peakIndex: number;
  readonly harmonics: readonly HarmonicImpulse[];
  /** With a loopback: its arrival after the sweep's first sample (the interface's round trip), samples; else null. */
  readonly loopbackDelaySamples: number | null;
  readonly sweepParameters: SweepParameters;
  /** Things worth telling the engineer that do not stop the analysis (low headroom, no noise reading). */
  readonly warnings: readonly string[];
}

/** REW's advice: at least 6 dB between the recording's peak and full scale. */
const MIN_HEADROOM_DB = 6;

/**
 * Analyses one sweep measurement: checks the recording (clipping, silence), deconvolves it (with
 * the loopback as timing and response reference when given), finds the arrival, windows the
 * impulse response around its peak, takes the microphone out, smooths onto the grid and reads
 * level, noise floor and headroom.
 */
export function analyzeRoomMeasurement(input: RoomMeasurementInput): RoomMeasurement {
  const { sweep, recording, loopback } = input;
  if (input.sweepRate !== input.recordingRate) {
    invalid(
      `the sweep is at ${input.sweepRate} Hz and the recording at ${input.recordingRate} Hz: they must share one rate`,
    );
  }
  const sampleRate = input.recordingRate;
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate))
    invalid(`sample rate must be positive, got ${sampleRate}`);
  checkSamples(sweep, 'sweep');
  checkSamples(recording, 'recording');
  if (recording.length < sweep.length) {
    invalid(`the recording (${recording.length} samples) is shorter than the sweep (${sweep.length})`);
  }
  if (loopback !== undefined) {
    checkSamples(loopback, 'loopback');
    if (loopback.length !== recording.length) {
      invalid(
        `the loopback has ${loopback.length} samples and the recording ${recording.length}: they must be recorded together`,
      );
    }
  }
  const sweepParameters = input.sweepParameters ?? estimateSweepParameters(sweep, sampleRate);
  if (sweepParameters.sampleRate !== sampleRate) {
    invalid(
      `the sweep parameters are for ${sweepParameters.sampleRate} Hz, the recording is at ${sampleRate} Hz`,
    );
  }

  assertNotClipped(recording);
  assertNotSilent(recording);
  if (loopback !== undefined) {
    assertNotClipped(loopback);
    assertNotSilent(loopback);
  }
  const levels = recordingLevels(recording);

  const deconvolution = deconvolveSweep({
    sweep,
    recording,
    sweepParameters,
    ...(loopback === undefined ? {} : { loopback }),
    ...(input.highestHarmonic === undefined ? {} : { highestHarmonic: input.highestHarmonic }),
  });
  const { linear, peakIndex } = deconvolution;
  // The noise is read where the recording covers the whole sweep (at least 50 ms of impulse).
  assertSweepPresent(linear, Math.max(recording.length - sweep.length, Math.round(0.05 * sampleRate)));

  // The second harmonic's response lies L ln 2 before the peak: the left window stops half way.
  const leftSeconds = Math.min(
    input.window?.leftSeconds ?? 0.125,
    (sweepParameters.rateSeconds * Math.LN2) / 2,
  );
  const window = { ...input.window, leftSeconds };
  const delaySamples = arrivalTime(linear, {
    method: input.arrival ?? 'peak',
    start: input.arrival === 'onset' ? Math.max(0, peakIndex - Math.round(leftSeconds * sampleRate)) : 0,
  });
  const { response, levelDb, smoothing } = responseFromImpulse(linear, peakIndex, sampleRate, {
    ...input,
    window,
    lowCutHz: deconvolution.lowCutHz,
    measuredBandHz: deconvolution.measuredBandHz,
  });

  const arrivalInRecording = (deconvolution.loopbackDelaySamples ?? 0) + delaySamples;
  const noiseFloor = noiseFloorDb(recording, arrivalInRecording, sweep.length, sampleRate, {
    decaySeconds: input.window?.rightSeconds ?? 0.5,
  });
  const warnings: string[] = [];
  if (levels.headroomDb < MIN_HEADROOM_DB) {
    warnings.push(
      `headroom ${levels.headroomDb.toFixed(1)} dB is below ${MIN_HEADROOM_DB} dB: lower the level to keep clear of clipping`,
    );
  }
  if (noiseFloor === null) {
    warnings.push('no noise floor reading: record some silence before the sweep arrives or after it ends');
  }
  return {
    sampleRate,
    delaySamples,
    delayMs: (delaySamples / sampleRate) * 1000,
    levelDb,
    noiseFloorDb: noiseFloor,
    headroomDb: levels.headroomDb,
    peakDbfs: levels.peakDbfs,
    response,
    smoothing,
    impulse: linear,
    peakIndex,
    harmonics: deconvolution.harmonics,
    loopbackDelaySamples: deconvolution.loopbackDelaySamples,
    sweepParameters,
    warnings,
  };
}

/**
 * The magnitude response of an impulse response around `referenceIndex` (its peak): windowed
 * (fixed, or frequency-dependent), microphone taken out bin by bin, smoothed onto the grid; and
 * its level over the level band (from the fixed window's spectrum, mic-corrected).
 */
export function responseFromImpulse(
  impulse: SampleArray,
  referenceIndex: number,
  sampleRate: number,
  options: ResponseOptions = {},
): { response: FrequencyResponse; levelDb: number; smoothing: Smoothing } {
  const smoothing = options.smoothing ?? 'variable';
  const hz = logFrequencyGrid(
    options.startHz ?? 20,
    options.endHz ?? 20000,
    options.pointsPerOctave ?? GRID_POINTS_PER_OCTAVE,
  );
  if (hz[hz.length - 1]! > sampleRate / 2) {
    invalid(
      `the response grid reaches ${hz[hz.length - 1]} Hz, above the ${sampleRate / 2} Hz Nyquist frequency`,
    );
  }
  const windowed = windowImpulse(impulse, referenceIndex, sampleRate, options.window);
  // Zero-padded 4x: bins four times finer than the window resolves, for smoothing's band edges.
  const size = nextPowerOfTwo(4 * windowed.samples.length);
  const binHz = sampleRate / size;
  const power = powerSpectrum(windowed.samples, size);
  const { lowCutHz, micCalibration } = options;
  if (lowCutHz !== undefined) {
    for (let k = 0; k < power.length; k++) power[k]! /= Math.max(lowCutPower(lowCutHz, k * binHz), 0.01);
  }
  if (micCalibration !== undefined) {
    const binFrequencies = Float64Array.from({ length: power.length }, (_, k) => k * binHz);
    const mic = micResponseDb(micCalibration, binFrequencies);
    for (let k = 0; k < power.length; k++) power[k]! *= 10 ** (-mic[k]! / 10);
  }
  const [lowHz, highHz] = options.levelBandHz ?? LEVEL_BAND_HZ;
  const levelDb = bandLevelDb(power, binHz, lowHz, highHz);

  const fdw = options.frequencyDependentWindow ?? false;
  if (fdw === false) {
    const [measuredLow, measuredHigh] = options.measuredBandHz ?? [0, Infinity];
    // The low cut is divided out exactly down to 0.75 of its corner (where it reaches -20 dB).
    const limits: [number, number] = [
      Math.max(measuredLow, lowCutHz === undefined ? 0 : 0.75 * lowCutHz),
      measuredHigh,
    ];
    return {
      response: { hz, db: smoothPowerSpectrum(power, binHz, hz, smoothing, limits) },
      levelDb,
      smoothing,
    };
  }

  const fdwPower = frequencyDependentWindowPower(impulse, referenceIndex, sampleRate, hz, {
    ...(fdw === true ? {} : fdw),
    ...(options.window?.leftSeconds === undefined ? {} : { leftSeconds: options.window.leftSeconds }),
    ...(options.window?.rightSeconds === undefined ? {} : { rightSeconds: options.window.rightSeconds }),
  });
  const mic = micCalibration === undefined ? null : micResponseDb(micCalibration, hz);
  const db = fdwPower.map((p, i) => {
    const lowCut = lowCutHz === undefined ? 1 : Math.max(lowCutPower(lowCutHz, hz[i]!), 0.01);
    return 10 * Math.log10(Math.max(p / lowCut, 1e-30)) - (mic?.[i] ?? 0);
  });
  return { response: smoothResponse({ hz, db }, smoothing), levelDb, smoothing };
}

function checkSamples(samples: SampleArray, what: string): void {
  if (samples.length === 0) invalid(`the ${what} is empty`);
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) invalid(`the ${what} holds a non-finite sample at ${i}`);
  }
}

function invalid(message: string): never {
  throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', message);
}
