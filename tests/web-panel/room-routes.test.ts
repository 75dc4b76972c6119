/**
 * The room calibration wizard's REST routes (issue 9, Deliver 4; shown by 1), in process with
 * `inject`, on the real Engine (virtual backend): every route with valid and invalid bodies.
 *
 * The virtual backend has no inputs (its Engine.measure records silence), so setup on it is
 * refused, and a microphone wired to nothing fails the level check and the sweep with
 * LATHE_CALIBRATION_RECORDING_SILENT. For the steps after the level check, the real engine's
 * measure still plays (safety checks, one at a time, real time) and a synthetic room
 * (tests/support/synthetic-room-recording.ts: speaker roll-off, two modes, reflections, noise)
 * stands in for the speaker, room and microphone the virtual backend lacks.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCalibrationProfile } from '../../calibration/index.ts';
import { Engine, type MeasureOptions } from '../../engine/index.ts';
import { buildApp } from '../../web-panel/index.ts';
import type { RoomEngine } from '../../web-panel/server/room/room-calibration.ts';
import { injectJson, type Json } from '../support/inject-json.ts';
import { temporaryStore } from '../support/session-fixture.ts';
import { buildSyntheticRoom, type Reflection } from '../support/synthetic-room-recording.ts';
import { startVirtualEngine } from '../support/virtual-engine.ts';

const RATE = 48000;

let engine: Engine;
let fixture: ReturnType<typeof temporaryStore>;
/** Real engine as it is: no inputs. */
let bare: FastifyInstance;
/** A microphone input that hears nothing (cable unplugged). */
let unplugged: FastifyInstance;
/** A microphone in a synthetic room, moved between positions by `position`. */
let roomApp: FastifyInstance;
const position = { reflections: [] as Reflection[], gainDb: 0 };

/** The real engine's measure, plus what a microphone on input 0 would hear (none: silence). */
function withMicrophone(heard: ((played: Float32Array, frames: number) => Float64Array) | null): RoomEngine {
  return {
    params: engine.params,
    status: () => ({ ...engine.status(), inputChannels: 2 }),
    measure: async (stimulus: Float32Array, options: MeasureOptions) => {
      const recording = await engine.measure(stimulus, options);
      if (heard !== null && options.recordChannel === 0) {
        const sound = heard(stimulus, recording.length);
        for (let i = 0; i < recording.length; i++) recording[i]! += sound[i] ?? 0;
      }
      return recording;
    },
  };
}

function syntheticRoom(played: Float32Array, frames: number): Float64Array {
  return buildSyntheticRoom({
    sampleRate: RATE,
    sweep: Float64Array.from(played),
    delaySamples: 300,
    reflections: position.reflections,
    gainDb: position.gainDb,
    tailSeconds: (frames - played.length) / RATE,
    snrDb: 70,
    seed: 7,
  }).recording;
}

const call = injectJson;

beforeAll(async () => {
  engine = await startVirtualEngine(2, RATE);
  fixture = temporaryStore();
  bare = await buildApp({ engine, staticDir: '/nonexistent', room: { engine } });
  unplugged = await buildApp({ engine, staticDir: '/nonexistent', room: { engine: withMicrophone(null) } });
  roomApp = await buildApp({
    engine,
    staticDir: '/nonexistent',
    room: { engine: withMicrophone(syntheticRoom), profiles: fixture.store },
  });
  for (const app of [bare, unplugged, roomApp]) await app.ready();
}, 60_000);

afterAll(async () => {
  for (const app of [bare, unplugged, roomApp]) await app.close();
  fixture.cleanup();
  await engine.stop();
});

const SETUP = { speakers: [{ output: 0, name: 'Left' }], micInput: 0 };

