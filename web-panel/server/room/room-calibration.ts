import { createHash } from 'node:crypto';
import {
  CALIBRATION_BAND_HZ,
  CALIBRATION_FORMAT,
  CALIBRATION_NOISE_DBFS,
  CALIBRATION_VERSION,
  FULL_BAND_HZ,
  TARGET_NAMES,
  alignmentDelays,
  analyzeRoomMeasurement,
  assertNotClipped,
  assertNotSilent,
  calibrateSpl,
  checkCalibrationProfile,
  fitCorrection,
  flatTarget,
  generateExponentialSweep,
  namedTarget,
  parseCalibrationProfile,
  pinkNoise,
  powerAverage,
  recordingLevels,
  serializeCalibrationProfile,
  type CalibrationProfile,
  type CorrectionFit,
  type FrequencyResponse,
  type MicCalibration,
  type SplCalibration,
} from '../../../calibration/index.ts';
import {
  LatheError,
  applyCalibrationProfile,
  isLatheError,
  type Engine,
  type ErrorCode,
} from '../../../engine/index.ts';
import type { SessionStore } from '../../../sessions/index.ts';
import { correctedStimulus, type CorrectionSpeaker } from './corrected-stimulus.ts';
import { dbList, flatnessRmsDb, hzList, round } from './room-curves.ts';

/** What the room wizard needs from the engine (the real Engine satisfies it). */
export type RoomEngine = Pick<Engine, 'measure' | 'status' | 'params'>;
/** Where profiles are kept (the session store satisfies it). */
export type CalibrationProfileStore = Pick<
  SessionStore,
  'putCalibrationProfile' | 'calibrationProfile' | 'listCalibrationProfiles'
>;

export interface RoomSpeaker {
  /** Device output, 0-based. */
  readonly output: number;
  readonly name: string;
}

export interface RoomSetup {
  readonly speakers: readonly RoomSpeaker[];
  /** Device input of the measurement microphone, 0-based. */
  readonly micInput: number;
  readonly micName: string;
  readonly micCalibration: MicCalibration | null;
  readonly micCalFile: string | null;
}

export interface LevelCheck {
  readonly speaker: number;
  readonly output: number;
  /** RMS of the recorded noise after its ramp, dB FS AES17 (a full-scale sine reads 0). */
  readonly rmsDbfs: number | null;
  readonly peakDbfs: number | null;
  readonly headroomDb: number | null;
  readonly pass: boolean;
  /** Why it failed (SILENT, TOO_QUIET, CLIPPED), with the engineer's next step. */
  readonly code?: ErrorCode;
  readonly message: string;
}

interface PositionTake {
  readonly response: FrequencyResponse;
  readonly delayMs: number;
  readonly levelDb: number;
  readonly headroomDb: number;
  readonly noiseFloorDb: number | null;
}

export interface FitOptions {
  readonly target: string;
  readonly matchRangeHz?: readonly [number, number];
  readonly maxBoostDb?: number;
  readonly toleranceDb: number;
}

export interface SplReadingInput {
  readonly speaker: number;
  readonly splDb: number;
}

/** The sweep's level (REW's default): its peaks sit at -9 dB FS, inside Engine.measure's -3 limit. */
export const SWEEP_LEVEL_DBFS = -12;
/** Recording kept after the stimulus for the round trip and the room's decay. */
export const TAIL_SECONDS = 0.5;
/** Level check and SPL noise: -20 dB FS RMS (AES17) pink noise, the K-20 reference level. */
export const CHECK_NOISE_DBFS = CALIBRATION_NOISE_DBFS;
/**
 * Quietest microphone level (dB FS RMS, AES17) the level check passes for the -20 dB FS noise:
 * the sweep plays 8 dB louder, so it then lands at -42 dB FS or more, some 50 dB above a typical
 * interface's noise floor, which the deconvolution's gain turns into a clean response.
 */
