import { describe, expect, it } from 'vitest';
import { createRuntime, type ConsoleLayout } from '../../engine/index.ts';

/**
 * Offline renders hand the console each block's input channels as separate arrays
 * (ConsoleGraph.usePlanarInput); the live backends interleave them. The same samples must make
 * the same output either way, for every strip's channels (a mono strip on channel 0, a stereo
 * strip on 1 and 2, a stereo strip on 3 whose right channel is missing: silence both ways).
 */
describe('planar input blocks', () => {
  it('give the console the same output as the same samples interleaved', () => {
    const layout: ConsoleLayout = {
      strips: [
        { label: 'Mono', kind: 'mono' },
        { label: 'Stereo', kind: 'stereo' },
        { label: 'Half', kind: 'stereo' },
      ],
      auxes: [],
    };
    const block = 128;
    const channels = 4;
    const blocks = 40;
    let seed = 3;
    const samples = Float32Array.from({ length: blocks * block * channels }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32 - 0.5;
    });
    const outputs: Float32Array[] = [];
    for (const planar of [false, true]) {
      const { runtime, graph } = createRuntime({ layout, sampleRate: 48000, maxBlockFrames: block });
      runtime.configure({ sampleRate: 48000, blockSize: block, inputChannels: channels, outputChannels: 0 });
      // Planar: one array per channel, the fourth missing (silence), as runOffline's views.
      const lines = Array.from({ length: channels - 1 }, () => new Float32Array(block));
      const input = new Float32Array(planar ? 0 : channels * block);
      const out = new Float32Array(2 * blocks * block);
      for (let k = 0; k < blocks; k++) {
        for (let i = 0; i < block; i++) {
          for (let c = 0; c < channels; c++) {
            const x = c < channels - 1 ? samples[(k * block + i) * channels + c]! : 0;
            if (planar) {
              if (c < channels - 1) lines[c]![i] = x;
            } else input[i * channels + c] = x;
          }
        }
        if (planar) runtime.usePlanarInput(lines);
        runtime.process(input, new Float32Array(0), block);
        out.set(graph.masterLeft.subarray(0, block), 2 * k * block);
        out.set(graph.masterRight.subarray(0, block), (2 * k + 1) * block);
      }
      outputs.push(out);
    }
    const [interleaved, planar] = outputs as [Float32Array, Float32Array];
    expect(interleaved.some((x) => Math.abs(x) > 0.05)).toBe(true);
    expect(planar).toEqual(interleaved);
  });
});
