import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.ts';
import { startPanel } from '../support/panel-fixture.ts';

const UNITY_POSITION = Math.pow(192 / 198, 8);
const IDS = [
  'strip/01/fader',
  'strip/01/pan',
  'strip/01/mute',
  'strip/02/fader',
  'strip/02/pan',
  'strip/02/mute',
  'master/fader',
  'master/pan',
  'master/mute',
];
const UNITS: Record<string, string> = { fader: 'dB', pan: 'pan', mute: 'bool' };

describe('REST /api (real engine, virtual audio, 2 strips)', () => {
  let engine: Engine;
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ engine, app } = await startPanel());
  });

  afterAll(async () => {
    await app.close();
    await engine.stop();
  });

  beforeEach(() => {
    for (const spec of engine.params.specs) engine.params.set(spec.id, spec.default, 'test-reset');
  });

  const put = (id: string, payload: unknown) =>
    app.inject({ method: 'PUT', url: `/api/params/${id}`, payload: payload as Record<string, unknown> });

  it('GET /api/params lists every parameter with value, position and unit', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/params' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ param: string; value: number; position: number; unit: string }[]>();
    // Every parameter of the console, in table order; the mixer's own ids among them.
    expect(body.map((p) => p.param)).toEqual(engine.params.specs.map((spec) => spec.id));
    for (const id of IDS) expect(body.map((p) => p.param)).toContain(id);
    for (const p of body.filter((q) => IDS.includes(q.param))) {
      const kind = p.param.split('/').at(-1)!;
      expect(Object.keys(p).sort()).toEqual(['param', 'position', 'unit', 'value']);
      expect(p.unit).toBe(UNITS[kind]);
      expect(p.value).toBe(0);
      if (kind === 'fader') expect(p.position).toBeCloseTo(UNITY_POSITION, 9);
      else expect(p.position).toBe(kind === 'pan' ? 0.5 : 0);
    }
  });

  it('GET /api/params/strip/01/fader returns one parameter', async () => {
    engine.params.set('strip/01/fader', -6, 'test');
    const response = await app.inject({ method: 'GET', url: '/api/params/strip/01/fader' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ param: string; value: number; position: number; unit: string }>();
    expect(body).toMatchObject({ param: 'strip/01/fader', value: -6, unit: 'dB' });
    expect(body.position).toBeCloseTo(0.60697, 5);
  });

  it('PUT with a value sets it (clamped) and returns the applied value', async () => {
    const response = await put('strip/01/fader', { value: -6 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ param: 'strip/01/fader', value: -6, unit: 'dB' });
    expect(engine.params.get('strip/01/fader')).toBe(-6);

    expect((await put('strip/02/fader', { value: 100 })).json()).toMatchObject({ value: 6 });
    expect((await put('strip/02/pan', { value: -3 })).json()).toEqual({
      param: 'strip/02/pan',
      value: -1,
      position: 0,
      unit: 'pan',
    });
    expect((await put('master/mute', { value: 0.7 })).json()).toEqual({
      param: 'master/mute',
      value: 1,
      position: 1,
      unit: 'bool',
    });
    expect(engine.params.get('master/mute')).toBe(1);
  });

  it('PUT with a position sets it through the taper', async () => {
    const response = await put('strip/01/pan', { position: 0.25 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ param: 'strip/01/pan', value: -0.5, position: 0.25, unit: 'pan' });
    expect((await put('master/fader', { position: 0 })).json()).toMatchObject({ value: -144, position: 0 });
  });

  it('404 LATHE_PARAM_UNKNOWN for unknown ids (GET and PUT)', async () => {
    for (const id of ['strip/03/fader', 'strip/01/gain', 'nope']) {
      const get = await app.inject({ method: 'GET', url: `/api/params/${id}` });
      expect(get.statusCode, id).toBe(404);
      expect(get.json()).toEqual({ code: 'LATHE_PARAM_UNKNOWN', message: `unknown parameter "${id}"` });
      const set = await put(id, { value: 0 });
      expect(set.statusCode, id).toBe(404);
      expect(set.json()).toEqual({ code: 'LATHE_PARAM_UNKNOWN', message: `unknown parameter "${id}"` });
    }
  });

  it('400 for an unknown field, and nothing changes', async () => {
    const response = await put('strip/01/fader', { value: -6, bogus: 1 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'LATHE_MESSAGE_INVALID' });
    expect(response.json<{ message: string }>().message).toContain('"bogus"');
    expect(engine.params.get('strip/01/fader')).toBe(0);
  });

  it('400 for values that are not numbers (no coercion), and nothing changes', async () => {
    for (const value of ['-6', 'abc', null, true, [1], { db: 1 }]) {
      const response = await put('strip/01/mute', { value });
      expect(response.statusCode, JSON.stringify(value)).toBe(400);
      expect(response.json(), JSON.stringify(value)).toEqual({
        code: 'LATHE_MESSAGE_INVALID',
        message: `"value" must be a number, got ${JSON.stringify(value)}`,
      });
    }
    expect(engine.params.get('strip/01/mute')).toBe(0);
  });

  it('400 for a position outside 0..1, both or neither field, or a body that is not an object', async () => {
    for (const position of [1.5, -0.01, '0.5']) {
      const response = await put('strip/01/fader', { position });
      expect(response.statusCode, String(position)).toBe(400);
      expect(response.json<{ message: string }>().message).toBe(
        `"position" must be a number from 0 to 1, got ${JSON.stringify(position)}`,
      );
    }
    for (const payload of [{ value: 1, position: 0.5 }, {}, [1]]) {
      const response = await put('strip/01/fader', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({ code: 'LATHE_MESSAGE_INVALID' });
    }
    const noBody = await app.inject({ method: 'PUT', url: '/api/params/strip/01/fader' });
    expect(noBody.statusCode).toBe(400);
    expect(engine.params.get('strip/01/fader')).toBe(0);
  });

  it('400 LATHE_PARAM_VALUE_INVALID for a non-finite number', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/params/strip/01/fader',
      headers: { 'content-type': 'application/json' },
      payload: '{"value": 1e999}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'LATHE_PARAM_VALUE_INVALID' });
    expect(engine.params.get('strip/01/fader')).toBe(0);
  });

  it('GET /api/status reports the virtual backend', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/status' });
    expect(response.statusCode).toBe(200);
    const status = response.json<Record<string, unknown>>();
    expect(status).toMatchObject({
      backend: 'virtual',
      sampleRate: 48000,
      blockSize: 128,
      inputChannels: 0,
      outputChannels: 2,
    });
    expect(Object.keys(status).sort()).toEqual(
      [
        'backend',
        'blockSize',
        'device',
        'dspLoad',
        'inputChannels',
        'outputChannels',
        'sampleRate',
        'xruns',
      ].sort(),
    );
    expect(typeof status['device']).toBe('string');
    expect(typeof status['xruns']).toBe('number');
    expect(status['dspLoad']).toBeGreaterThanOrEqual(0);
  });

  it('serves a hint instead of the panel when it is not built', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('The panel is not built (/nonexistent is missing). Run: npm run build');
  });
});
