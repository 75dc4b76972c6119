import { describe, expect, it } from 'vitest';
import { ConsoleMixKernel, MixSlot, RampSlot } from '../../engine/wasm/console-mix-kernel.ts';

/**
 * The graph's mixing loops in WebAssembly against the JavaScript they replaced (written out here
 * as the reference): every output sample, peak and sum of squares must be the same double/float,
 * bit for bit (Object.is), including NaN input, odd block lengths and ramps.
 */
const N = 131;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fill(target: Float32Array, next: () => number, n: number, scale = 2): void {
  for (let i = 0; i < n; i++) target[i] = scale * (next() - 0.5);
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, n: number): void {
  let mismatches = 0;
  for (let i = 0; i < n; i++) if (!Object.is(actual[i], expected[i])) mismatches++;
  expect(mismatches).toBe(0);
}

describe('ConsoleMixKernel', () => {
  it('mixes a stereo strip (width, balance, fader ramps) exactly as the scalar code', () => {
    const next = random(1);
    for (let round = 0; round < 20; round++) {
      const kernel = new ConsoleMixKernel(256, 0);
      const n = round === 0 ? N : 1 + Math.floor(next() * 200);
      fill(kernel.stripLeft, next, n);
      fill(kernel.stripRight, next, n);
      if (round === 3) kernel.stripLeft[7] = Number.NaN;
      fill(kernel.mixLeft, next, n, 0.5);
      fill(kernel.mixRight, next, n, 0.5);
      const mixLeft = kernel.mixLeft.slice();
      const mixRight = kernel.mixRight.slice();
      const ramp = Array.from({ length: 8 }, () => next() * 2 - 0.5);
      kernel.params.set(ramp);
      const [g0, sg, gl0, sl, gr0, sr, w0, sw] = ramp as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      let g = g0;
      let gl = gl0;
      let gr = gr0;
      let w = w0;
      let peak = 0;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        g += sg;
        gl += sl;
        gr += sr;
        w += sw;
        const l = kernel.stripLeft[i]!;
        const r = kernel.stripRight[i]!;
        const mid = 0.5 * (l + r);
        const side = 0.5 * (l - r) * w;
        const yl = (mid + side) * g;
        const yr = (mid - side) * g;
        mixLeft[i] = mixLeft[i]! + (mid + side) * gl;
        mixRight[i] = mixRight[i]! + (mid - side) * gr;
        const ml = yl < 0 ? -yl : yl;
        const mr = yr < 0 ? -yr : yr;
        if (ml > peak) peak = ml;
        if (mr > peak) peak = mr;
        sum += 0.5 * (yl * yl + yr * yr);
      }
      kernel.mixStereoStrip(n);
      expectSame(kernel.mixLeft, mixLeft, n);
      expectSame(kernel.mixRight, mixRight, n);
      expect(Object.is(kernel.params[MixSlot.peak], peak)).toBe(true);
      expect(Object.is(kernel.params[MixSlot.sumSquares], sum)).toBe(true);
    }
  });

  it('mixes a mono strip, sends, returns, ramps and measures the mix exactly as the scalar code', () => {
    const next = random(2);
    for (let round = 0; round < 20; round++) {
      const kernel = new ConsoleMixKernel(256, 2);
      const n = 1 + Math.floor(next() * 256);
      fill(kernel.stripLeft, next, n);
      fill(kernel.stripRight, next, n);
      for (const bus of [kernel.mixLeft, kernel.mixRight, ...kernel.auxLeft, ...kernel.auxRight]) {
        fill(bus, next, n, 0.5);
      }
      const p = kernel.params;

      // Mono strip into the mix.
      let mixLeft = kernel.mixLeft.slice();
      let mixRight = kernel.mixRight.slice();
      const mono = Array.from({ length: 6 }, () => next() * 2 - 0.5);
      p.set(mono);
      const [g0, sg, gl0, sl, gr0, sr] = mono as [number, number, number, number, number, number];
      let g = g0;
      let gl = gl0;
      let gr = gr0;
      let peak = 0;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        g += sg;
        gl += sl;
        gr += sr;
        const x = kernel.stripLeft[i]!;
        mixLeft[i] = mixLeft[i]! + x * gl;
        mixRight[i] = mixRight[i]! + x * gr;
        const y = x * g;
        const m = y < 0 ? -y : y;
        if (m > peak) peak = m;
        sum += y * y;
      }
      kernel.mixMonoStrip(n);
      expectSame(kernel.mixLeft, mixLeft, n);
      expectSame(kernel.mixRight, mixRight, n);
      expect([p[MixSlot.peak], p[MixSlot.sumSquares]]).toEqual([peak, sum]);

      // Sends: stereo into bus 1, mono (left on both sides) into bus 0.
      for (const [a, stereo] of [
        [1, true],
        [0, false],
      ] as const) {
        const busLeft = kernel.auxLeft[a]!.slice();
        const busRight = kernel.auxRight[a]!.slice();
        const send = Array.from({ length: 4 }, () => next() - 0.25);
        p.set(send);
        const [l00, dl, r00, dr] = send as [number, number, number, number];
        let l0 = l00;
        let r0 = r00;
        const right = stereo ? kernel.stripRight : kernel.stripLeft;
        for (let i = 0; i < n; i++) {
          l0 += dl;
          r0 += dr;
          busLeft[i] = busLeft[i]! + kernel.stripLeft[i]! * l0;
          busRight[i] = busRight[i]! + right[i]! * r0;
        }
        kernel.addSend(a, stereo, n);
        expectSame(kernel.auxLeft[a]!, busLeft, n);
        expectSame(kernel.auxRight[a]!, busRight, n);
      }

      // Return of bus 1 into the mix.
      mixLeft = kernel.mixLeft.slice();
      mixRight = kernel.mixRight.slice();
      p[0] = next();
      p[1] = next() * 0.01;
      let gain = p[0];
      const step = p[1];
      peak = 0;
      sum = 0;
      for (let i = 0; i < n; i++) {
        gain += step;
        const l = kernel.auxLeft[1]![i]! * gain;
        const r = kernel.auxRight[1]![i]! * gain;
        mixLeft[i] = mixLeft[i]! + l;
        mixRight[i] = mixRight[i]! + r;
        const ml = l < 0 ? -l : l;
        const mr = r < 0 ? -r : r;
        if (ml > peak) peak = ml;
        if (mr > peak) peak = mr;
        sum += 0.5 * (l * l + r * r);
      }
      kernel.mixReturn(1, n);
      expectSame(kernel.mixLeft, mixLeft, n);
      expectSame(kernel.mixRight, mixRight, n);
      expect([p[MixSlot.peak], p[MixSlot.sumSquares]]).toEqual([peak, sum]);

      // Gain ramp on the mix, then its statistics.
      mixLeft = kernel.mixLeft.slice();
      mixRight = kernel.mixRight.slice();
      const ramp = Array.from({ length: 4 }, () => next() * 2 - 1);
      p.set(ramp);
      const [a00, da, b00, db] = ramp as [number, number, number, number];
      let a0 = a00;
      let b0 = b00;
      for (let i = 0; i < n; i++) {
        a0 += da;
        b0 += db;
        mixLeft[i] = mixLeft[i]! * a0;
        mixRight[i] = mixRight[i]! * b0;
      }
      kernel.rampMix(n);
      expectSame(kernel.mixLeft, mixLeft, n);
      expectSame(kernel.mixRight, mixRight, n);
      let peakLeft = 0;
      let peakRight = 0;
      let sumLeft = 0;
      let sumRight = 0;
      for (let i = 0; i < n; i++) {
        const l = mixLeft[i]!;
        const r = mixRight[i]!;
        if (Math.abs(l) > peakLeft) peakLeft = Math.abs(l);
        if (Math.abs(r) > peakRight) peakRight = Math.abs(r);
        sumLeft += l * l;
        sumRight += r * r;
      }
      kernel.mixStats(n);
      expect([p[MixSlot.peak], p[MixSlot.peakRight], p[MixSlot.sumLeft], p[MixSlot.sumRight]]).toEqual([
        peakLeft,
        peakRight,
        sumLeft,
        sumRight,
      ]);
      expect(RampSlot.rightStep).toBe(3);
    }
  });
});
