import { describe, expect, it } from 'vitest';
import { LinkwitzRileySplitter3 } from '../../../engine/dsp/linkwitz-riley.ts';
import { StereoLr4Splitter } from '../../../engine/wasm/stereo-lr4-splitter.ts';

const RATE = 48000;
const BLOCK = 128;

/** Deterministic noise in -0.5..0.5. */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

describe('StereoLr4Splitter (WebAssembly)', () => {
  it('gives bit-identical bands and levels to two scalar LinkwitzRileySplitter3 channels', () => {
    const wasm = new StereoLr4Splitter(RATE, BLOCK);
    const scalar = new LinkwitzRileySplitter3(RATE, BLOCK, 2);
    const scalarBands = Array.from({ length: 6 }, () => new Float64Array(BLOCK));
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const frequencies = new Float64Array(2);
    const next = noise(3);
    let mismatches = 0;
    let compared = 0;
    let nonZeroTail = 0;
    for (let block = 0; block < 2000; block++) {
      // Crossovers move now and then (smoothed sweeps redesign the sections mid-stream).
      if (block % 250 === 0) {
        frequencies[0] = 60 + 900 * (next() + 0.5);
        frequencies[1] = 1500 + 9000 * (next() + 0.5);
        wasm.setFrequencies(frequencies, 0);
        scalar.setFrequencies(frequencies, 0);
      }
      // Loud blocks, then silence so the tails decay through the subnormal range (flushed).
      const gain = block % 500 < 300 ? 1 : 0;
      // Odd block lengths too: the kernel must not depend on the block size.
      const frames = block % 7 === 3 ? 37 : BLOCK;
      for (let i = 0; i < BLOCK; i++) {
        left[i] = gain * next();
        right[i] = gain * 0.5 * next();
      }
      wasm.process(left, right, frames);
      scalar.split(0, left, scalarBands[0]!, scalarBands[2]!, scalarBands[4]!, frames);
      scalar.split(1, right, scalarBands[1]!, scalarBands[3]!, scalarBands[5]!, frames);
      const wasmBands = [wasm.low, wasm.mid, wasm.high];
      for (let band = 0; band < 3; band++) {
        const interleaved = wasmBands[band]!;
        const l = scalarBands[2 * band]!;
        const r = scalarBands[2 * band + 1]!;
        const levels = wasm.levels[band]!;
        for (let i = 0; i < frames; i++) {
          compared++;
          if (interleaved[2 * i] !== l[i] || interleaved[2 * i + 1] !== r[i]) mismatches++;
          if (levels[i] !== Math.max(Math.abs(l[i]!), Math.abs(r[i]!))) mismatches++;
          if (gain === 0 && l[i] !== 0) nonZeroTail++;
        }
      }
    }
    expect(compared).toBeGreaterThan(600_000);
    expect(mismatches).toBe(0);
    // The silent stretches did exercise decaying tails, not only zeros.
    expect(nonZeroTail).toBeGreaterThan(1000);
  });

  it('reset clears the filter state', () => {
    const wasm = new StereoLr4Splitter(RATE, BLOCK);
    const left = new Float32Array(BLOCK).fill(0.5);
    wasm.process(left, left, BLOCK);
    wasm.reset();
    const silence = new Float32Array(BLOCK);
    wasm.process(silence, silence, BLOCK);
    expect(wasm.low.every((x) => x === 0) && wasm.mid.every((x) => x === 0)).toBe(true);
    expect(wasm.high.every((x) => x === 0)).toBe(true);
  });
});
