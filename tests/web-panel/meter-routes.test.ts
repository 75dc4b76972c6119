import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOUDNESS_PRESETS, resolveLoudnessTarget, type Engine } from '../../engine/index.ts';
import { MASTER_LABEL } from '../../web-panel/protocol/index.ts';
import { startPanel } from '../support/panel-fixture.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('meter routes (real engine, virtual audio, silent)', () => {
  let engine: Engine;
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ engine, app } = await startPanel());
    await sleep(350); // a few loudness history entries (10 a second)
  });

  afterAll(async () => {
    await app.close();
    await engine.stop();
  });

  it('GET /api/meters/readouts: every master readout by label, null where not a finite number', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/meters/readouts' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ labels: string[]; values: (number | null)[] }>();
    expect(body.labels).toEqual([...Object.values(MASTER_LABEL), ...engine.gainReductionLabels]);
    expect(body.values).toHaveLength(engine.masterMeterCount);
    // Silence: no loudness yet (-Infinity / NaN -> null), no gain reduction.
    expect(body.values[body.labels.indexOf(MASTER_LABEL.integrated)]).toBeNull();
    expect(body.values[body.labels.indexOf(MASTER_LABEL.momentary)]).toBeNull();
    expect(body.values[body.labels.indexOf('master/limiter')]).toBe(0);
  });

  it('GET /api/meters/history: 10 Hz momentary and short-term, null for silence', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/meters/history' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      rateHz: number;
      momentary: (number | null)[];
      shortTerm: (number | null)[];
    }>();
    expect(body.rateHz).toBe(10);
    expect(body.momentary.length).toBeGreaterThanOrEqual(2);
    expect(body.momentary.length).toBeLessThanOrEqual(6000);
    expect(body.shortTerm).toHaveLength(body.momentary.length);
    expect(new Set([...body.momentary, ...body.shortTerm])).toEqual(new Set([null]));
  });

  it('GET /api/meters/targets: every engine preset with its resolved ceiling and the tolerance', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/meters/targets' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      toleranceLu: number;
      presets: { preset: string; integratedLufs: number | null; ceilingDbtp: number }[];
    }>();
    expect(body.toleranceLu).toBe(1);
    expect(body.presets.map((p) => p.preset)).toEqual(LOUDNESS_PRESETS.map((p) => p.name));
    for (const preset of body.presets) {
      const resolved = resolveLoudnessTarget(preset.preset);
      if (typeof resolved === 'string') throw new Error(resolved);
      expect(preset.integratedLufs).toBe(resolved.integratedLufs);
      expect(preset.ceilingDbtp).toBe(resolved.ceilingDbtp);
    }
    expect(body.presets.find((p) => p.preset === 'cd')).toMatchObject({
      integratedLufs: null,
      ceilingDbtp: -0.3,
    });
  });

  it('GET/PUT /api/meters/target: spotify at first, then whatever was set', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/meters/target' });
    expect(first.json()).toEqual({
      preset: 'spotify',
      title: 'Spotify',
      integratedLufs: -14,
      ceilingDbtp: -1,
      toleranceLu: 1,
    });
    const put = await app.inject({
      method: 'PUT',
      url: '/api/meters/target',
      payload: { preset: 'atsc-a85' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ preset: 'atsc-a85', integratedLufs: -24, ceilingDbtp: -2 });
    const after = await app.inject({ method: 'GET', url: '/api/meters/target' });
    expect(after.json()).toMatchObject({ preset: 'atsc-a85' });
  });

  it('PUT /api/meters/target refuses bad bodies with coded errors and keeps the target', async () => {
    await app.inject({ method: 'PUT', url: '/api/meters/target', payload: { preset: 'apple' } });
    const cases: { payload: string; code: string; message: RegExp }[] = [
      {
        payload: '{"preset":"nope"}',
        code: 'LATHE_TARGET_PRESET_UNKNOWN',
        message: /unknown loudness target "nope"/,
      },
      {
        payload: '{"preset":"apple","lufs":-14}',
        code: 'LATHE_MESSAGE_INVALID',
        message: /unknown field "lufs"/,
      },
      { payload: '{}', code: 'LATHE_MESSAGE_INVALID', message: /"preset" must be a preset name/ },
      {
        payload: '{"preset":-14}',
        code: 'LATHE_MESSAGE_INVALID',
        message: /"preset" must be a preset name, got -14/,
      },
      { payload: '["apple"]', code: 'LATHE_MESSAGE_INVALID', message: /body must be/ },
      { payload: '"apple"', code: 'LATHE_MESSAGE_INVALID', message: /body must be/ },
      { payload: '{"preset":', code: 'LATHE_MESSAGE_NOT_JSON', message: /./ },
    ];
    for (const { payload, code, message } of cases) {
      const response = await app.inject({
        method: 'PUT',
        url: '/api/meters/target',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode, payload).toBe(400);
      const body = response.json<{ code: string; message: string }>();
      expect(body.code, payload).toBe(code);
      expect(body.message, payload).toMatch(message);
    }
    expect((await app.inject({ method: 'GET', url: '/api/meters/target' })).json()).toMatchObject({
      preset: 'apple',
    });
  });
});
