import { describe, expect, it } from 'vitest';
import {
  BiquadKind,
  DESIGN_ARGS,
  DESIGN_FREQUENCY,
  DESIGN_GAIN_DB,
  DESIGN_Q,
  DESIGN_SAMPLE_RATE,
  designBiquad,
} from '../../../engine/dsp/biquad-design.ts';
import { BiquadCascade } from '../../../engine/dsp/biquad-filter.ts';
import { StereoBiquadCascade } from '../../../engine/wasm/stereo-biquad-cascade.ts';

const BLOCK = 128;
const SECTIONS = 6;

function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

describe("StereoBiquadCascade, 'float32' precision (WebAssembly)", () => {
  it('is bit-identical to BiquadCascade.process per channel through enable, bypass, drain and clear', () => {
    const wasm = new StereoBiquadCascade(SECTIONS, BLOCK, 'float32');
    const scalar = new BiquadCascade(SECTIONS, 2);
    const args = new Float64Array(DESIGN_ARGS);
    args[DESIGN_SAMPLE_RATE] = 48000;
    const next = noise(11);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const scalarLeft = new Float32Array(BLOCK);
    const scalarRight = new Float32Array(BLOCK);
    let mismatches = 0;
    let compared = 0;
    let drained = 0;
    for (let block = 0; block < 3000; block++) {
      if (block % 100 === 0) {
        // Redesign, bypass (draining) or clear some slots, the same on both cascades.
        for (let slot = 0; slot < SECTIONS; slot++) {
          const choice = next() + 0.5;
          if (choice < 0.5) {
            args[DESIGN_FREQUENCY] = 30 + 15000 * (next() + 0.5);
            args[DESIGN_GAIN_DB] = 24 * next();
            args[DESIGN_Q] = 0.3 + 4 * (next() + 0.5);
            const kind = slot % 2 === 0 ? BiquadKind.peaking : BiquadKind.highShelf;
            designBiquad(kind, args, 0, wasm.coefficients, slot * 5);
            designBiquad(kind, args, 0, scalar.coefficients, slot * 5);
            wasm.enable(slot);
            scalar.enable(slot);
          } else if (choice < 0.85) {
            wasm.bypass(slot);
            scalar.bypass(slot);
          } else {
            wasm.clear(slot);
            scalar.clear(slot);
          }
        }
      }
      const settledWasm = wasm.settle();
      const settledScalar = scalar.settle();
      if (settledWasm !== settledScalar) mismatches++;
      for (let slot = 0; slot < SECTIONS; slot++) if (wasm.mode[slot] !== scalar.mode[slot]) mismatches++;
      if (wasm.mode.includes(2)) drained++;
      // Loud, then quiet stretches, so tails decay through the flush thresholds.
      const gain = block % 400 < 250 ? 1 : 0;
      const frames = block % 9 === 4 ? 53 : BLOCK;
      for (let i = 0; i < BLOCK; i++) {
        left[i] = scalarLeft[i] = gain * next();
        right[i] = scalarRight[i] = gain * 0.3 * next();
      }
      wasm.process(left, right, frames);
      scalar.process(0, scalarLeft, frames);
      scalar.process(1, scalarRight, frames);
      // The filter state too (in doubles: a reordered sum shows here long before in the output).
      for (let slot = 0; slot < SECTIONS; slot++) {
        for (let channel = 0; channel < 2; channel++) {
          const at = (channel * SECTIONS + slot) * 2;
          if (!Object.is(wasm.state[slot * 4 + channel], scalar.state[at])) mismatches++;
          if (!Object.is(wasm.state[slot * 4 + 2 + channel], scalar.state[at + 1])) mismatches++;
        }
      }
      for (let i = 0; i < BLOCK; i++) {
        compared++;
        if (!Object.is(left[i], scalarLeft[i]) || !Object.is(right[i], scalarRight[i])) mismatches++;
      }
    }
    expect(compared).toBe(3000 * BLOCK);
    expect(drained).toBeGreaterThan(3);
    expect(mismatches).toBe(0);
  });
});

