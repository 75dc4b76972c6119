/** MIDI learn over REST: the route's checks and codes, with a scripted learner behind it. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, LatheError } from '../../engine/index.ts';
import { buildApp, type SurfaceLearn } from '../../web-panel/index.ts';

let engine: Engine;
let app: FastifyInstance;
const calls: { param: string; timeoutMs: number | undefined }[] = [];
let cancels = 0;
let outcome: 'ok' | 'timeout' = 'ok';

const learning: SurfaceLearn = {
  learn: (param, timeoutMs) => {
    calls.push({ param, timeoutMs });
    return outcome === 'ok'
      ? Promise.resolve({ param, source: 'ch 1 CC 7' })
      : Promise.reject(new LatheError('LATHE_LEARN_TIMEOUT', 'no control moved within 1 s'));
  },
  cancel: () => {
    cancels++;
  },
};

beforeAll(async () => {
  engine = await Engine.start({
    audio: { kind: 'virtual' },
    sampleRate: 48000,
    blockSize: 128,
    stripCount: 2,
  });
  app = await buildApp({ engine, staticDir: '/nonexistent', learning });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app.close();
  await engine.stop();
});

describe('POST /api/surfaces/learn', () => {
  it('arms the parameter with the timeout asked for and answers with the learned control', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/surfaces/learn',
      payload: { param: 'strip/01/fader', timeoutS: 10 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ param: 'strip/01/fader', source: 'ch 1 CC 7' });
    expect(calls.at(-1)).toEqual({ param: 'strip/01/fader', timeoutMs: 10_000 });
  });

  it.each([
    [{}, 400, 'LATHE_MESSAGE_INVALID'],
    [{ param: 5 }, 400, 'LATHE_MESSAGE_INVALID'],
    [{ param: 'strip/01/fader', colour: 1 }, 400, 'LATHE_MESSAGE_INVALID'],
    [{ param: 'strip/01/fader', timeoutS: 0 }, 400, 'LATHE_MESSAGE_INVALID'],
    [{ param: 'strip/01/fader', timeoutS: 'long' }, 400, 'LATHE_MESSAGE_INVALID'],
    [{ param: 'strip/99/fader' }, 404, 'LATHE_PARAM_UNKNOWN'],
  ])('%j -> %i %s, nothing armed', async (payload, status, code) => {
    const before = calls.length;
    const response = await app.inject({ method: 'POST', url: '/api/surfaces/learn', payload });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
    expect(calls.length).toBe(before);
  });

  it('a learn that times out is 408 with its code; DELETE cancels', async () => {
    outcome = 'timeout';
    const response = await app.inject({
      method: 'POST',
      url: '/api/surfaces/learn',
      payload: { param: 'strip/01/pan' },
    });
    expect(response.statusCode).toBe(408);
    expect(response.json()).toMatchObject({ code: 'LATHE_LEARN_TIMEOUT' });
    expect((await app.inject({ method: 'DELETE', url: '/api/surfaces/learn' })).statusCode).toBe(204);
    expect(cancels).toBe(1);
  });
});
