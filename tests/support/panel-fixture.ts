import type { FastifyInstance } from 'fastify';
import { Engine } from '../../engine/index.ts';
import { buildApp } from '../../web-panel/index.ts';

/** The real engine (virtual audio, 2 strips, no stems) behind an in-process panel app. */
export async function startPanel(): Promise<{ engine: Engine; app: FastifyInstance }> {
  const engine = await Engine.start({
    audio: { kind: 'virtual' },
    sampleRate: 48000,
    blockSize: 128,
    stripCount: 2,
  });
  const app = await buildApp({ engine, staticDir: '/nonexistent' });
  await app.ready();
  return { engine, app };
}
