import { describe, expect, it } from 'vitest';
import { createMixParamSpecs, MeterBlock, meterSlotCount, MixGraph } from '../../engine/index.ts';
import { peak, rms } from '../support/signal.ts';

const RATE = 48000;
const BLOCK = 128;

function makeGraph(strips: number): { graph: MixGraph; meters: MeterBlock } {
  const graph = new MixGraph({
    stripCount: strips,
    sampleRate: RATE,
    maxBlockFrames: BLOCK,
    specs: createMixParamSpecs(strips),
  });
  return { graph, meters: MeterBlock.create(meterSlotCount(strips)) };
}

/** Runs `blocks` blocks of a constant input per strip; returns planar L/R output. */
function run(
  graph: MixGraph,
  inputs: number[],
  blocks: number,
  meters: MeterBlock | null = null,
): [Float32Array, Float32Array] {
  const channels = inputs.length;
  const input = new Float32Array(BLOCK * channels);
  for (let i = 0; i < BLOCK; i++) for (let c = 0; c < channels; c++) input[i * channels + c] = inputs[c]!;
  const output = new Float32Array(BLOCK * 2);
  const left = new Float32Array(blocks * BLOCK);
  const right = new Float32Array(blocks * BLOCK);
  for (let b = 0; b < blocks; b++) {
    graph.process(input, channels, output, 2, BLOCK, meters);
    for (let i = 0; i < BLOCK; i++) {
      left[b * BLOCK + i] = output[2 * i]!;
      right[b * BLOCK + i] = output[2 * i + 1]!;
    }
  }
  return [left, right];
}

describe('MixGraph', () => {
  it('pans a centred strip at -3 dB per side (constant power) and hard left fully left', () => {
    const { graph } = makeGraph(2);
    graph.jumpTo(4, -1); // strip 2 pan hard left
    const [left, right] = run(graph, [1, 0], 4);
    expect(left[BLOCK * 3]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(right[BLOCK * 3]).toBeCloseTo(Math.SQRT1_2, 6);
    const [l2, r2] = run(graph, [0, 1], 4);
    expect(l2[BLOCK * 3]).toBeCloseTo(1, 6);
    expect(r2[BLOCK * 3]).toBeCloseTo(0, 6);
  });

  it('applies fader, master fader and master balance in dB', () => {
    const { graph } = makeGraph(1);
    graph.jumpTo(0, -6); // strip fader
    graph.jumpTo(3, -3); // master fader
    graph.jumpTo(4, 1); // master balance hard right: left side out
    const [left, right] = run(graph, [1], 2);
    expect(right[BLOCK]).toBeCloseTo(Math.SQRT1_2 * Math.pow(10, -9 / 20), 6);
    expect(left[BLOCK]).toBeCloseTo(0, 6);
  });

  it('smooths a fader jump: no step, settles on the target', () => {
    const { graph } = makeGraph(1);
    graph.jumpTo(1, 1); // pan right so the right output is the strip gain exactly
    graph.jumpTo(0, -60);
    run(graph, [1], 4);
    graph.setTarget(0, 0);
    const [, right] = run(graph, [1], 400);
    let largestStep = 0;
    for (let i = 1; i < right.length; i++)
      largestStep = Math.max(largestStep, Math.abs(right[i]! - right[i - 1]!));
    // One-pole in dB with tau = 20 ms (960 samples): the steepest slope of 10^(dB/20) is
    // 0.368 / 960 per sample. An unsmoothed jump would be a single step of 0.999.
    expect(largestStep).toBeLessThan(0.0006);
    expect(right[right.length - 1]).toBeCloseTo(1, 5);
  });

  it('ramps mute over 5 ms instead of switching', () => {
    const { graph } = makeGraph(1);
    graph.jumpTo(1, 1);
    run(graph, [1], 2);
    graph.setTarget(2, 1);
    const [, right] = run(graph, [1], 4);
    // 5 ms = 240 samples: after one 128-frame block the gain is still above zero.
    expect(right[BLOCK - 1]).toBeGreaterThan(0.4);
    expect(right[BLOCK - 1]).toBeLessThan(0.6);
    expect(right[3 * BLOCK - 1]).toBe(0);
    let largestStep = 0;
    for (let i = 1; i < right.length; i++)
      largestStep = Math.max(largestStep, Math.abs(right[i]! - right[i - 1]!));
    expect(largestStep).toBeLessThan(2 / 240);
  });

  it('meters each strip post-fader and the master, peak and RMS', () => {
    const { graph, meters } = makeGraph(2);
    graph.jumpTo(0, -6);
    const channels = 2;
    const input = new Float32Array(BLOCK * channels);
    for (let i = 0; i < BLOCK; i++) {
      input[i * channels] = 0.5 * Math.sin((2 * Math.PI * i) / 32); // 4 whole periods per block
      input[i * channels + 1] = 0;
    }
    const output = new Float32Array(BLOCK * 2);
    for (let b = 0; b < 10; b++) graph.process(input, channels, output, 2, BLOCK, meters);
    const p = new Float32Array(4);
    const r = new Float32Array(4);
    expect(meters.read(p, r)).toBe(10 * BLOCK);
    const gain = Math.pow(10, -6 / 20);
    expect(p[0]).toBeCloseTo(0.5 * gain, 5);
    expect(r[0]).toBeCloseTo((0.5 * gain) / Math.SQRT2, 5);
    expect(p[1]).toBe(0);
    expect(p[2]).toBeCloseTo(0.5 * gain * Math.SQRT1_2, 5);
    const left = new Float32Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) left[i] = output[2 * i]!;
    expect(r[2]).toBeCloseTo(rms(left), 5);
    expect(p[3]).toBeCloseTo(peak(left), 5);
  });

  it('gives a mono output (L+R)/2 and silences outputs beyond two', () => {
    const { graph } = makeGraph(1);
    const input = new Float32Array(BLOCK).fill(1);
    const mono = new Float32Array(BLOCK);
    graph.process(input, 1, mono, 1, BLOCK, null);
    expect(mono[BLOCK - 1]).toBeCloseTo(Math.SQRT1_2, 6);
    const four = new Float32Array(BLOCK * 4).fill(9);
    graph.process(input, 1, four, 4, BLOCK, null);
    expect(four[4 * (BLOCK - 1) + 2]).toBe(0);
    expect(four[4 * (BLOCK - 1) + 3]).toBe(0);
  });
});