describe("StereoBiquadCascade, 'float32' precision: groups of sections", () => {
  it('stays bit-identical with every pattern of running slots, odd frame counts and a mono signal in both lanes', () => {
    // Ten slots (the mastering EQ's L/R cascade): the kernel runs up to four running slots per
    // pass, so random on/off patterns give groups of one to four and several passes per block.
    const slots = 10;
    const wasm = new StereoBiquadCascade(slots, BLOCK, 'float32');
    const mono = new StereoBiquadCascade(slots, BLOCK, 'float32');
    const scalar = new BiquadCascade(slots, 2);
    const args = new Float64Array(DESIGN_ARGS);
    args[DESIGN_SAMPLE_RATE] = 48000;
    const next = noise(23);
    const kinds = [BiquadKind.highpass, BiquadKind.lowShelf, BiquadKind.peaking, BiquadKind.highShelf];
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const monoSignal = new Float32Array(BLOCK);
    const scalarLeft = new Float32Array(BLOCK);
    const scalarRight = new Float32Array(BLOCK);
    const groupSizes = new Set<number>();
    let mismatches = 0;
    let compared = 0;
    for (let block = 0; block < 4000; block++) {
      if (block % 40 === 0) {
        for (let slot = 0; slot < slots; slot++) {
          const choice = next() + 0.5;
          for (const cascade of [wasm, mono, scalar]) {
            if (choice < 0.55) {
              args[DESIGN_FREQUENCY] = 30 + 15000 * (slot / slots);
              args[DESIGN_GAIN_DB] = 12 * Math.sin(block + slot);
              args[DESIGN_Q] = 0.5 + slot / 4;
              designBiquad(kinds[slot % 4]!, args, 0, cascade.coefficients, slot * 5);
              cascade.enable(slot);
            } else if (choice < 0.8) {
              cascade.bypass(slot);
            } else {
              cascade.clear(slot);
            }
          }
        }
      }
      wasm.settle();
      mono.settle();
      scalar.settle();
      // Running slots in groups of four, as the kernel takes them.
      const running = Array.from(wasm.mode).filter((mode) => mode !== 0).length;
      for (let remaining = running; remaining > 0; remaining -= 4) groupSizes.add(Math.min(4, remaining));
      const gain = block % 300 < 200 ? 1 : 0;
      const frames = [BLOCK, 1, 3, 77, BLOCK - 1][block % 5]!;
      for (let i = 0; i < BLOCK; i++) {
        left[i] = scalarLeft[i] = gain * next();
        right[i] = scalarRight[i] = gain * 0.5 * next();
      }
      monoSignal.set(left);
      wasm.process(left, right, frames);
      mono.process(monoSignal, monoSignal, frames);
      scalar.process(0, scalarLeft, frames);
      scalar.process(1, scalarRight, frames);
      for (let i = 0; i < BLOCK; i++) {
        compared++;
        if (!Object.is(left[i], scalarLeft[i]) || !Object.is(right[i], scalarRight[i])) mismatches++;
        if (!Object.is(monoSignal[i], scalarLeft[i])) mismatches++;
      }
      for (let slot = 0; slot < slots; slot++) {
        for (let channel = 0; channel < 2; channel++) {
          const at = (channel * slots + slot) * 2;
          if (!Object.is(wasm.state[slot * 4 + channel], scalar.state[at])) mismatches++;
          if (!Object.is(wasm.state[slot * 4 + 2 + channel], scalar.state[at + 1])) mismatches++;
        }
        if (!Object.is(mono.state[slot * 4], scalar.state[slot * 2])) mismatches++;
        if (wasm.mode[slot] !== scalar.mode[slot] || mono.mode[slot] !== scalar.mode[slot]) mismatches++;
      }
    }
    expect(compared).toBe(4000 * BLOCK);
    expect([...groupSizes].sort()).toEqual([1, 2, 3, 4]);
    expect(mismatches).toBe(0);
  });
});
