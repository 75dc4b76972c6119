import { describe, expect, it } from 'vitest';
import {
  ConsoleGraph,
  consoleMeterSlots,
  defaultLayout,
  MeterBlock,
  SILENCE_DB,
  type ConsoleLayout,
} from '../../engine/index.ts';
import { peak, rms } from '../support/signal.ts';

const RATE = 48000;
const BLOCK = 128;
/** Below the limiter's default ceiling, so the master chain passes it untouched. */
const LEVEL = 0.5;

function makeGraph(layout: ConsoleLayout): {
  graph: ConsoleGraph;
  meters: MeterBlock;
  at: (id: string) => number;
} {
  const graph = new ConsoleGraph({ layout, sampleRate: RATE, maxBlockFrames: BLOCK });
  const at = (id: string): number => {
    const index = graph.params.specs.findIndex((spec) => spec.id === id);
    if (index < 0) throw new Error(`no parameter ${id}`);
    return index;
  };
  return { graph, meters: MeterBlock.create(consoleMeterSlots(layout)), at };
}

const mono = (strips: number): ConsoleLayout => defaultLayout(strips);

/** Runs `blocks` blocks of a constant input per channel; returns planar L/R output. */
function run(
  graph: ConsoleGraph,
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
    graph.transport.plan(BLOCK);
    graph.process(input, channels, output, 2, BLOCK, meters);
    graph.transport.advance();
    for (let i = 0; i < BLOCK; i++) {
      left[b * BLOCK + i] = output[2 * i]!;
      right[b * BLOCK + i] = output[2 * i + 1]!;
    }
  }
  return [left, right];
}

function largestStep(samples: Float32Array, from = 1): number {
  let step = 0;
  for (let i = Math.max(1, from); i < samples.length; i++)
    step = Math.max(step, Math.abs(samples[i]! - samples[i - 1]!));
  return step;
}