export const MIN_MIC_LEVEL_DBFS = -50;
/** AES17 RMS reads a signal's plain 20 log10(rms) + 3.01 dB (a full-scale sine reads 0 dB FS). */
const AES17_OFFSET_DB = 10 * Math.log10(2);
const RAMP_SECONDS = 0.25;
/** Band the before/after flatness is read over by default: the correction's default match range. */
export const COMPARE_BAND_HZ: readonly [number, number] = [20, 500];

function notReady(message: string): LatheError {
  return new LatheError('LATHE_ROOM_STEP_NOT_READY', message);
}

/** The profile id the CLI's `lathe room correct --save-profile` uses too: the same name replaces. */
export function profileIdFor(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 16);
}

/**
 * The room calibration wizard on the running console (one at a time: one microphone, one room):
 * setup, level check, sweeps per speaker and position, correction fit, apply to the monitor
 * path, SPL calibration, save; and a before/after comparison of a saved profile. Measurements
 * run through Engine.measure and answer when done; a second one while one runs is refused with
 * LATHE_MEASUREMENT_BUSY (the event loop stays free: the engine waits on Atomics.waitAsync).
 */
export class RoomCalibration {
  private readonly engine: RoomEngine;
  private readonly store: CalibrationProfileStore | undefined;
  private setupState: RoomSetup | null = null;
  private levelChecks = new Map<number, LevelCheck>();
  private takes: PositionTake[][] = [];
  private fits: CorrectionFit[] | null = null;
  private fitOptions: FitOptions | null = null;
  private spl: { calibration: SplCalibration; readings: readonly SplReadingInput[] } | null = null;
  private applied = false;
  private busy = false;

  constructor(engine: RoomEngine, store?: CalibrationProfileStore) {
    this.engine = engine;
    this.store = store;
  }

  get sampleRate(): number {
    return this.engine.status().sampleRate;
  }

  /** Channels the device offers and what the wizard holds so far. */
  state(): Record<string, unknown> {
    const status = this.engine.status();
    const setup = this.setupState;
    return {
      device: {
        backend: status.backend,
        name: status.device,
        sampleRate: status.sampleRate,
        inputChannels: status.inputChannels,
        outputChannels: status.outputChannels,
      },
      busy: this.busy,
      setup:
        setup === null
          ? null
          : {
              speakers: setup.speakers,
              micInput: setup.micInput,
              micName: setup.micName,
              micCalFile: setup.micCalFile,
            },
      levelChecks: [...this.levelChecks.values()],
      positions: this.takes.map((takes) => takes.length),
      fitted: this.fits !== null,
      applied: this.applied,
      spl: this.spl === null ? null : this.splJson(),
      profilesAvailable: this.store !== undefined,
      targets: TARGET_NAMES,
    };
  }

  /** Step 1: speakers, microphone and its calibration; starts the wizard afresh. */
  setup(setup: RoomSetup): Record<string, unknown> {
    this.refuseWhileBusy();
    const status = this.engine.status();
    const monitorSpeakers = Math.min(status.outputChannels, 8);
    const outputs = new Set<number>();
    setup.speakers.forEach((speaker, index) => {
      if (speaker.output >= monitorSpeakers) {
        throw new LatheError(
          'LATHE_MEASUREMENT_INVALID',
          `speaker ${index + 1}: output ${speaker.output + 1} is not one of the ${monitorSpeakers} outputs the monitor path can correct on this device`,
        );
      }
      if (outputs.has(speaker.output)) {
        throw new LatheError(
          'LATHE_MEASUREMENT_INVALID',
          `speaker ${index + 1}: output ${speaker.output + 1} is chosen twice`,
        );
      }
      outputs.add(speaker.output);
    });
    if (setup.micInput >= status.inputChannels) {
      throw new LatheError(
        'LATHE_MEASUREMENT_INVALID',
        `microphone input ${setup.micInput + 1} does not exist (the device has ${status.inputChannels} inputs)`,
      );
    }
    this.setupState = setup;
    this.levelChecks = new Map();
    this.takes = setup.speakers.map(() => []);
    this.fits = null;
    this.fitOptions = null;
    this.spl = null;
    this.applied = false;
    return this.state();
  }

