import type { FastifyPluginCallback } from 'fastify';
import { LatheError, type EngineStatus } from '../../engine/index.ts';
import type { DeviceListing, DeviceLists } from '../protocol/index.ts';
import { toAudioStatus } from './audio-status.ts';

export type { DeviceLists };

/**
 * The machine's devices as the console enumerates them (child-process probes: slow), and the
 * audio device's xrun counter.
 */
export interface DeviceDirectory {
  list(): Promise<DeviceLists>;
  resetXruns(): void;
}

export interface DeviceRoutesOptions {
  readonly engine: { status(): EngineStatus };
  readonly devices: DeviceDirectory;
  /** How long a listing is reused (default 10 s): enumeration spawns probes and takes a second or more. */
  readonly cacheMs?: number;
  /** A listing that takes longer is answered with LATHE_DEVICE_LIST_TIMEOUT (default 8 s). */
  readonly timeoutMs?: number;
}

/**
 * Devices over REST: `GET /api/devices` is the audio status (device, rate, block size, DSP load,
 * xruns) with the audio devices, MIDI ports and serial ports (`?refresh=1` lists again);
 * `POST /api/status/reset-xruns` zeroes the xrun count and the DSP load peak. One listing runs
 * at a time and is reused for `cacheMs`, so many panels cost one enumeration.
 */
export const deviceRoutes: FastifyPluginCallback<DeviceRoutesOptions> = (app, options, done) => {
  const cacheMs = options.cacheMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 8000;
  let cached: { at: number; lists: Promise<DeviceLists> } | null = null;

  const listing = (refresh: boolean): Promise<DeviceLists> => {
    const now = Date.now();
    if (cached === null || refresh || now - cached.at > cacheMs) {
      const lists = options.devices.list();
      const entry = { at: now, lists };
      cached = entry;
      // A failed listing is not kept: the next request tries again.
      lists.catch(() => {
        if (cached === entry) cached = null;
      });
    }
    const pending = cached.lists;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new LatheError('LATHE_DEVICE_LIST_TIMEOUT', `listing the devices took over ${timeoutMs} ms`));
      }, timeoutMs);
    });
    return Promise.race([pending, timeout]).finally(() => {
      clearTimeout(timer);
    });
  };

  app.get('/api/devices', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const unknown = Object.keys(query).filter((k) => k !== 'refresh');
    const refresh = query['refresh'];
    if (unknown.length > 0 || (refresh !== undefined && refresh !== '1' && refresh !== '0')) {
      return reply
        .code(400)
        .send({ code: 'LATHE_MESSAGE_INVALID', message: 'the only query is "refresh=1"' });
    }
    try {
      const lists = await listing(refresh === '1');
      return { status: toAudioStatus(options.engine.status()), ...lists } satisfies DeviceListing;
    } catch (error) {
      if (error instanceof LatheError)
        return reply.code(503).send({ code: error.code, message: error.message });
      throw error;
    }
  });

  app.post('/api/status/reset-xruns', (request, reply) => {
    const body = request.body;
    if (
      body !== undefined &&
      body !== null &&
      !(typeof body === 'object' && Object.keys(body).length === 0)
    ) {
      return reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message: 'this route takes no body' });
    }
    // The worker zeroes the counters on its next block; the status updates show it.
    options.devices.resetXruns();
    return reply.code(204).send();
  });
  done();
};