describe('ConsoleGraph: faders, pans and the master', () => {
  it('pans a centred mono strip at -3 dB per side (constant power) and hard left fully left', () => {
    const { graph, at } = makeGraph(mono(2));
    graph.jumpTo(at('strip/02/pan'), -1);
    const [left, right] = run(graph, [LEVEL, 0], 4);
    expect(left[BLOCK * 3]).toBeCloseTo(LEVEL * Math.SQRT1_2, 6);
    expect(right[BLOCK * 3]).toBeCloseTo(LEVEL * Math.SQRT1_2, 6);
    const [l2, r2] = run(graph, [0, LEVEL], 4);
    expect(l2[BLOCK * 3]).toBeCloseTo(LEVEL, 6);
    expect(r2[BLOCK * 3]).toBeCloseTo(0, 6);
  });

  it('applies fader, master fader and master balance in dB', () => {
    const { graph, at } = makeGraph(mono(1));
    graph.jumpTo(at('strip/01/fader'), -6);
    graph.jumpTo(at('master/fader'), -3);
    graph.jumpTo(at('master/pan'), 1);
    const [left, right] = run(graph, [LEVEL], 4);
    expect(right[BLOCK * 3]).toBeCloseTo(LEVEL * Math.SQRT1_2 * Math.pow(10, -9 / 20), 6);
    expect(left[BLOCK * 3]).toBeCloseTo(0, 6);
  });

  it('a fader jump from -inf to 0 dB does not click: bounded sample-to-sample step', () => {
    const { graph, at } = makeGraph(mono(1));
    graph.jumpTo(at('strip/01/pan'), 1); // right output = strip gain exactly
    graph.jumpTo(at('strip/01/fader'), SILENCE_DB);
    run(graph, [LEVEL], 4);
    graph.setTarget(at('strip/01/fader'), 0);
    const [, right] = run(graph, [LEVEL], 400);
    // One-pole in dB, tau 20 ms (960 samples): the steepest slope of 10^(dB/20) is 0.368/960
    // of the level per sample; an unsmoothed jump would be one step of the whole level.
    expect(largestStep(right)).toBeLessThan(0.0006 * LEVEL);
    expect(right[right.length - 1]).toBeCloseTo(LEVEL, 5);
  });

  it('ramps mute over 5 ms instead of switching', () => {
    const { graph, at } = makeGraph(mono(1));
    graph.jumpTo(at('strip/01/pan'), 1);
    run(graph, [LEVEL], 2);
    run(graph, [LEVEL], 60); // past the chain's latency, and the limiter's release after the onset
    graph.setTarget(at('strip/01/mute'), 1);
    const [, right] = run(graph, [LEVEL], 6);
    // The ramp starts with the block and is heard after the master chain's latency: it follows
    // the strip's processors, so their latency does not apply to it.
    const start = right.findIndex((x) => x < LEVEL * (1 - 1e-6));
    expect(start).toBeGreaterThan(0);
    expect(right[start + BLOCK - 1]! / LEVEL).toBeGreaterThan(0.4);
    expect(right[start + BLOCK - 1]! / LEVEL).toBeLessThan(0.6);
    expect(right[start + 3 * BLOCK - 1]).toBeCloseTo(0, 12);
    expect(largestStep(right)).toBeLessThan((2 * LEVEL) / 240);
  });

  it('meters each strip post-fader, each aux return, and the master', () => {
    const layout = mono(2);
    const { graph, meters, at } = makeGraph(layout);
    graph.jumpTo(at('strip/01/fader'), -6);
    const channels = 2;
    const input = new Float32Array(BLOCK * channels);
    for (let i = 0; i < BLOCK; i++) input[i * channels] = LEVEL * Math.sin((2 * Math.PI * i) / 32);
    const output = new Float32Array(BLOCK * 2);
    const slots = consoleMeterSlots(layout);
    expect(slots).toBe(2 + 2 + 2);
    const p = new Float32Array(slots);
    const r = new Float32Array(slots);
    const blocks = (count: number): void => {
      for (let b = 0; b < count; b++) {
        graph.transport.plan(BLOCK);
        graph.process(input, channels, output, 2, BLOCK, meters);
      }
    };
    blocks(4); // past the strip chain's latency
    meters.read(p, r);
    blocks(10);
    expect(meters.read(p, r)).toBe(10 * BLOCK);
    const gain = Math.pow(10, -6 / 20);
    expect(p[0]).toBeCloseTo(LEVEL * gain, 5);
    expect(r[0]).toBeCloseTo((LEVEL * gain) / Math.SQRT2, 5);
    expect(p[1]).toBeCloseTo(0, 12);
    expect(p[2]).toBeCloseTo(0, 12); // reverb return: no sends
    const left = new Float32Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) left[i] = output[2 * i]!;
    expect(p[4]).toBeCloseTo(LEVEL * gain * Math.SQRT1_2, 4);
    expect(r[4]).toBeCloseTo(rms(left), 4);
    expect(p[4]).toBeCloseTo(peak(left), 5);
  });

  it('gives a mono output (L+R)/2 and silences outputs beyond two', () => {
    const { graph } = makeGraph(mono(1));
    const input = new Float32Array(BLOCK).fill(LEVEL);
    const monoOut = new Float32Array(BLOCK);
    graph.transport.plan(BLOCK);
    for (let b = 0; b < 4; b++) graph.process(input, 1, monoOut, 1, BLOCK, null); // past the latency
    expect(monoOut[BLOCK - 1]).toBeCloseTo(LEVEL * Math.SQRT1_2, 6);
    const four = new Float32Array(BLOCK * 4).fill(9);
    graph.process(input, 1, four, 4, BLOCK, null);
    expect(four[4 * (BLOCK - 1) + 2]).toBeCloseTo(0, 12);
    expect(four[4 * (BLOCK - 1) + 3]).toBeCloseTo(0, 12);
  });
});

