import { describe, expect, it } from 'vitest';
import { FileBackend, createRuntime } from '../../engine/index.ts';

describe('file backend (offline)', () => {
  it('renders 60 s of two stems far faster than real time through the same block function', async () => {
    const rate = 48000;
    const frames = 60 * rate;
    const a = new Float32Array(frames).fill(0.5);
    const b = new Float32Array(frames).fill(-0.25);
    const { runtime, params, specs, graph } = createRuntime({
      stripCount: 2,
      sampleRate: rate,
      maxBlockFrames: 128,
    });
    params.write(
      specs.findIndex((spec) => spec.id === 'strip/02/pan'),
      -1,
    ); // strip 2 pan hard left
    const latency = graph.latencyFrames;
    const backend = new FileBackend({
      sampleRate: rate,
      blockSize: 128,
      inputs: [a, b],
      outputChannels: 2,
      lengthFrames: frames + 400,
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
    expect(left.length).toBe(frames + 400);
    // After the pan has settled: L = 0.5*cos(pi/4) + b, R = 0.5*sin(pi/4).
    const at = rate;
    expect(left[at]).toBeCloseTo(0.5 * Math.SQRT1_2 - 0.25, 5);
    expect(right[at]).toBeCloseTo(0.5 * Math.SQRT1_2, 5);
    // The input starts at output frame `latency` (the chain's latency), not before.
    expect(Math.abs(right[latency - 1]!)).toBeLessThan(1e-12);
    expect(Math.abs(right[latency + 1]!)).toBeGreaterThan(1e-6);
    expect(Math.abs(left[frames + latency + 50]!)).toBeLessThan(1e-12); // past the inputs: silence
  });
});
