/**
 * The panel under load (issue 9, shown by 4): the engine's DSP load with 16 panel clients
 * streaming meters, side by side with none (alternating phases, so the machine's own drift shows
 * as the difference between like phases); the engine-to-client meter latency (p50/p95: a strip is
 * unmuted and the first meter frame showing it is timed); and the built client's gzip size
 * beside Lit's own runtime.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Engine, type ResolvedMix } from '../engine/index.ts';
import { buildApp } from '../web-panel/index.ts';
import { report } from './bench-report.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RATE = 48000;
const STRIPS = 32;
const CLIENTS = 16;
const PHASE_S = 8;

/** 32 strips, each a steady tone at its own frequency: the console works on every strip. */
function toneMix(): ResolvedMix {
  const stems = Array.from({ length: STRIPS }, (_, s) => [
    new Float32Array(RATE).map((_, i) => 0.2 * Math.sin((2 * Math.PI * (110 + 37 * s) * i) / RATE)),
  ]);
  return {
    file: 'inline',
    name: 'bench tones',
    sampleRate: RATE,
    layout: { strips: stems.map((_, s) => ({ label: `Tone ${s + 1}`, kind: 'mono' as const })), auxes: [] },
    values: new Map(),
    lanes: [],
    stems,
    stemFiles: stems.map(() => null),
    lengthFrames: RATE,
    loop: { start: 0, end: RATE },
  };
}

class Swarm {
  private readonly lines: AsyncIterator<string>;
  private readonly child;

  constructor(url: string) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'bench/support/panel-client-swarm.ts'), url],
      {
        cwd: REPO,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask<T>(command: string): Promise<T> {
    this.child.stdin.write(`${command}\n`);
    const line = await this.lines.next();
    if (line.done === true) throw new Error(`client swarm ended during "${command}"`);
    return JSON.parse(line.value) as T;
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.write('exit\n');
    await exited;
  }
}

/** Mean DSP load over a phase (the engine measures it once a second). */
async function meanLoad(engine: Engine): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the first window straddles the change
  const samples: number[] = [];
  for (let s = 0; s < PHASE_S; s++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    samples.push(engine.status().dspLoad);
  }
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function gzipBytes(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
}

export async function run(): Promise<void> {
  const engine = await Engine.start({
    audio: { kind: 'virtual' },
    sampleRate: RATE,
    blockSize: 128,
    mix: toneMix(),
    autoplay: true,
  });
  const app = await buildApp({ engine, staticDir: '/nonexistent' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const swarm = new Swarm(`ws://127.0.0.1:${port}/ws`);
  try {
    const idle: number[] = [];
    const busy: number[] = [];
    for (let round = 0; round < 2; round++) {
      idle.push(await meanLoad(engine));
      await swarm.ask(`connect ${CLIENTS}`);
      busy.push(await meanLoad(engine));
      if (round === 1) {
        const { latencyMs } = await swarm.ask<{ latencyMs: number[] }>('latency 100');
        report(
          'panel meter latency p50',
          percentile(latencyMs, 50),
          'ms',
          1000 / 40,
          'meter frame period (40 Hz)',
        );
        report('panel meter latency p95', percentile(latencyMs, 95), 'ms', 50, 'goal 50 ms');
      }
      await swarm.ask('disconnect');
    }
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const noise = Math.max(Math.abs(idle[0]! - idle[1]!), Math.abs(busy[0]! - busy[1]!));
    report(`dsp load, 0 panel clients`, mean(idle), 'load', mean(idle), '0 clients (itself)');
    report(`dsp load, ${CLIENTS} panel clients`, mean(busy), 'load', mean(idle), '0 clients');
    report(
      `dsp load change, ${CLIENTS} clients`,
      mean(busy) - mean(idle),
      'load',
      noise,
      'noise (like phases)',
    );
  } finally {
    await swarm.close();
    await app.close();
    await engine.stop();
  }

  // The client as `npm run build` leaves it (the bench builds it first when it is missing).
  const dist = path.join(REPO, 'dist/web-panel/assets');
  let built: string[] = [];
  try {
    built = readdirSync(dist)
      .filter((name) => name.endsWith('.js') || name.endsWith('.css'))
      .map((name) => path.join(dist, name));
  } catch {
    built = [];
  }
  if (built.length === 0) {
    console.log('panel client size: not built (run npm run build)');
    return;
  }
  const litRuntime = [
    'lit-html/lit-html.js',
    '@lit/reactive-element/reactive-element.js',
    'lit-element/lit-element.js',
  ].map((file) => path.join(REPO, 'node_modules', file));
  report(
    'panel client (gzip)',
    gzipBytes(built) / 1024,
    'KiB',
    gzipBytes(litRuntime) / 1024,
    'Lit runtime alone (gzip)',
  );
}
