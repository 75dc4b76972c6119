/**
 * PeakHold against a brute-force sliding maximum: every output is the largest level still inside
 * the window, where a level leaves for good once it is older than the window in effect at any
 * step since it arrived (what a hold that keeps history across window changes means).
 */
import { describe, expect, it } from 'vitest';
import { PeakHold } from '../../../engine/dsp/peak-hold.ts';
import {
  instantiateDynamics,
  KernelHold,
  KernelLayout,
  layoutHold,
} from '../../../engine/wasm/dynamics-kernel.ts';
import { seededRandom } from '../../support/true-peak-signals.ts';

function bruteForce(levels: Float64Array, windows: Int32Array): Float64Array {
  const out = new Float64Array(levels.length);
  for (let t = 0; t < levels.length; t++) {
    let max = -Infinity;
    for (let s = t; s >= 0 && s > t - windows[t]!; s--) {
      let alive = true;
      for (let i = s; i <= t && alive; i++) if (s <= i - windows[i]!) alive = false;
      if (alive && levels[s]! > max) max = levels[s]!;
    }
    out[t] = max;
  }
  return out;
}

describe('PeakHold', () => {
  it('equals a brute-force sliding maximum, with the window changing and any block size', () => {
    const random = seededRandom(5);
    const n = 6000;
    // Programme-like levels: decaying bursts, plateaus (ties) and silence.
    const levels = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const phase = t % 700;
      levels[t] =
        phase < 300 ? Math.abs(Math.sin(t * 0.05)) * Math.exp(-phase / 200) : phase < 500 ? 0.25 : 0;
      if (random() < 0.02) levels[t] = random();
    }
    const windows = new Int32Array(n);
    let window = 40;
    for (let t = 0; t < n; t++) {
      if (t % 97 === 0) window = 1 + Math.floor(random() * 120);
      windows[t] = window;
    }
    const expected = bruteForce(levels, windows);
    for (const block of [1, 7, 64, 128, 1000]) {
      const hold = new PeakHold(120);
      const out = new Float64Array(n);
      const chunk = new Float64Array(block);
      for (let at = 0; at < n;) {
        // Window changes land on block boundaries, as parameter updates do; blocks end early there.
        hold.setWindow(windows[at]!);
        let count = Math.min(block, n - at);
        for (let k = 1; k < count; k++) if (windows[at + k] !== windows[at]) count = k;
        chunk.set(levels.subarray(at, at + count));
        hold.process(chunk, count);
        out.set(chunk.subarray(0, count), at);
        at += count;
      }
      expect(out, `block ${block}`).toEqual(expected);
    }
  });

  it('forgets everything on reset and clamps the window to 1 .. maxWindow', () => {
    const hold = new PeakHold(10);
    hold.setWindow(10);
    const first = Float64Array.of(0.9, 0.1, 0.1);
    hold.process(first, 3);
    expect(Array.from(first)).toEqual([0.9, 0.9, 0.9]);
    hold.reset();
    const second = Float64Array.of(0.2, 0.1);
    hold.process(second, 2);
    expect(Array.from(second)).toEqual([0.2, 0.2]);
    hold.setWindow(0);
    const third = Float64Array.of(0.05, 0.3, 0.1);
    hold.process(third, 3);
    expect(Array.from(third)).toEqual([0.05, 0.3, 0.1]);
    hold.setWindow(1000);
    const fourth = new Float64Array(12).fill(0);
    fourth[0] = 1;
    hold.process(fourth, 12);
    expect(Array.from(fourth)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it("the dynamics kernel's hold (the processors' detector) equals PeakHold bit for bit", () => {
    // Windows from 1 sample to past the maximum (short ones take the kernel's direct path, long
    // ones its segments and deque), changing and resetting between blocks of any size. PeakHold
    // is the reference (held to a brute-force maximum above).
    const random = seededRandom(11);
    const results: string[] = [];
    for (const maxWindow of [481, 24001]) {
      const layout = new KernelLayout();
      const levelsAddress = layout.take(300 * 8);
      const holdLayout = layoutHold(layout, maxWindow);
      const { exports, buffer } = instantiateDynamics(layout);
      const kernelHold = new KernelHold(buffer, holdLayout);
      const levels = new Float64Array(buffer, levelsAddress, 300);
      const reference = new PeakHold(maxWindow);
      const expected = new Float64Array(300);
      let window = 40;
      let compared = 0;
      let mismatches = 0;
      for (let block = 0, t = 0; block < 6000; block++) {
        const frames = 1 + Math.floor(random() * 299);
        if (random() < 0.05) window = 1 + Math.floor(random() * (random() < 0.5 ? 150 : maxWindow + 100));
        if (random() < 0.002) {
          reference.reset();
          kernelHold.reset();
        }
        reference.setWindow(window);
        kernelHold.setWindow(window);
        for (let i = 0; i < frames; i++, t++) {
          // Decaying bursts, plateaus (ties), zeros and random spikes.
          const phase = t % 3000;
          const x =
            random() < 0.02
              ? random()
              : phase < 1500
                ? Math.abs(Math.sin(t * 0.05)) * Math.exp(-phase / 500)
                : phase < 2500
                  ? 0.25
                  : 0;
          levels[i] = x;
          expected[i] = x;
        }
        reference.process(expected, frames);
        exports.hold(holdLayout.state, levelsAddress, frames);
        for (let i = 0; i < frames; i++) if (levels[i] !== expected[i]) mismatches++;
        compared += frames;
      }
      results.push(`max window ${maxWindow}: ${compared} levels, ${mismatches} different`);
      expect(mismatches, `max window ${maxWindow}`).toBe(0);
    }
    console.log(results.join('\n'));
  });
});
