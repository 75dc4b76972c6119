import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/index.ts';
import { buildApp } from '../../web-panel/index.ts';
import { MASTER_LABEL } from '../../web-panel/protocol/index.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const RATE = 48000;

describe('POST /api/meters/reset (real engine playing a tone)', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const readout = async (label: string): Promise<number | null> => {
    const body = (await app.inject({ method: 'GET', url: '/api/meters/readouts' })).json<{
      labels: string[];
      values: (number | null)[];
    }>();
    return body.values[body.labels.indexOf(label)] ?? null;
  };
  const historyLength = async (): Promise<number> =>
    (await app.inject({ method: 'GET', url: '/api/meters/history' })).json<{ momentary: unknown[] }>()
      .momentary.length;

  beforeAll(async () => {
    const stem = new Float32Array(RATE).map((_, i) => 0.2 * Math.sin((2 * Math.PI * 997 * i) / RATE));
    engine = await Engine.start({
      audio: { kind: 'virtual' },
      sampleRate: RATE,
      blockSize: 128,
      mix: {
        file: 'inline',
        name: 'tone',
        sampleRate: RATE,
        layout: { strips: [{ label: 'Tone', kind: 'mono' }], auxes: [] },
        values: new Map(),
        lanes: [],
        stems: [[stem]],
        stemFiles: [null],
        lengthFrames: RATE,
        loop: { start: 0, end: RATE },
      },
      autoplay: true,
    });
    app = await buildApp({ engine, staticDir: '/nonexistent' });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await engine.stop();
  });

  it('restarts integrated loudness and the history; refuses a body', async () => {
    await sleep(1500);
    expect(await readout(MASTER_LABEL.integrated)).toBeTypeOf('number');
    const before = await historyLength();
    expect(before).toBeGreaterThanOrEqual(10);

    const refused = await app.inject({ method: 'POST', url: '/api/meters/reset', payload: { now: true } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ code: string }>().code).toBe('LATHE_MESSAGE_INVALID');
    expect(await readout(MASTER_LABEL.integrated)).toBeTypeOf('number');

    const reset = await app.inject({ method: 'POST', url: '/api/meters/reset' });
    expect(reset.statusCode).toBe(204);
    await sleep(60); // a few blocks: the worker takes the event at its next block
    // Integrated loudness needs a whole 400 ms gating block again before it reads anything.
    expect(await readout(MASTER_LABEL.integrated)).toBeNull();
    expect(await historyLength()).toBeLessThan(before);
    await sleep(900);
    expect(await readout(MASTER_LABEL.integrated)).toBeCloseTo(-17, 0);
  });
});
