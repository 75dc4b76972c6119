import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/index.ts';
import { buildApp, type ServerMessage } from '../../web-panel/index.ts';
import { JACK_SERVER, startPrivateJack, useJackServer } from '../support/jack.ts';

// Its own jackd, so killing it cannot disturb the other real-audio tests.
describe.skipIf(JACK_SERVER === undefined)('the audio device failing while running', () => {
  let jackd: ChildProcess | undefined;
  let engine: Engine | undefined;
  afterAll(async () => {
    await engine?.stop();
    if (jackd?.exitCode === null) jackd.kill('SIGKILL');
  });

  it('the engine continues on the virtual clock, reports it, and the panel shows it', async () => {
    const name = `lathe-fail-${process.pid}`;
    jackd = await startPrivateJack(name);
    useJackServer(name);
    engine = await Engine.start({
      audio: { kind: 'portaudio', candidates: ['jackloop'], required: true },
      sampleRate: 48000,
      blockSize: 128,
      stripCount: 2,
      watchdogMs: 300,
    });
    const app = await buildApp({ engine, staticDir: '/nonexistent', statusIntervalMs: 100 });
    await app.ready();
    const socket = await app.injectWS('/ws');
    const messages: ServerMessage[] = [];
    socket.on('message', (data, isBinary) => {
      if (!isBinary) messages.push(JSON.parse((data as Buffer).toString()) as ServerMessage);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(engine.status().backend).toBe('portaudio');
    const faults: string[] = [];
    engine.on('fault', (reason) => faults.push(reason));

    // The server goes away under a running stream. SIGTERM, not SIGKILL: a SIGKILLed jackd
    // leaves its shared memory registered, and after a few of those no JACK server starts.
    const killedAt = Date.now();
    jackd.kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (faults.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatch(/jackloop/);
    console.log(`device failure noticed after ${Date.now() - killedAt} ms: ${faults[0]}`);

    const status = engine.status();
    expect(status.backend).toBe('virtual');
    expect(status.fault).toBe(faults[0]);
    const blocks = status.blocks;
    await new Promise((r) => setTimeout(r, 500));
    // Still processing in real time on the virtual clock (~187 blocks in 500 ms).
    expect(engine.status().blocks - blocks).toBeGreaterThan(120);
    const shown = messages.find((m) => m.type === 'status' && m.status.fault !== undefined);
    expect(shown).toBeDefined();
    if (shown?.type === 'status') expect(shown.status.backend).toBe('virtual');
    // Parameters still work after the fault.
    engine.params.set('strip/01/fader', -12, 'test');
    expect(engine.params.get('strip/01/fader')).toBe(-12);
    socket.terminate();
    await app.close();
  }, 30_000);
});
