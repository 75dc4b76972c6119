import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { TARGET_NAMES, parseMicCalibration } from '../../calibration/index.ts';
import { isLatheError, type ErrorCode } from '../../engine/index.ts';
import {
  RoomBodyError,
  arrayField,
  bodyRecord,
  integerField,
  itemOf,
  numberField,
  rangeField,
  stringField,
  type BodyRecord,
} from './room/room-body.ts';
import {
  RoomCalibration,
  type CalibrationProfileStore,
  type RoomEngine,
  type RoomSpeaker,
} from './room/room-calibration.ts';

export interface RoomDeps {
  readonly engine: RoomEngine;
  /** Where profiles are saved (the session store); absent: the profile routes answer 503. */
  readonly profiles?: CalibrationProfileStore;
}

/** HTTP status per error code; anything not listed is a 400 (the request was wrong). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  LATHE_MEASUREMENT_BUSY: 409,
  LATHE_ROOM_STEP_NOT_READY: 409,
  LATHE_CALIBRATION_PROFILE_NOT_FOUND: 404,
  LATHE_CALIBRATION_RECORDING_SILENT: 422,
  LATHE_CALIBRATION_RECORDING_CLIPPED: 422,
  LATHE_CALIBRATION_RECORDING_TOO_QUIET: 422,
  LATHE_CALIBRATION_INPUT_INVALID: 422,
  LATHE_CALIBRATION_PROFILE_INVALID: 422,
  LATHE_MEASUREMENT_UNSAFE: 422,
  LATHE_ENGINE_STOPPED: 503,
  LATHE_AUDIO_DEVICE_FAILED: 503,
  LATHE_SESSION_STORE_UNAVAILABLE: 503,
  LATHE_SESSION_STORE_NOT_SQLITE: 503,
  LATHE_SESSION_STORE_TOO_NEW: 503,
};

const MAX_CHANNEL = 30;
const MAX_SPEAKERS = 8;
/** A mic calibration file is a few hundred lines; fastify's 1 MiB body limit is the hard cap. */
const MAX_MIC_FILE_CHARS = 512 * 1024;
const SWEEP_SECONDS: readonly [number, number, number] = [0.5, 30, 3];
const CHECK_SECONDS: readonly [number, number, number] = [0.5, 10, 2];
const NOISE_SECONDS: readonly [number, number, number] = [0.5, 120, 10];

function seconds(record: BodyRecord, [min, max, fallback]: readonly [number, number, number]): number {
  return numberField(record, 'seconds', min, max, 's', fallback);
}

function readSetup(raw: unknown): {
  speakers: RoomSpeaker[];
  micInput: number;
  micName: string;
  micCalibration: { name: string; text: string } | null;
} {
  const body = bodyRecord(raw, ['speakers', 'micInput', 'micName', 'micCalibration']);
  const speakers = arrayField(body, 'speakers', MAX_SPEAKERS).map((item, index) =>
    itemOf(item, 'speakers', index, ['output', 'name'], (speaker) => ({
      output: integerField(speaker, 'output', 0, MAX_CHANNEL),
      name: stringField(speaker, 'name', 100, `Output ${index + 1}`),
    })),
  );
  const micInput = integerField(body, 'micInput', 0, MAX_CHANNEL);
  const micName = stringField(body, 'micName', 200, 'Measurement microphone');
  let micCalibration: { name: string; text: string } | null = null;
  if (body['micCalibration'] !== undefined && body['micCalibration'] !== null) {
    micCalibration = itemOf(body['micCalibration'], 'micCalibration', 0, ['name', 'text'], (file) => ({
      name: stringField(file, 'name', 4096),
      text: stringField(file, 'text', MAX_MIC_FILE_CHARS),
    }));
  }
  return { speakers, micInput, micName, micCalibration };
}

/**
 * The room calibration wizard over REST (a Fastify plugin), under /api/room. Measurements answer
 * when done (a sweep takes seconds; the server stays responsive meanwhile); one at a time, a
 * second gets 409 LATHE_MEASUREMENT_BUSY. Bodies are checked strictly; every error is
 * `{code, message}`.
 *
 *   GET  /api/room                  device channels and the wizard's state
 *   PUT  /api/room/setup            {speakers: [{output, name?}], micInput, micName?, micCalibration?: {name, text}}
 *   POST /api/room/level-check      {speaker, seconds?}          -> {pass, code?, message, rmsDbfs, peakDbfs, headroomDb}
 *   POST /api/room/sweep            {speaker, position, seconds?} -> {delayMs, levelDb, response, positions, ...}
 *   DELETE /api/room/positions/:position   (0-based) every speaker's take there -> {removed, positions}
 *   POST /api/room/fit              {target?, matchRangeHz?, maxBoostDb?, toleranceDb?} -> curves per speaker
 *   GET  /api/room/fit              the fitted curves again
 *   POST /api/room/apply            {} -> the monitor path values set
 *   POST /api/room/spl/noise        {speaker, seconds?}          -> plays the SPL noise
 *   POST /api/room/spl              {referenceDb?, readings: [{speaker, splDb}]} -> trims and K marks
 *   GET  /api/room/profiles         saved profiles
 *   POST /api/room/profiles         {name} -> {id, name, sha256}
 *   GET  /api/room/profiles/:id     one profile
 *   POST /api/room/compare          {profile, micInput, outputs?, seconds?, bandHz?} -> before/after per speaker
 */