describe('room routes on the virtual backend as it is', () => {
  it('GET /api/room shows the device: 0 inputs, 2 outputs, nothing set up', async () => {
    const { status, body } = await call(bare, 'GET', '/api/room');
    expect(status).toBe(200);
    expect(body['device']).toMatchObject({
      backend: 'virtual',
      inputChannels: 0,
      outputChannels: 2,
      sampleRate: RATE,
    });
    expect(body['setup']).toBeNull();
    expect(body['targets']).toContain('flat');
    expect(body['profilesAvailable']).toBe(false);
  });

  it('refuses a microphone input the device does not have, and steps before setup', async () => {
    const setup = await call(bare, 'PUT', '/api/room/setup', SETUP);
    expect(setup.status).toBe(400);
    expect(setup.body['code']).toBe('LATHE_MEASUREMENT_INVALID');
    expect(setup.body['message']).toMatch(/0 inputs/);
    const check = await call(bare, 'POST', '/api/room/level-check', { speaker: 0 });
    expect(check.status).toBe(409);
    expect(check.body['code']).toBe('LATHE_ROOM_STEP_NOT_READY');
  });

  it('has no profile store: the profile routes answer 503', async () => {
    const list = await call(bare, 'GET', '/api/room/profiles');
    expect(list.status).toBe(503);
    expect(list.body['code']).toBe('LATHE_SESSION_STORE_UNAVAILABLE');
  });
});

describe('room routes with a microphone that hears nothing', () => {
  it('the level check fails with LATHE_CALIBRATION_RECORDING_SILENT and the console keeps running', async () => {
    expect((await call(unplugged, 'PUT', '/api/room/setup', SETUP)).status).toBe(200);
    const { status, body } = await call(unplugged, 'POST', '/api/room/level-check', {
      speaker: 0,
      seconds: 0.5,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ pass: false, code: 'LATHE_CALIBRATION_RECORDING_SILENT', rmsDbfs: null });
    const sweep = await call(unplugged, 'POST', '/api/room/sweep', { speaker: 0, position: 0, seconds: 0.5 });
    expect(sweep.status).toBe(422);
    expect(sweep.body['code']).toBe('LATHE_CALIBRATION_RECORDING_SILENT');
    expect(engine.status().fault).toBeNull();
    expect((await call(unplugged, 'GET', '/api/room')).body['busy']).toBe(false);
  }, 20_000);
});

