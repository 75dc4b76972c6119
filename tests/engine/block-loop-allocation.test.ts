import { Session } from 'node:inspector/promises';
import { allocationsIn } from '../support/heap-allocations.ts';
import { describe, expect, it } from 'vitest';
import { StemPlayer, createRuntime } from '../../engine/index.ts';

describe('the block loop', () => {
  it('allocates nothing per block: 32 strips with parameter changes, events, meters', async () => {
    const strips = 32;
    const { runtime, specs, params, events, meters } = createRuntime({
      stripCount: strips,
      sampleRate: 48000,
      maxBlockFrames: 128,
      eventCapacity: 64,
    });
    runtime.configure({ sampleRate: 48000, blockSize: 128, inputChannels: strips, outputChannels: 2 });
    const player = new StemPlayer(
      Array.from({ length: strips }, (_, s) =>
        new Float32Array(4800).map((_, i) => Math.sin(i * 0.01 * (s + 1))),
      ),
    );
    const input = new Float32Array(128 * strips);
    const output = new Float32Array(256);
    const peak = new Float32Array(meters.slots);
    const rms = new Float32Array(meters.slots);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        // The main thread's side, interleaved, so parameter and event paths run too.
        if (k % 7 === 0) params.write(k % specs.length, -1 - (k % 60));
        if (k % 11 === 0) events.push(1, k % specs.length, -3);
        player.fill(input, strips, 128);
        runtime.process(input, output, 128);
        if (k % 12 === 0) meters.read(peak, rms);
      }
    };
    blocks(20_000)(); // warm up until everything is optimized
    const session = new Session();
    session.connect();
    // One-off costs (the profiler's own hooks, lazy feedback) do not scale with the run; a
    // per-block allocation of even one boxed number (16 bytes) would add 1.3 MB here.
    const short = await allocationsIn(session, '/engine/', blocks(20_000));
    const long = await allocationsIn(session, '/engine/', blocks(100_000));
    session.disconnect();
    console.log(`engine allocations: ${short} bytes over 20k blocks, ${long} bytes over 100k blocks`);
    expect(long - short).toBeLessThan(4096);
    expect(long).toBeLessThan(64 * 1024);
  }, 60_000);
});
