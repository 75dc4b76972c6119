import { describe, expect, it } from 'vitest';
import { FileBackend, createRuntime } from '../../engine/index.ts';

describe('file backend (offline)', () => {
  it('renders 60 s of two stems far faster than real time through the same block function', async () => {
    const rate = 48000;
    const frames = 60 * rate;
    const a = new Float32Array(frames).fill(0.5);
    const b = new Float32Array(frames).map((_, i) => (i % 2 === 0 ? 0.25 : -0.25));
    const { runtime, params } = createRuntime({ stripCount: 2, sampleRate: rate, maxBlockFrames: 128 });
    params.write(2 * 3 - 2, -1); // strip 2 pan hard left
    const backend = new FileBackend({
      sampleRate: rate,
      blockSize: 128,
      inputs: [a, b],
      outputChannels: 2,
      lengthFrames: frames + 100,
    });
    const started = performance.now();
    await runtime.run(
      backend,
      () => null,
      () => undefined,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(30); // sanity only; speed is a benchmark's job
    const [left, right] = backend.outputs as [Float32Array, Float32Array];
    expect(left.length).toBe(frames + 100);
    // After the pan has settled: L = 0.5*cos(pi/4) + b, R = 0.5*sin(pi/4).
    const at = rate; // even index
    expect(left[at]).toBeCloseTo(0.5 * Math.SQRT1_2 + 0.25, 5);
    expect(left[at + 1]).toBeCloseTo(0.5 * Math.SQRT1_2 - 0.25, 5);
    expect(right[at]).toBeCloseTo(0.5 * Math.SQRT1_2, 5);
    expect(left[frames + 50]).toBe(0); // past the inputs: silence
  });
});