  /** Step 2: pink noise at -20 dB FS on one speaker; the microphone's level, pass or fail. */
  async levelCheck(speaker: number, seconds: number): Promise<LevelCheck> {
    const setup = this.needSetup();
    const chosen = this.speakerOf(setup, speaker);
    const rate = this.sampleRate;
    const frames = Math.round(seconds * rate);
    const ramp = Math.min(RAMP_SECONDS, seconds / 4);
    const noise = pinkNoise({
      sampleRate: rate,
      frames,
      lowHz: FULL_BAND_HZ.lowHz,
      highHz: Math.min(FULL_BAND_HZ.highHz, 0.45 * rate),
      levelDbfs: CHECK_NOISE_DBFS,
      rampSeconds: ramp,
    });
    const recording = await this.measure(noise, chosen.output, setup.micInput, 0);
    // Past the ramp (and the round trip, well inside it) the noise plays at its full level.
    const steady = recording.subarray(Math.round(ramp * rate), frames);
    const result = (
      pass: boolean,
      message: string,
      code?: ErrorCode,
      levels = recordingLevels(steady),
    ): LevelCheck => ({
      speaker,
      output: chosen.output,
      rmsDbfs: finiteOrNull(levels.rmsDbfs + AES17_OFFSET_DB, 1),
      peakDbfs: finiteOrNull(levels.peakDbfs, 1),
      headroomDb: finiteOrNull(levels.headroomDb, 1),
      pass,
      message,
      ...(code === undefined ? {} : { code }),
    });
    let check: LevelCheck;
    try {
      assertNotSilent(recording);
      assertNotClipped(recording);
      const levels = recordingLevels(steady);
      const rms = levels.rmsDbfs + AES17_OFFSET_DB;
      check =
        rms < MIN_MIC_LEVEL_DBFS
          ? result(
              false,
              `the microphone records the noise at ${rms.toFixed(1)} dB FS, below ${MIN_MIC_LEVEL_DBFS} dB FS: raise the microphone gain or the speaker level`,
              'LATHE_CALIBRATION_RECORDING_TOO_QUIET',
              levels,
            )
          : result(true, `the microphone records the noise at ${rms.toFixed(1)} dB FS: good to sweep`);
    } catch (error) {
      if (!isLatheError(error)) throw error;
      check = result(false, error.message, error.code);
    }
    this.levelChecks.set(speaker, check);
    return check;
  }

