import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const RATE = 48000;
const BLOCK = 4800;

describe('LoudnessMeter memory', () => {
  it('stays constant over 2 hours of programme (48 kHz stereo) and reads what 100 s of it read', () => {
    // Ten levels, each held 1 s, cycled: every 10 s the same pattern (short-term loudness
    // varies, so LRA is not trivially 0), and the integrated loudness and LRA of 2 h must equal
    // those of a shorter stretch.
    const blocks = Array.from({ length: 10 }, (_, k) => {
      const amplitude = 10 ** ((-40 + 3 * k) / 20);
      const channel = new Float32Array(BLOCK);
      // 1 kHz fits 100 ms exactly: blocks join without phase jumps.
      for (let i = 0; i < BLOCK; i++) channel[i] = amplitude * Math.sin((2 * Math.PI * 1000 * i) / RATE);
      return [channel, channel];
    });
    const run = (meter: LoudnessMeter, seconds: number): void => {
      for (let k = 0; k < Math.round(seconds * 10); k++)
        meter.process(blocks[Math.floor(k / 10) % 10]!, BLOCK);
    };
    // 100.3 s: gating blocks end at 0.4, 0.5, ... 100.3 s, 1000 of them, every phase of the
    // 10 s pattern equally often (over 2 h the leftover phases weigh 1e-4).
    const short = new LoudnessMeter(RATE, 2);
    run(short, 100.3);

    const meter = new LoudnessMeter(RATE, 2);
    run(meter, 60);
    const before = heapAfterGc();
    const started = performance.now();
    run(meter, 2 * 3600 - 60);
    const seconds = (performance.now() - started) / 1000;
    const after = heapAfterGc();
    console.log(
      `2 h: heap ${((after - before) / 1024).toFixed(1)} KiB growth, ${seconds.toFixed(1)} s CPU; I ${meter.integrated().toFixed(4)} vs ${short.integrated().toFixed(4)}, LRA ${meter.loudnessRange().toFixed(2)} vs ${short.loudnessRange().toFixed(2)}`,
    );
    expect(after - before).toBeLessThan(256 * 1024);
    expect(meter.snapshot().seconds).toBeCloseTo(7200, 6);
    expect(Math.abs(meter.integrated() - short.integrated())).toBeLessThan(0.01);
    expect(meter.loudnessRange()).toBeGreaterThan(10);
    expect(Math.abs(meter.loudnessRange() - short.loudnessRange())).toBeLessThanOrEqual(0.1);
  }, 120_000);
});
