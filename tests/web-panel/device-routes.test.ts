/**
 * Devices over REST, in process: the audio status from the real engine next to the device lists,
 * one enumeration shared by concurrent requests and reused, a slow enumeration answered with a
 * coded timeout, the xrun reset, and the invalid requests each answers with a stable code.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.ts';
import { buildApp, type DeviceDirectory, type DeviceLists } from '../../web-panel/index.ts';
import { deviceRoutes } from '../../web-panel/server/device-routes.ts';
import { startVirtualEngine } from '../support/virtual-engine.ts';

const LISTS: DeviceLists = {
  audio: {
    devices: [
      { name: 'jackloop', hostApi: 'ALSA', inputChannels: 2, outputChannels: 2, defaultSampleRate: 48000 },
    ],
    reason: null,
  },
  midi: { inputs: [], outputs: [], reason: 'no ALSA sequencer' },
  serial: { ports: [{ path: '/dev/ttyACM0', manufacturer: 'Lathe' }], reason: null },
};

let engine: Engine;
let app: FastifyInstance;
let listings = 0;
let resets = 0;
let hang = false;

const devices: DeviceDirectory = {
  list: async () => {
    listings++;
    if (hang) return new Promise<never>(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return LISTS;
  },
  resetXruns: () => {
    resets++;
    engine.resetXruns();
  },
};

beforeAll(async () => {
  engine = await startVirtualEngine(2);
  app = await buildApp({ engine, staticDir: '/nonexistent', devices });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app.close();
  await engine.stop();
});

describe('GET /api/devices', () => {
  it('answers the engine status and the device lists; concurrent and later requests share one listing', async () => {
    const [first, second] = await Promise.all([
      app.inject({ method: 'GET', url: '/api/devices' }),
      app.inject({ method: 'GET', url: '/api/devices' }),
    ]);
    expect(first.statusCode).toBe(200);
    const body = first.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      status: { backend: 'virtual', sampleRate: 48000, blockSize: 128 },
      ...LISTS,
    });
    const status = body['status'] as { dspLoad: number; xruns: number };
    expect(status.dspLoad).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(status.xruns)).toBe(true);
    expect(second.json()).toEqual(body);
    expect(listings).toBe(1);
    await app.inject({ method: 'GET', url: '/api/devices' });
    expect(listings).toBe(1);
    await app.inject({ method: 'GET', url: '/api/devices?refresh=1' });
    expect(listings).toBe(2);
  });

  it('an enumeration that hangs is a coded 503 after the time limit; the server stays up', async () => {
    // The plugin alone, with a short limit (the app's is 8 s).
    const quick = Fastify();
    await quick.register(deviceRoutes, { engine, devices, timeoutMs: 300 });
    hang = true;
    try {
      const started = Date.now();
      const response = await quick.inject({ method: 'GET', url: '/api/devices' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'LATHE_DEVICE_LIST_TIMEOUT' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await quick.inject({ method: 'POST', url: '/api/status/reset-xruns' })).statusCode).toBe(204);
      resets--;
    } finally {
      hang = false;
      await quick.close();
    }
  });

  it.each(['/api/devices?colour=red', '/api/devices?refresh=yes'])(
    '%s -> 400 LATHE_MESSAGE_INVALID',
    async (url) => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'LATHE_MESSAGE_INVALID' });
    },
  );
});

describe('POST /api/status/reset-xruns', () => {
  it('resets (204); a body is refused with its code and nothing is reset', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/status/reset-xruns' })).statusCode).toBe(204);
    expect(resets).toBe(1);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/status/reset-xruns',
      payload: { all: true },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'LATHE_MESSAGE_INVALID' });
    expect(resets).toBe(1);
  });
});