  /** Step 3: one sweep of one speaker at one microphone position (a new one, or again). */
  async sweep(speaker: number, position: number, seconds: number): Promise<Record<string, unknown>> {
    const setup = this.needSetup();
    const chosen = this.speakerOf(setup, speaker);
    const takes = this.takes[speaker]!;
    if (position > takes.length) {
      throw notReady(
        `speaker ${speaker + 1} has ${takes.length} positions: measure position ${takes.length + 1} next`,
      );
    }
    const rate = this.sampleRate;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds, levelDbfs: SWEEP_LEVEL_DBFS });
    const stimulus = Float32Array.from(sweep.samples);
    const recording = await this.measure(stimulus, chosen.output, setup.micInput, TAIL_SECONDS);
    const analysis = analyzeRoomMeasurement({
      sweep: stimulus,
      sweepRate: rate,
      recording,
      recordingRate: rate,
      sweepParameters: sweep,
      ...(setup.micCalibration === null ? {} : { micCalibration: setup.micCalibration }),
    });
    const take: PositionTake = {
      response: analysis.response,
      delayMs: analysis.delayMs,
      levelDb: analysis.levelDb,
      headroomDb: analysis.headroomDb,
      noiseFloorDb:
        analysis.noiseFloorDb === null || !Number.isFinite(analysis.noiseFloorDb)
          ? null
          : analysis.noiseFloorDb,
    };
    takes[position] = take;
    // A new measurement makes the fit (and what was applied from it) out of date.
    this.fits = null;
    return {
      speaker,
      output: chosen.output,
      position,
      positions: takes.length,
      delayMs: round(take.delayMs, 3),
      levelDb: round(take.levelDb, 2),
      headroomDb: round(take.headroomDb, 1),
      noiseFloorDb: take.noiseFloorDb === null ? null : round(take.noiseFloorDb, 1),
      warnings: analysis.warnings,
      response: { hz: hzList(take.response.hz), db: dbList(take.response.db) },
    };
  }

  /**
   * Step 3, undone: forgets microphone position `position` (0-based) of every speaker that has
   * it, so it leaves the average; later positions move down by one. Refused while a measurement
   * runs (its result would land at a moved index). The fit is out of date afterwards.
   */
  removePosition(position: number): Record<string, unknown> {
    this.needSetup();
    this.refuseWhileBusy();
    const most = Math.max(0, ...this.takes.map((takes) => takes.length));
    if (!Number.isInteger(position) || position < 0 || position >= most) {
      throw new LatheError(
        'LATHE_MESSAGE_INVALID',
        most === 0
          ? `no position ${position + 1}: nothing has been measured yet`
          : `no position ${position + 1}: positions 1 to ${most} have been measured`,
      );
    }
    for (const takes of this.takes) if (position < takes.length) takes.splice(position, 1);
    this.fits = null;
    return { removed: position, positions: this.takes.map((takes) => takes.length) };
  }

  /** Step 4: average each speaker's positions and fit its correction; the plots' curves. */
  fit(options: FitOptions): Record<string, unknown> {
    const setup = this.needSetup();
    const target = options.target === 'flat' ? flatTarget() : namedTarget(options.target);
    if (target === undefined) {
      throw new LatheError('LATHE_CALIBRATION_TARGET_INVALID', `"${options.target}" is not a known target`);
    }
    const rate = this.sampleRate;
    const fits = setup.speakers.map((speaker, index) => {
      const takes = this.takes[index]!;
      if (takes.length === 0) throw notReady(`speaker ${index + 1} (${speaker.name}) has not been swept yet`);
      return fitCorrection(this.averaged(index), {
        target,
        sampleRate: rate,
        ...(options.matchRangeHz === undefined ? {} : { matchRangeHz: options.matchRangeHz }),
        ...(options.maxBoostDb === undefined ? {} : { maxBoostDb: options.maxBoostDb }),
      });
    });
    this.fits = fits;
    this.fitOptions = options;
    return this.plots();
  }

  /** The fitted curves (measured, target, predicted = measured + correction, tolerance band). */
  plots(): Record<string, unknown> {
    const setup = this.needSetup();
    const fits = this.needFits();
    const tolerance = this.fitOptions!.toleranceDb;
    return {
      target: this.fitOptions!.target,
      toleranceDb: tolerance,
      speakers: fits.map((fit, index) => {
        const speaker = setup.speakers[index]!;
        const measured = this.averaged(index);
        return {
          speaker: index,
          output: speaker.output,
          name: speaker.name,
          positions: this.takes[index]!.length,
          hz: hzList(measured.hz),
          measured: dbList(measured.db),
          target: dbList(fit.target.db),
          predicted: dbList(fit.predicted.db),
          toleranceLow: dbList(fit.target.db.map((db) => db - tolerance)),
          toleranceHigh: dbList(fit.target.db.map((db) => db + tolerance)),
          filters: fit.filters,
          preampDb: fit.preampDb,
          matchRangeHz: fit.matchRangeHz,
          residualRmsDb: round(fit.residualRmsDb, 2),
          residualMaxDb: round(fit.residualMaxDb, 2),
          beforeRmsDb: round(fit.beforeRmsDb, 2),
          beforeMaxDb: round(fit.beforeMaxDb, 2),
        };
      }),
    };
  }

  /** Step 5: the correction (and trims once the SPL step is done) onto the monitor path. */
  apply(): Record<string, unknown> {
    const profile = this.draftProfile(undefined);
    let count = 0;
    applyCalibrationProfile(profile, (id, value) => {
      this.engine.params.set(id, value, 'room');
      count++;
    });
    this.applied = true;
    return {
      applied: true,
      params: count,
      speakers: profile.speakers.map((s) => ({
        output: s.output,
        name: s.name,
        filters: s.filters,
        preampDb: s.preampDb,
        delayMs: s.delayMs,
        trimDb: s.trimDb,
      })),
    };
  }

  /** Step 6a: the SPL noise (-20 dB FS, 500 Hz-2 kHz) on one speaker, through its correction. */
  async splNoise(speaker: number, seconds: number): Promise<Record<string, unknown>> {
    const setup = this.needSetup();
    const chosen = this.speakerOf(setup, speaker);
    const rate = this.sampleRate;
    const ramp = Math.min(0.5, seconds / 4);
    let noise = pinkNoise({
      sampleRate: rate,
      frames: Math.round(seconds * rate),
      levelDbfs: CHECK_NOISE_DBFS,
      rampSeconds: ramp,
    });
    const fit = this.fits?.[speaker];
    if (fit !== undefined && this.applied) {
      noise = correctedStimulus(noise, this.correctionOf(chosen.output, fit), rate);
    }
    const recording = await this.measure(noise, chosen.output, setup.micInput, 0);
    const levels = recordingLevels(recording.subarray(Math.round(ramp * rate)));
    return {
      speaker,
      output: chosen.output,
      seconds,
      signalDbfs: CHECK_NOISE_DBFS,
      bandHz: [CALIBRATION_BAND_HZ.lowHz, CALIBRATION_BAND_HZ.highHz],
      corrected: fit !== undefined && this.applied,
      recordedDbfs: finiteOrNull(levels.rmsDbfs + AES17_OFFSET_DB, 1),
    };
  }

  /** Step 6b: the engineer's SPL meter readings -> trims and K-System marks. */
  splCalibration(referenceDb: number, readings: readonly SplReadingInput[]): Record<string, unknown> {
    const setup = this.needSetup();
    const bySpeaker = new Map<number, SplReadingInput>();
    for (const reading of readings) {
      this.speakerOf(setup, reading.speaker);
      if (bySpeaker.has(reading.speaker)) {
        throw new LatheError(
          'LATHE_CALIBRATION_INPUT_INVALID',
          `speaker ${reading.speaker + 1} has two readings`,
        );
      }
      bySpeaker.set(reading.speaker, reading);
    }
    const missing = setup.speakers.findIndex((_, index) => !bySpeaker.has(index));
    if (missing >= 0) throw notReady(`speaker ${missing + 1} has no SPL reading yet`);
    const ordered = setup.speakers.map((_, index) => bySpeaker.get(index)!);
    const calibration = calibrateSpl(
      ordered.map((reading) => ({ kind: 'meter', splDb: reading.splDb })),
      { referenceSplDb: referenceDb },
    );
    this.spl = { calibration, readings: ordered };
    // Trims belong on the monitor path as soon as they are known, if the correction is there.
    if (this.applied && this.fits !== null) this.apply();
    return this.splJson();
  }

  /** Step 7: the calibration as a profile in the store. */
  save(name: string): { id: string; name: string; sha256: string } {
    const store = this.needStore();
    const profile = this.draftProfile(name);
    const document = serializeCalibrationProfile(profile);
    const id = profileIdFor(name);
    const sha256 = createHash('sha256').update(document).digest('hex');
    store.putCalibrationProfile(id, name, document, sha256);
    return { id, name, sha256 };
  }

  listProfiles(): { id: string; name: string; createdAt: string; sha256: string }[] {
    return this.needStore().listCalibrationProfiles();
  }

  profile(id: string): Record<string, unknown> {
    const stored = this.needStore().calibrationProfile(id);
    if (stored === null) {
      throw new LatheError('LATHE_CALIBRATION_PROFILE_NOT_FOUND', `no calibration profile with id "${id}"`);
    }
    return {
      id: stored.id,
      name: stored.name,
      createdAt: stored.createdAt,
      sha256: stored.sha256,
      profile: parseCalibrationProfile(stored.document, `calibration profile "${stored.name}"`),
    };
  }

  /**
   * Before/after: each of a saved profile's speakers (or those on `outputs`) swept plain, then
   * with the profile's correction (see corrected-stimulus.ts), on the same grid.
   */
  async compare(
    id: string,
    micInput: number,
    outputs: readonly number[] | undefined,
    seconds: number,
    bandHz: readonly [number, number] = COMPARE_BAND_HZ,
  ): Promise<Record<string, unknown>> {
    const stored = this.profile(id) as { name: string; profile: CalibrationProfile };
    const status = this.engine.status();
    if (micInput >= status.inputChannels) {
      throw new LatheError(
        'LATHE_MEASUREMENT_INVALID',
        `microphone input ${micInput + 1} does not exist (the device has ${status.inputChannels} inputs)`,
      );
    }
    const speakers = stored.profile.speakers.filter(
      (speaker) => outputs === undefined || outputs.includes(speaker.output),
    );
    if (speakers.length === 0) {
      throw new LatheError(
        'LATHE_MEASUREMENT_INVALID',
        `the profile has no speaker on output ${outputs?.map((o) => o + 1).join(', ')}`,
      );
    }
    for (const speaker of speakers) {
      if (speaker.output >= status.outputChannels) {
        throw new LatheError(
          'LATHE_MEASUREMENT_INVALID',
          `the profile's speaker "${speaker.name}" is on output ${speaker.output + 1}, which this device does not have`,
        );
      }
    }
    const rate = status.sampleRate;
    const mic = this.setupState?.micInput === micInput ? this.setupState.micCalibration : null;
    const sweep = generateExponentialSweep({ sampleRate: rate, seconds, levelDbfs: SWEEP_LEVEL_DBFS });
    const stimulus = Float32Array.from(sweep.samples);
    const analyze = (recording: Float32Array): FrequencyResponse =>
      analyzeRoomMeasurement({
        sweep: stimulus,
        sweepRate: rate,
        recording,
        recordingRate: rate,
        sweepParameters: sweep,
        ...(mic === null ? {} : { micCalibration: mic }),
      }).response;
    const results: Record<string, unknown>[] = [];
    for (const speaker of speakers) {
      const before = analyze(await this.measure(stimulus, speaker.output, micInput, TAIL_SECONDS));
      const corrected = correctedStimulus(stimulus, speaker, rate);
      const after = analyze(await this.measure(corrected, speaker.output, micInput, TAIL_SECONDS));
      results.push({
        output: speaker.output,
        name: speaker.name,
        hz: hzList(before.hz),
        before: dbList(before.db),
        after: dbList(after.db),
        beforeRmsDb: round(flatnessRmsDb(before, bandHz), 2),
        afterRmsDb: round(flatnessRmsDb(after, bandHz), 2),
      });
    }
    return { profile: { id, name: stored.name }, bandHz, speakers: results };
  }

  private splJson(): Record<string, unknown> {
    const spl = this.spl!;
    const setup = this.needSetup();
    return {
      referenceDb: spl.calibration.referenceSplDb,
      speakers: spl.calibration.speakers.map((s, index) => ({
        speaker: index,
        output: setup.speakers[index]!.output,
        readingDb: spl.readings[index]!.splDb,
        splDb: round(s.splDb, 2),
        trimDb: round(s.trimDb, 2),
      })),
      marks: Object.fromEntries(
        Object.entries(spl.calibration.marks).map(([mark, db]) => [mark, round(db, 2)]),
      ),
    };
  }

  /** The calibration so far as a profile (checked against the format). */
  private draftProfile(name: string | undefined): CalibrationProfile {
    const setup = this.needSetup();
    const fits = this.needFits();
    const rate = this.sampleRate;
    // Each speaker's arrival (mean over its positions) in seconds; delays bring all to the latest.
    const arrivals = this.takes.map(
      (takes) => takes.reduce((sum, take) => sum + take.delayMs, 0) / Math.max(1, takes.length) / 1000,
    );
    const delays = alignmentDelays(arrivals, { unit: 'seconds', sampleRate: rate }).map((d) => ({
      delaySamples: round(d.delaySamples, 3),
      // From the rounded samples, so the profile's two forms agree exactly.
      delayMs: (round(d.delaySamples, 3) / rate) * 1000,
    }));
    const spl = this.spl;
    const profile: CalibrationProfile = {
      format: CALIBRATION_FORMAT,
      version: CALIBRATION_VERSION,
      ...(name === undefined ? {} : { name }),
      date: new Date().toISOString(),
      sampleRate: rate,
      microphone: {
        name: setup.micName,
        ...(setup.micCalFile === null ? {} : { calFile: setup.micCalFile }),
      },
      positions: Math.max(1, ...this.takes.map((takes) => takes.length)),
      ...(spl === null
        ? {}
        : {
            spl: {
              referenceDb: spl.calibration.referenceSplDb,
              signalDbfs: CHECK_NOISE_DBFS,
              lowHz: CALIBRATION_BAND_HZ.lowHz,
              highHz: CALIBRATION_BAND_HZ.highHz,
              marks: { ...spl.calibration.marks },
            },
          }),
      speakers: setup.speakers.map((speaker, index) => {
        const fit = fits[index]!;
        const splSpeaker = spl?.calibration.speakers[index];
        return {
          id: `out-${speaker.output + 1}`,
          name: speaker.name,
          output: speaker.output,
          filters: fit.filters,
          preampDb: fit.preampDb,
          delaySamples: delays[index]!.delaySamples,
          delayMs: delays[index]!.delayMs,
          trimDb: splSpeaker === undefined ? 0 : round(splSpeaker.trimDb, 2),
          ...(splSpeaker === undefined
            ? {}
            : { spl: { method: 'meter' as const, splDb: round(splSpeaker.splDb, 2) } }),
          residualRmsDb: round(fit.residualRmsDb, 2),
          residualMaxDb: round(fit.residualMaxDb, 2),
        };
      }),
    };
    return checkCalibrationProfile(profile, 'room calibration');
  }

  private correctionOf(output: number, fit: CorrectionFit): CorrectionSpeaker {
    return { output, filters: fit.filters, preampDb: fit.preampDb, delayMs: 0, trimDb: 0 };
  }

  private averaged(index: number): FrequencyResponse {
    const takes = this.takes[index]!;
    return takes.length === 1 ? takes[0]!.response : powerAverage(takes.map((take) => take.response));
  }

  /** Runs one measurement, refusing a second while one runs (whoever started it). */
  private async measure(
    stimulus: Float32Array,
    output: number,
    input: number,
    tailSeconds: number,
  ): Promise<Float32Array> {
    this.refuseWhileBusy();
    this.busy = true;
    try {
      return await this.engine.measure(stimulus, {
        outputChannels: [output],
        recordChannel: input,
        tailFrames: Math.round(tailSeconds * this.sampleRate),
      });
    } finally {
      this.busy = false;
    }
  }

  private refuseWhileBusy(): void {
    if (this.busy) throw new LatheError('LATHE_MEASUREMENT_BUSY', 'a measurement is already running');
  }

  private needSetup(): RoomSetup {
    if (this.setupState === null) throw notReady('choose the speakers and the microphone first');
    return this.setupState;
  }

  private needFits(): CorrectionFit[] {
    if (this.fits === null) throw notReady('fit the correction first (after the sweeps)');
    return this.fits;
  }

  private needStore(): CalibrationProfileStore {
    if (this.store === undefined) {
      throw new LatheError(
        'LATHE_SESSION_STORE_UNAVAILABLE',
        'the session database is not open, so profiles cannot be stored',
      );
    }
    return this.store;
  }

  private speakerOf(setup: RoomSetup, speaker: number): RoomSpeaker {
    const chosen = setup.speakers[speaker];
    if (chosen === undefined) {
      throw new LatheError(
        'LATHE_MEASUREMENT_INVALID',
        `speaker ${speaker + 1} is not set up (${setup.speakers.length} speakers)`,
      );
    }
    return chosen;
  }
}

function finiteOrNull(value: number, digits: number): number | null {
  return Number.isFinite(value) ? round(value, digits) : null;
}
