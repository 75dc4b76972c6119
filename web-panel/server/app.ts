import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ErrorCode } from '../../engine/index.ts';
import type { SessionManager } from '../../sessions/index.ts';
import { consoleSocket } from './console-socket.ts';
import { curveRoutes } from './curve-routes.ts';
import type { ConsoleEngine } from './console-engine.ts';
import { meterRoutes } from './meter-routes.ts';
import { MeterTargetStore } from './meter-target-store.ts';
import { paramRoutes } from './param-routes.ts';
import { panelAccess, type PanelAccess } from './security/panel-access.ts';
import { sessionRoutes } from './session-routes.ts';
import { surfaceRoutes, type SurfaceDirectory, type SurfaceLearn } from './surface-routes.ts';
import { deviceRoutes, type DeviceDirectory } from './device-routes.ts';
import { roomRoutes, type RoomDeps } from './room-routes.ts';

export interface AppDeps {
  readonly engine: ConsoleEngine;
  /** Built Lit client (dist/web-panel); a hint page is served when it is missing. */
  readonly staticDir: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** Meter frames per second (default 40: above the 30 Hz a meter needs to look continuous). */
  readonly meterRateHz?: number;
  readonly statusIntervalMs?: number;
  /** Sessions on this console (REST under /api/sessions); absent: no session routes. */
  readonly sessions?: SessionManager;
  /** MIDI learn on attached controllers (REST under /api/surfaces); absent: no surface routes. */
  readonly learning?: SurfaceLearn;
  /** Attached surfaces with state, bank and page (GET/PUT /api/surfaces); absent: none listed. */
  readonly surfaces?: SurfaceDirectory;
  /** Audio/MIDI/serial devices and the xrun reset (GET /api/devices); absent: no device routes. */
  readonly devices?: DeviceDirectory;
  /** Room calibration wizard (REST under /api/room); absent: no room routes. */
  readonly room?: RoomDeps;
  /** Who may use the panel (token, Host and Origin checks, rate limits); default: loopback. */
  readonly access?: PanelAccess;
}

/** Fastify's own request errors (bad JSON, too large) as coded replies like every other error. */
function codedError(error: FastifyError): { status: number; code: ErrorCode; message: string } {
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, code: 'LATHE_MESSAGE_NOT_JSON', message: error.message };
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, code: 'LATHE_MESSAGE_TOO_LARGE', message: error.message };
  }
  const status = error.statusCode ?? 500;
  if (status < 500) return { status, code: 'LATHE_MESSAGE_INVALID', message: error.message };
  return { status: 500, code: 'LATHE_INTERNAL_ERROR', message: 'internal error (see the console log)' };
}

/** Builds the panel's HTTP + WebSocket app without listening, so tests run it in-process. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const coded = codedError(error);
    if (coded.status >= 500) request.log.error(error);
    return reply.code(coded.status).send({ code: coded.code, message: coded.message });
  });
  // First: its hooks must guard every route registered after it.
  await app.register(panelAccess, { access: deps.access ?? { bind: 'loopback' }, staticDir: deps.staticDir });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(paramRoutes, { engine: deps.engine });
  const meterTarget = new MeterTargetStore();
  await app.register(meterRoutes, { engine: deps.engine, target: meterTarget });
  await app.register(curveRoutes, {
    params: deps.engine.params,
    sampleRate: () => deps.engine.status().sampleRate,
  });
  if (deps.sessions !== undefined) await app.register(sessionRoutes, { sessions: deps.sessions });
  if (deps.learning !== undefined || deps.surfaces !== undefined) {
    const params = deps.engine.params;
    await app.register(surfaceRoutes, {
      ...(deps.learning === undefined ? {} : { learning: deps.learning }),
      ...(deps.surfaces === undefined ? {} : { directory: deps.surfaces }),
      hasParam: (id) => params.has(id),
    });
  }
  if (deps.devices !== undefined) {
    await app.register(deviceRoutes, { engine: deps.engine, devices: deps.devices });
  }
  if (deps.room !== undefined) await app.register(roomRoutes, deps.room);
  await app.register(consoleSocket, {
    engine: deps.engine,
    meterRateHz: deps.meterRateHz ?? 40,
    statusIntervalMs: deps.statusIntervalMs ?? 500,
    target: meterTarget,
  });
  if (existsSync(deps.staticDir)) {
    await app.register(fastifyStatic, { root: deps.staticDir, prefix: '/' });
  } else {
    app.get('/', (_request, reply) =>
      reply
        .type('text/plain')
        .send(`The panel is not built (${deps.staticDir} is missing). Run: npm run build`),
    );
  }
  return app;
}
