/**
 * Surfaces over REST: the surface list, bank and page changes, and MIDI learn: the routes' checks
 * and codes, with a scripted learner and the console's own directory over scripted handles.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatheError, type Engine } from '../../engine/index.ts';
import { buildApp, type SurfaceLearn } from '../../web-panel/index.ts';
import { surfaceDirectory, type SurfaceHandle } from '../../cli/surface-directory.ts';
import { startVirtualEngine } from '../support/virtual-engine.ts';

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

/** A fader board and a Mackie unit that banks by strips within 0..8 and has two pages. */
let boardState = 'online';
let mackieOffset = 0;
let mackiePage = 'mix';
const handles: SurfaceHandle[] = [
  {
    kind: 'serial',
    profile: 'lathe-fader-board',
    port: '/dev/ttyACM0',
    state: () => boardState,
    bank: () => ({ offset: 0, size: 4 }),
    page: () => null,
    pages: () => [],
  },
  {
    kind: 'midi',
    profile: 'mackie-mcu-pro',
    port: 'MCU',
    state: () => 'online',
    bank: () => ({ offset: mackieOffset, size: 8 }),
    page: () => mackiePage,
    pages: () => [
      { id: 'mix', name: 'Mix' },
      { id: 'eq', name: 'EQ' },
    ],
    setBankOffset: (offset) => {
      mackieOffset = Math.min(8, offset);
    },
    setPage: (page) => {
      if (page !== 'mix' && page !== 'eq') return false;
      mackiePage = page;
      return true;
    },
  },
];

beforeAll(async () => {
  engine = await startVirtualEngine(2);
  app = await buildApp({
    engine,
    staticDir: '/nonexistent',
    learning,
    surfaces: surfaceDirectory(() => handles),
  });
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

describe('GET /api/surfaces, PUT /api/surfaces/:id', () => {
  it('lists every surface in exactly the documented shape, with live state', async () => {
    boardState = 'connecting';
    const response = await app.inject({ method: 'GET', url: '/api/surfaces' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      surfaces: [
        {
          id: 'serial-1',
          profile: 'lathe-fader-board',
          port: '/dev/ttyACM0',
          kind: 'serial',
          state: 'connecting',
          bankOffset: 0,
          bankSize: 4,
          page: null,
        },
        {
          id: 'midi-1',
          profile: 'mackie-mcu-pro',
          port: 'MCU',
          kind: 'midi',
          state: 'online',
          bankOffset: 0,
          bankSize: 8,
          page: 'mix',
        },
      ],
    });
    boardState = 'online';
    expect((await app.inject({ method: 'GET', url: '/api/surfaces' })).json()).toMatchObject({
      surfaces: [{ state: 'online' }, {}],
    });
  });

  it('banks and changes page; answers with the surface as it now is', async () => {
    const bank = await app.inject({ method: 'PUT', url: '/api/surfaces/midi-1', payload: { bankOffset: 5 } });
    expect(bank.statusCode).toBe(200);
    expect(bank.json()).toMatchObject({ id: 'midi-1', bankOffset: 5, bankSize: 8 });
    const clamped = await app.inject({
      method: 'PUT',
      url: '/api/surfaces/midi-1',
      payload: { bankOffset: 40 },
    });
    expect(clamped.json()).toMatchObject({ bankOffset: 8 });
    const page = await app.inject({ method: 'PUT', url: '/api/surfaces/midi-1', payload: { page: 'eq' } });
    expect(page.json()).toMatchObject({ page: 'eq' });
    const pages = await app.inject({ method: 'GET', url: '/api/surfaces/midi-1/pages' });
    expect(pages.json()).toEqual({
      pages: [
        { id: 'mix', name: 'Mix' },
        { id: 'eq', name: 'EQ' },
      ],
    });
  });

  it.each([
    ['midi-1', { bankOffset: -1 }, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', { bankOffset: 1.5 }, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', { bankOffset: '2' }, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', {}, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', { bankOffset: 1, page: 'eq' }, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', { page: 'eq', colour: 1 }, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', { page: '' }, 400, 'LATHE_MESSAGE_INVALID'],
    ['midi-1', { page: 'drums' }, 400, 'LATHE_SURFACE_PAGE_UNKNOWN'],
    ['serial-1', { bankOffset: 4 }, 409, 'LATHE_SURFACE_UNSUPPORTED'],
    ['serial-1', { page: 'eq' }, 409, 'LATHE_SURFACE_UNSUPPORTED'],
    ['midi-9', { bankOffset: 0 }, 404, 'LATHE_SURFACE_UNKNOWN'],
  ])('PUT %s %j -> %i %s, nothing changed', async (id, payload, status, code) => {
    const before = (await app.inject({ method: 'GET', url: '/api/surfaces' })).body;
    const response = await app.inject({ method: 'PUT', url: `/api/surfaces/${id}`, payload });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
    expect((await app.inject({ method: 'GET', url: '/api/surfaces' })).body).toBe(before);
  });

  it('pages of an unknown surface: 404 with its code', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/surfaces/midi-7/pages' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'LATHE_SURFACE_UNKNOWN' });
  });
});

describe('a console with no surfaces and no learner', () => {
  it('lists none, and learn answers LATHE_SURFACE_NOT_ATTACHED', async () => {
    const bare = await buildApp({ engine, staticDir: '/nonexistent', surfaces: surfaceDirectory(() => []) });
    try {
      expect((await bare.inject({ method: 'GET', url: '/api/surfaces' })).json()).toEqual({ surfaces: [] });
      const learn = await bare.inject({
        method: 'POST',
        url: '/api/surfaces/learn',
        payload: { param: 'strip/01/fader' },
      });
      expect(learn.statusCode).toBe(409);
      expect(learn.json()).toMatchObject({ code: 'LATHE_SURFACE_NOT_ATTACHED' });
    } finally {
      await bare.close();
    }
  });
});