export const roomRoutes: FastifyPluginCallback<RoomDeps> = (app, { engine, profiles }, done) => {
  const room = new RoomCalibration(engine, profiles);

  const fail = (reply: FastifyReply, error: unknown): FastifyReply => {
    if (error instanceof RoomBodyError)
      return reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message: error.message });
    if (isLatheError(error))
      return reply.code(STATUS[error.code] ?? 400).send({ code: error.code, message: error.message });
    throw error;
  };
  const handle =
    (run: (body: unknown, params: Record<string, string>) => unknown) =>
    async (request: { body: unknown; params: unknown }, reply: FastifyReply): Promise<unknown> => {
      try {
        return await run(request.body, request.params as Record<string, string>);
      } catch (error) {
        return fail(reply, error);
      }
    };

  app.get(
    '/api/room',
    handle(() => room.state()),
  );
  app.put(
    '/api/room/setup',
    handle((raw) => {
      const setup = readSetup(raw);
      const micCalibration =
        setup.micCalibration === null
          ? null
          : parseMicCalibration(setup.micCalibration.text, setup.micCalibration.name);
      return room.setup({
        speakers: setup.speakers,
        micInput: setup.micInput,
        micName: setup.micName,
        micCalibration,
        micCalFile: setup.micCalibration?.name ?? null,
      });
    }),
  );
  app.post(
    '/api/room/level-check',
    handle(async (raw) => {
      const body = bodyRecord(raw, ['speaker', 'seconds']);
      return room.levelCheck(
        integerField(body, 'speaker', 0, MAX_SPEAKERS - 1),
        seconds(body, CHECK_SECONDS),
      );
    }),
  );
  app.post(
    '/api/room/sweep',
    handle(async (raw) => {
      const body = bodyRecord(raw, ['speaker', 'position', 'seconds']);
      return room.sweep(
        integerField(body, 'speaker', 0, MAX_SPEAKERS - 1),
        integerField(body, 'position', 0, 63),
        seconds(body, SWEEP_SECONDS),
      );
    }),
  );
  app.delete(
    '/api/room/positions/:position',
    handle((_raw, params) => {
      const text = params['position'] ?? '';
      if (!/^\d{1,2}$/.test(text)) throw new RoomBodyError('position must be a whole number from 0 to 63');
      return room.removePosition(Number(text));
    }),
  );
  app.post(
    '/api/room/fit',
    handle((raw) => {
      const body = bodyRecord(raw, ['target', 'matchRangeHz', 'maxBoostDb', 'toleranceDb']);
      const target = stringField(body, 'target', 100, 'flat');
      if (!TARGET_NAMES.includes(target)) {
        throw new RoomBodyError(`"target" must be one of ${TARGET_NAMES.join(', ')}`);
      }
      const matchRangeHz = rangeField(body, 'matchRangeHz', 10, 24000);
      const maxBoostDb =
        body['maxBoostDb'] === undefined ? undefined : numberField(body, 'maxBoostDb', 0, 6, 'dB');
      return room.fit({
        target,
        toleranceDb: numberField(body, 'toleranceDb', 0.5, 12, 'dB', 3),
        ...(matchRangeHz === undefined ? {} : { matchRangeHz }),
        ...(maxBoostDb === undefined ? {} : { maxBoostDb }),
      });
    }),
  );
  app.get(
    '/api/room/fit',
    handle(() => room.plots()),
  );
  app.post(
    '/api/room/apply',
    handle((raw) => {
      bodyRecord(raw, []);
      return room.apply();
    }),
  );
  app.post(
    '/api/room/spl/noise',
    handle(async (raw) => {
      const body = bodyRecord(raw, ['speaker', 'seconds']);
      return room.splNoise(integerField(body, 'speaker', 0, MAX_SPEAKERS - 1), seconds(body, NOISE_SECONDS));
    }),
  );
  app.post(
    '/api/room/spl',
    handle((raw) => {
      const body = bodyRecord(raw, ['referenceDb', 'readings']);
      const readings = arrayField(body, 'readings', MAX_SPEAKERS).map((item, index) =>
        itemOf(item, 'readings', index, ['speaker', 'splDb'], (reading) => ({
          speaker: integerField(reading, 'speaker', 0, MAX_SPEAKERS - 1),
          splDb: numberField(reading, 'splDb', 30, 130, 'dB SPL'),
        })),
      );
      return room.splCalibration(numberField(body, 'referenceDb', 60, 100, 'dB SPL', 83), readings);
    }),
  );
  app.get(
    '/api/room/profiles',
    handle(() => ({ profiles: room.listProfiles() })),
  );
  app.post(
    '/api/room/profiles',
    handle((raw) => {
      const body = bodyRecord(raw, ['name']);
      return room.save(stringField(body, 'name', 200));
    }),
  );
  app.get(
    '/api/room/profiles/:id',
    handle((_raw, params) => room.profile(params['id'] ?? '')),
  );
  app.post(
    '/api/room/compare',
    handle(async (raw) => {
      const body = bodyRecord(raw, ['profile', 'micInput', 'outputs', 'seconds', 'bandHz']);
      const outputs =
        body['outputs'] === undefined
          ? undefined
          : arrayField(body, 'outputs', MAX_SPEAKERS).map((output, index) => {
              if (
                typeof output !== 'number' ||
                !Number.isInteger(output) ||
                output < 0 ||
                output > MAX_CHANNEL
              ) {
                throw new RoomBodyError(
                  `"outputs[${index}]" must be a whole number from 0 to ${MAX_CHANNEL}`,
                );
              }
              return output;
            });
      return room.compare(
        stringField(body, 'profile', 200),
        integerField(body, 'micInput', 0, MAX_CHANNEL),
        outputs,
        seconds(body, SWEEP_SECONDS),
        rangeField(body, 'bandHz', 10, 24000),
      );
    }),
  );
  done();
};