describe('ConsoleGraph: trim, polarity, solo, sends, stereo strips, stems', () => {
  it('trims in dB and inverts polarity with a ramp through zero', () => {
    const { graph, at } = makeGraph(mono(1));
    graph.jumpTo(at('strip/01/pan'), 1);
    graph.jumpTo(at('strip/01/input/trim'), -6);
    let [, right] = run(graph, [LEVEL], 2);
    expect(right[2 * BLOCK - 1]).toBeCloseTo(LEVEL * Math.pow(10, -6 / 20), 6);
    graph.setTarget(at('strip/01/input/polarity'), 1);
    [, right] = run(graph, [LEVEL], 4);
    expect(right[4 * BLOCK - 1]).toBeCloseTo(-LEVEL * Math.pow(10, -6 / 20), 6);
    expect(largestStep(right)).toBeLessThan((2 * LEVEL) / 240);
  });

  it('solo in place mutes the other strips, except solo-safe ones; returns stay audible', () => {
    const { graph, at } = makeGraph(mono(3));
    graph.jumpTo(at('strip/01/pan'), -1);
    graph.jumpTo(at('strip/02/pan'), 1);
    graph.jumpTo(at('strip/03/pan'), 1);
    graph.jumpTo(at('strip/03/solo-safe'), 1);
    graph.jumpTo(at('strip/01/solo'), 1);
    const [left, right] = run(graph, [LEVEL, 0.25, 0], 6);
    expect(left[6 * BLOCK - 1]).toBeCloseTo(LEVEL, 6);
    expect(right[6 * BLOCK - 1]).toBeCloseTo(0, 12);
    const [, right2] = run(graph, [LEVEL, 0, 0.25], 6);
    expect(right2[6 * BLOCK - 1]).toBeCloseTo(0.25, 6);
    // Un-solo: strip 2 comes back, ramped.
    graph.setTarget(at('strip/01/solo'), 0);
    run(graph, [0, 0.25, 0], 2); // the new input through the chain's latency first
    const [, right3] = run(graph, [0, 0.25, 0], 6);
    expect(right3[6 * BLOCK - 1]).toBeCloseTo(0.25, 6);
    expect(largestStep(right3)).toBeLessThan(0.5 / 240);
  });

  it('post-fader sends follow the fader, pre-fader sends do not; the return level scales both', () => {
    const layout: ConsoleLayout = {
      strips: [{ label: 'A', kind: 'mono' }],
      auxes: [{ label: 'FX', effect: 'chorus' }],
    };
    const { graph, meters, at } = makeGraph(layout);
    // The chorus at mix 0 % is a dry path (the effect's own dry/wet), so the return carries the send.
    graph.jumpTo(at('aux/01/mix'), 0);
    graph.jumpTo(at('strip/01/fader'), -10);
    graph.jumpTo(at('strip/01/send/1/level'), -6);
    const slots = consoleMeterSlots(layout);
    const p = new Float32Array(slots);
    const r = new Float32Array(slots);
    run(graph, [LEVEL], 4, meters);
    meters.read(p, r);
    // Post-fader, post-pan (centre): level * fader * send * -3 dB, on each side.
    expect(p[1]).toBeCloseTo(LEVEL * Math.pow(10, -16 / 20) * Math.SQRT1_2, 4);
    graph.jumpTo(at('strip/01/send/1/pre'), 1);
    run(graph, [LEVEL], 4, meters);
    meters.read(p, r);
    expect(p[1]).toBeCloseTo(LEVEL * Math.pow(10, -6 / 20) * Math.SQRT1_2, 4);
    graph.jumpTo(at('aux/01/return'), -6);
    run(graph, [LEVEL], 4, meters);
    meters.read(p, r);
    expect(p[1]).toBeCloseTo(LEVEL * Math.pow(10, -12 / 20) * Math.SQRT1_2, 4);
  });

  it('stereo strips: width 0 folds to mono, 100 % passes, balance follows the master law', () => {
    const layout: ConsoleLayout = { strips: [{ label: 'St', kind: 'stereo' }], auxes: [] };
    const { graph, at } = makeGraph(layout);
    let [left, right] = run(graph, [LEVEL, 0.1], 4);
    expect(left[4 * BLOCK - 1]).toBeCloseTo(LEVEL, 6);
    expect(right[4 * BLOCK - 1]).toBeCloseTo(0.1, 6);
    graph.jumpTo(at('strip/01/width'), 0);
    [left, right] = run(graph, [LEVEL, 0.1], 4);
    expect(left[4 * BLOCK - 1]).toBeCloseTo((LEVEL + 0.1) / 2, 6);
    expect(right[4 * BLOCK - 1]).toBeCloseTo((LEVEL + 0.1) / 2, 6);
    graph.jumpTo(at('strip/01/width'), 100);
    graph.jumpTo(at('strip/01/pan'), -1);
    [left, right] = run(graph, [LEVEL, 0.1], 4);
    expect(left[4 * BLOCK - 1]).toBeCloseTo(LEVEL, 6);
    expect(right[4 * BLOCK - 1]).toBeCloseTo(0, 6);
  });

  it('plays stems at the transport position and wraps the loop sample-exactly', () => {
    const { graph, at } = makeGraph(mono(1));
    graph.jumpTo(at('strip/01/pan'), 1);
    const stem = Float32Array.from({ length: 1000 }, (_, i) => (i + 1) / 4000);
    graph.stems.place(0, [stem]);
    graph.transport.setLoop(100, 300, true);
    graph.transport.locate(100);
    let [, right] = run(graph, [0], 1);
    expect(right[0]).toBeCloseTo(0, 12); // stopped: stems are silent
    graph.transport.play();
    [, right] = run(graph, [0], 4);
    // 512 frames of a 200-frame loop starting at 100: frame k plays stem[100 + k % 200], heard
    // after the chain's latency. (The reverb return adds its anti-denormal floor, ~ -380 dBFS.)
    const latency = graph.latencyFrames;
    for (let k = 0; k + latency < 4 * BLOCK; k++) {
      expect(Math.abs(right[k + latency]! - stem[100 + (k % 200)]!)).toBeLessThan(1e-12);
    }
  });
});