describe('room routes in a synthetic room', () => {
  it('rejects invalid setup bodies with coded errors', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...SETUP, extra: 1 }, /unknown field "extra"/],
      [{ micInput: 0 }, /"speakers" must be an array/],
      [{ speakers: [], micInput: 0 }, /"speakers" must be an array of 1 to 8/],
      [{ speakers: [{ output: -1 }], micInput: 0 }, /"speakers\[0\]": "output" must be a whole number/],
      [{ speakers: [{ output: 0, colour: 'red' }], micInput: 0 }, /"speakers\[0\]": unknown field "colour"/],
      [{ speakers: [{ output: 0 }], micInput: '0' }, /"micInput" must be a whole number/],
      [{ ...SETUP, micCalibration: { name: 'mic.txt' } }, /"text" must be a non-empty string/],
      [[1, 2], /body must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const reply = await call(roomApp, 'PUT', '/api/room/setup', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body['code']).toBe('LATHE_MESSAGE_INVALID');
      expect(reply.body['message']).toMatch(message);
    }
    const json = await call(roomApp, 'PUT', '/api/room/setup', '{"speakers": [');
    expect(json.body['code']).toBe('LATHE_MESSAGE_NOT_JSON');
    const twice = await call(roomApp, 'PUT', '/api/room/setup', {
      speakers: [{ output: 1 }, { output: 1 }],
      micInput: 0,
    });
    expect(twice.body).toMatchObject({ code: 'LATHE_MEASUREMENT_INVALID' });
    const third = await call(roomApp, 'PUT', '/api/room/setup', { speakers: [{ output: 2 }], micInput: 0 });
    expect(third.body['message']).toMatch(/output 3 is not one of the 2 outputs/);
    const badMic = await call(roomApp, 'PUT', '/api/room/setup', {
      ...SETUP,
      micCalibration: { name: 'mic.txt', text: '20 0.1\n10 0.2\n' },
    });
    expect(badMic.status).toBe(400);
    expect(badMic.body['code']).toBe('LATHE_CALIBRATION_MIC_FILE_INVALID');
  });

  it('runs setup -> level check -> 2 positions -> fit -> apply -> SPL -> save -> compare', async () => {
    const setup = await call(roomApp, 'PUT', '/api/room/setup', {
      ...SETUP,
      micName: 'Test mic',
      micCalibration: { name: 'flat-mic.txt', text: '"Sens Factor =-1.0dB"\n10 0\n1000 0\n24000 0\n' },
    });
    expect(setup.status).toBe(200);
    expect(setup.body['setup']).toMatchObject({ micInput: 0, micCalFile: 'flat-mic.txt' });

    const check = await call(roomApp, 'POST', '/api/room/level-check', { speaker: 0, seconds: 0.5 });
    expect(check.status).toBe(200);
    expect(check.body['pass']).toBe(true);
    // -20 dB FS noise through a 0 dB room (the roll-off and modes move it by a few dB).
    expect(check.body['rmsDbfs']).toBeGreaterThan(-30);
    expect(check.body['rmsDbfs']).toBeLessThan(-10);

    const early = await call(roomApp, 'POST', '/api/room/fit', {});
    expect(early.status).toBe(409);
    expect(early.body['code']).toBe('LATHE_ROOM_STEP_NOT_READY');
    const skip = await call(roomApp, 'POST', '/api/room/sweep', { speaker: 0, position: 1, seconds: 1 });
    expect(skip.body['code']).toBe('LATHE_ROOM_STEP_NOT_READY');

    // Two positions: the second with a reflection, so the average differs from either.
    const first = await call(roomApp, 'POST', '/api/room/sweep', { speaker: 0, position: 0, seconds: 1 });
    expect(first.status).toBe(200);
    expect(first.body['positions']).toBe(1);
    // 300 samples of synthetic acoustic delay: 6.25 ms.
    expect(first.body['delayMs'] as number).toBeCloseTo(6.25, 1);
    position.reflections = [{ afterSeconds: 0.0037, gain: 0.3 }];
    const second = await call(roomApp, 'POST', '/api/room/sweep', { speaker: 0, position: 1, seconds: 1 });
    expect(second.body['positions']).toBe(2);
    position.reflections = [];

    // A third position taken, then removed again: it leaves the average (the fit below is that
    // of the first two); positions that were never measured, or are not numbers, are refused.
    const third = await call(roomApp, 'POST', '/api/room/sweep', { speaker: 0, position: 2, seconds: 1 });
    expect(third.body['positions']).toBe(3);
    const removed = await call(roomApp, 'DELETE', '/api/room/positions/2');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ removed: 2, positions: [2] });
    expect((await call(roomApp, 'GET', '/api/room')).body['positions']).toEqual([2]);
    for (const [url, message] of [
      ['/api/room/positions/2', /no position 3: positions 1 to 2 have been measured/],
      ['/api/room/positions/-1', /whole number from 0 to 63/],
      ['/api/room/positions/one', /whole number from 0 to 63/],
    ] as const) {
      const refused = await call(roomApp, 'DELETE', url);
      expect(refused.status, url).toBe(400);
      expect(refused.body['code']).toBe('LATHE_MESSAGE_INVALID');
      expect(refused.body['message']).toMatch(message);
    }

    for (const bad of [
      { target: 'loud' },
      { toleranceDb: 0 },
      { matchRangeHz: [500, 20] },
      { shelves: true },
    ]) {
      const reply = await call(roomApp, 'POST', '/api/room/fit', bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body['code']).toBe('LATHE_MESSAGE_INVALID');
    }
    const early2 = await call(roomApp, 'POST', '/api/room/apply', {});
    expect(early2.body['code']).toBe('LATHE_ROOM_STEP_NOT_READY');
    expect((await call(roomApp, 'GET', '/api/room/fit')).body['code']).toBe('LATHE_ROOM_STEP_NOT_READY');

    const fit = await call(roomApp, 'POST', '/api/room/fit', {
      target: 'flat',
      toleranceDb: 2,
      matchRangeHz: [60, 500],
    });
    expect(fit.status).toBe(200);
    const speakers = fit.body['speakers'] as Json[];
    expect(speakers).toHaveLength(1);
    const curves = speakers[0]!;
    console.log('FIT', curves['beforeRmsDb'], curves['residualRmsDb']);
    const hz = curves['hz'] as number[];
    expect(hz.length).toBeGreaterThan(400);
    for (const key of ['measured', 'target', 'predicted', 'toleranceLow', 'toleranceHigh']) {
      expect((curves[key] as unknown[]).length, key).toBe(hz.length);
    }
    expect(curves['positions']).toBe(2);
    expect((curves['filters'] as unknown[]).length).toBeGreaterThan(0);
    // The modes are corrected: in the match range the residual is well below the error before.
    expect(curves['residualRmsDb'] as number).toBeLessThan((curves['beforeRmsDb'] as number) / 2);
    const low = curves['toleranceLow'] as number[];
    const target = curves['target'] as number[];
    expect(target[100]! - low[100]!).toBeCloseTo(2, 2);
    expect((await call(roomApp, 'GET', '/api/room/fit')).body['speakers']).toEqual(speakers);

    expect((await call(roomApp, 'POST', '/api/room/apply', { now: true })).body['code']).toBe(
      'LATHE_MESSAGE_INVALID',
    );
    const applied = await call(roomApp, 'POST', '/api/room/apply', {});
    expect(applied.status).toBe(200);
    const filters = (applied.body['speakers'] as Json[])[0]!['filters'] as { hz: number; gainDb: number }[];
    expect(engine.params.get('monitor/speaker/1/eq/1/on')).toBe(1);
    expect(engine.params.get('monitor/speaker/1/eq/1/freq')).toBeCloseTo(filters[0]!.hz, 1);
    expect(engine.params.get('monitor/speaker/1/eq/1/gain')).toBeCloseTo(filters[0]!.gainDb, 2);
    expect(engine.params.get('monitor/speaker/1/preamp')).toBeCloseTo(
      (applied.body['speakers'] as Json[])[0]!['preampDb'] as number,
      2,
    );

    const noise = await call(roomApp, 'POST', '/api/room/spl/noise', { speaker: 0, seconds: 0.5 });
    expect(noise.status).toBe(200);
    expect(noise.body).toMatchObject({ signalDbfs: -20, corrected: true, bandHz: [500, 2000] });
    for (const bad of [
      { readings: [{ speaker: 0, splDb: 'loud' }] },
      { readings: [{ speaker: 0, splDb: 80 }], referenceDb: 120 },
      { readings: [] },
    ]) {
      expect((await call(roomApp, 'POST', '/api/room/spl', bad)).body['code']).toBe('LATHE_MESSAGE_INVALID');
    }
    const twice = await call(roomApp, 'POST', '/api/room/spl', {
      readings: [
        { speaker: 0, splDb: 80 },
        { speaker: 0, splDb: 81 },
      ],
    });
    expect(twice.status).toBe(422);
    expect(twice.body['code']).toBe('LATHE_CALIBRATION_INPUT_INVALID');
    const nobody = await call(roomApp, 'POST', '/api/room/spl', { readings: [{ speaker: 3, splDb: 80 }] });
    expect(nobody.body['code']).toBe('LATHE_MEASUREMENT_INVALID');
    const spl = await call(roomApp, 'POST', '/api/room/spl', {
      referenceDb: 83,
      readings: [{ speaker: 0, splDb: 78 }],
    });
    expect(spl.status).toBe(200);
    // One speaker reading 78 dB SPL at -20 dB FS: 5 dB of monitor gain to reach 83 at the K-20 mark.
    expect((spl.body['marks'] as Json)['K-20']).toBeCloseTo(5, 2);
    expect((spl.body['marks'] as Json)['K-14']).toBeCloseTo(-1, 2);

    expect((await call(roomApp, 'POST', '/api/room/profiles', {})).body['code']).toBe(
      'LATHE_MESSAGE_INVALID',
    );
    const saved = await call(roomApp, 'POST', '/api/room/profiles', { name: 'Control room A' });
    expect(saved.status).toBe(200);
    const id = saved.body['id'] as string;
    const list = await call(roomApp, 'GET', '/api/room/profiles');
    expect(list.body['profiles']).toEqual([expect.objectContaining({ id, name: 'Control room A' })]);
    const got = await call(roomApp, 'GET', `/api/room/profiles/${id}`);
    const profile = parseCalibrationProfile(JSON.stringify(got.body['profile']));
    expect(profile.positions).toBe(2);
    expect(profile.microphone).toEqual({ name: 'Test mic', calFile: 'flat-mic.txt' });
    expect(profile.spl?.marks['K-20']).toBeCloseTo(5, 2);
    expect(profile.speakers[0]).toMatchObject({ output: 0, name: 'Left', filters });
    expect(fixture.store.calibrationProfile(id)?.name).toBe('Control room A');
    const missing = await call(roomApp, 'GET', '/api/room/profiles/nope');
    expect(missing.status).toBe(404);
    expect(missing.body['code']).toBe('LATHE_CALIBRATION_PROFILE_NOT_FOUND');

    for (const bad of [
      { micInput: 0 },
      { profile: id, micInput: 0, outputs: [-1] },
      { profile: id, micInput: 0, seconds: 100 },
    ]) {
      expect((await call(roomApp, 'POST', '/api/room/compare', bad)).body['code']).toBe(
        'LATHE_MESSAGE_INVALID',
      );
    }
    const unknownProfile = await call(roomApp, 'POST', '/api/room/compare', { profile: 'nope', micInput: 0 });
    expect(unknownProfile.status).toBe(404);
    expect(unknownProfile.body['code']).toBe('LATHE_CALIBRATION_PROFILE_NOT_FOUND');
    const noMic = await call(roomApp, 'POST', '/api/room/compare', { profile: id, micInput: 5 });
    expect(noMic.body['code']).toBe('LATHE_MEASUREMENT_INVALID');
    const compare = await call(roomApp, 'POST', '/api/room/compare', {
      profile: id,
      micInput: 0,
      seconds: 1,
      bandHz: [60, 500],
    });
    expect(compare.status).toBe(200);
    const result = (compare.body['speakers'] as Json[])[0]!;
    expect((result['before'] as unknown[]).length).toBe((result['hz'] as unknown[]).length);
    expect((result['after'] as unknown[]).length).toBe((result['hz'] as unknown[]).length);
    // Measured again through the correction, the room is flatter in the band the fit matched.
    console.log(
      `compare 60-500 Hz: before ${String(result['beforeRmsDb'])} dB RMS, after ${String(result['afterRmsDb'])} dB RMS`,
    );
    expect(result['afterRmsDb'] as number).toBeLessThan((result['beforeRmsDb'] as number) * 0.7);
  }, 60_000);

  it('a second measurement while one runs gets 409 LATHE_MEASUREMENT_BUSY', async () => {
    const running = call(roomApp, 'POST', '/api/room/sweep', { speaker: 0, position: 0, seconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await call(roomApp, 'POST', '/api/room/level-check', { speaker: 0, seconds: 0.5 });
    expect(busy.status).toBe(409);
    expect(busy.body['code']).toBe('LATHE_MEASUREMENT_BUSY');
    expect((await call(roomApp, 'GET', '/api/room')).body['busy']).toBe(true);
    // Removing a position meanwhile would move the one being measured: refused too.
    const removing = await call(roomApp, 'DELETE', '/api/room/positions/0');
    expect(removing.status).toBe(409);
    expect(removing.body['code']).toBe('LATHE_MEASUREMENT_BUSY');
    expect((await running).status).toBe(200);
    expect((await call(roomApp, 'GET', '/api/room')).body['busy']).toBe(false);
  }, 20_000);
});
