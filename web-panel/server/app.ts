import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { consoleSocket } from './console-socket.ts';
import type { ConsoleEngine } from './console-engine.ts';
import { paramRoutes } from './param-routes.ts';

export interface AppDeps {
  readonly engine: ConsoleEngine;
  /** Built Lit client (dist/web-panel); a hint page is served when it is missing. */
  readonly staticDir: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** Meter frames per second (default 40: above the 30 Hz a meter needs to look continuous). */
  readonly meterRateHz?: number;
  readonly statusIntervalMs?: number;
}

/** Builds the panel's HTTP + WebSocket app without listening, so tests run it in-process. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(paramRoutes, { engine: deps.engine });
  await app.register(consoleSocket, {
    engine: deps.engine,
    meterRateHz: deps.meterRateHz ?? 40,
    statusIntervalMs: deps.statusIntervalMs ?? 500,
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
