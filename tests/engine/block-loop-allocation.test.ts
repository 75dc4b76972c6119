import { fileURLToPath } from 'node:url';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../support/heap-allocations.ts';
import { describe, expect, it } from 'vitest';
import { StemPlayer, createRuntime } from '../../engine/index.ts';

/** The engine's own files: the test's loop (main-thread parameter writes) is not the audio thread. */
const ENGINE_DIR = fileURLToPath(new URL('../../engine/', import.meta.url));

describe('the block loop', () => {
  it('allocates nothing per block: 8 strips and 2 aux effects, every processor on, the mix moving, events, meters and the master meter set', async () => {
    // 8 strips: every code path of the strip runs; more strips only repeat it (and cost CI time).
    const strips = 8;
    const { runtime, specs, params, events, meters } = createRuntime({
      stripCount: strips,
      sampleRate: 48000,
      maxBlockFrames: 128,
      eventCapacity: 64,
      masterMeters: true,
    });
    runtime.configure({ sampleRate: 48000, blockSize: 128, inputChannels: strips, outputChannels: 2 });
    // Every processor on, every send up: all the processing paths run.
    specs.forEach((spec, index) => {
      if (spec.id.endsWith('/on') || spec.id.endsWith('/mono-bass')) params.write(index, 1);
      if (spec.id.includes('/send/') && spec.id.endsWith('/level')) params.write(index, -10);
    });
    // What moves while mixing: trims, faders, pans, mutes, sends, EQ gains and frequencies,
    // compressor thresholds, the master fader and balance, across their ranges. (Moving the aux
    // effects' own times is not covered: see the issue note on the delay's time glide.)
    const mixMove =
      /^(strip\/\d+\/(input\/trim|fader|pan|mute|send\/\d+\/level|eq\/\d\/(gain|freq)|comp\/threshold)|master\/(fader|pan))$/;
    const moving = specs.flatMap((spec, index) => (mixMove.test(spec.id) ? [index] : []));
    const valueFor = (index: number, k: number): number => {
      const spec = specs[index]!;
      return spec.min + ((spec.max - spec.min) * ((k * 37) % 101)) / 100;
    };
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
        if (k % 7 === 0) params.write(moving[k % moving.length]!, valueFor(moving[k % moving.length]!, k));
        if (k % 11 === 0) {
          const index = moving[(k * 13) % moving.length]!;
          events.push(1, index, valueFor(index, k + 5));
        }
        player.fill(input, strips, 128);
        runtime.process(input, output, 128);
        if (k % 12 === 0) meters.read(peak, rms);
      }
    };
    // Warm up until everything is optimized, every parameter's update path included: code that
    // has run only a few times is interpreted, and the interpreter boxes doubles.
    for (let k = 0; k < 12 * moving.length; k++) {
      params.write(moving[k % moving.length]!, valueFor(moving[k % moving.length]!, k));
      player.fill(input, strips, 128);
      runtime.process(input, output, 128);
      if (k % 12 === 0) meters.read(peak, rms);
    }
    blocks(20_000)();
    const { short, long } = await steadyAllocations(ENGINE_DIR, blocks, { label: 'engine' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
    // 50-75 s per attempt on the 2-core VM under the profiler: room for three attempts.
  }, 300_000);
});
