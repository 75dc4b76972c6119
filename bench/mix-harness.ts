import { StemPlayer, createRuntime } from '../engine/index.ts';

export const RATE = 48000;
export const BLOCK = 128;

/** The real block function (params, events, graph, meters) for `strips` strips fed by looping noise stems. */
export function createMixHarness(strips: number): {
  block: (k: number) => void;
  input: Float32Array;
  output: Float32Array;
} {
  const { runtime, specs, params, meters } = createRuntime({
    stripCount: strips,
    sampleRate: RATE,
    maxBlockFrames: BLOCK,
  });
  runtime.configure({ sampleRate: RATE, blockSize: BLOCK, inputChannels: strips, outputChannels: 2 });
  let seed = 1;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  const player = new StemPlayer(
    Array.from({ length: strips }, () => Float32Array.from({ length: RATE }, noise)),
  );
  const input = new Float32Array(BLOCK * strips);
  const output = new Float32Array(BLOCK * 2);
  const peak = new Float32Array(meters.slots);
  const rms = new Float32Array(meters.slots);
  return {
    input,
    output,
    block: (k: number): void => {
      // Faders keep moving (a worst case for smoothing), meters are read at ~30 Hz.
      if (k % 4 === 0) params.write((k >> 2) % specs.length, -1 - (k % 40));
      player.fill(input, strips, BLOCK);
      runtime.process(input, output, BLOCK);
      if (k % 12 === 0) meters.read(peak, rms);
    },
  };
}
