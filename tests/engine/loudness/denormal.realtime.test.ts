import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';

const RATE = 48000;
const BLOCK = 128;

describe('LoudnessMeter timing', () => {
  it('processes silence after a full-scale burst as fast as programme (no subnormal slowdown)', () => {
    const meter = new LoudnessMeter(RATE, 2);
    const loud = new Float32Array(BLOCK * 375); // 1 s
    for (let i = 0; i < loud.length; i++) loud[i] = Math.sin((2 * Math.PI * 50 * i) / RATE);
    const silence = new Float32Array(BLOCK);
    const time = (channel: Float32Array, blocks: number): number[] => {
      const times: number[] = [];
      for (let k = 0; k < blocks; k++) {
        const view =
          channel.length === BLOCK ? channel : channel.subarray((k % 375) * BLOCK, ((k % 375) + 1) * BLOCK);
        const started = performance.now();
        for (let r = 0; r < 8; r++) meter.process([view, view], BLOCK);
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b);
    };
    time(loud, 3000); // warm up
    const programme = time(loud, 375);
    // 20 s of silence after the burst: without flushing, the high-pass states would decay into
    // subnormals about 3 s in and stay there, 25x slower per sample.
    const tail = time(silence, (375 * 20) / 8);
    const median = (t: number[]): number => t[Math.floor(t.length / 2)]!;
    const p99 = (t: number[]): number => t[Math.floor(t.length * 0.99)]!;
    console.log(
      `8 x 128 frames: programme median ${median(programme).toFixed(4)} ms, silence median ${median(tail).toFixed(4)} ms, p99 ${p99(tail).toFixed(4)} ms`,
    );
    expect(median(tail)).toBeLessThan(median(programme) * 3);
    expect(p99(tail)).toBeLessThan(median(programme) * 10);
  });
});
