/**
 * The limiter's side-chain detector alone, against the independent 8x reference
 * (tests/support/true-peak-8x.ts: 128-tap sinc, double precision, parabolic crests): it must never
 * read a stretch of signal lower than the reference does (a limiter that under-reads lets overs
 * through), over-read band-limited programme only slightly, and give the same peaks whatever
 * the block size (the kernel runs 16 and 4 frames at a time; blocks end anywhere).
 */
import { describe, expect, it } from 'vitest';
import { DETECTOR_DELAY_FRAMES, TruePeakDetector } from '../../../engine/dsp/true-peak-detector.ts';
import { truePeakProfile8x } from '../../support/true-peak-8x.ts';
import { musicLike, noiseBurst, seededRandom, truePeakToneCase } from '../../support/true-peak-signals.ts';

/** Per input frame m, the detector's peak of the interval ending at frame m (delay removed). */
function detect(channels: readonly Float32Array[], block: number): Float64Array {
  const frames = channels[0]!.length;
  const detector = new TruePeakDetector(channels.length);
  // Silence after the signal flushes the last intervals out through the delay.
  const padded = channels.map((channel) => {
    const out = new Float32Array(frames + DETECTOR_DELAY_FRAMES);
    out.set(channel);
    return out;
  });
  const right = padded[1] ?? padded[0]!;
  const peaks = new Float64Array(padded[0]!.length);
  const scratch = new Float64Array(block);
  for (let at = 0; at < peaks.length; at += block) {
    const n = Math.min(block, peaks.length - at);
    detector.process(padded[0]!, right, at, n, scratch);
    peaks.set(scratch.subarray(0, n), at);
  }
  return peaks.subarray(DETECTOR_DELAY_FRAMES);
}

/**
 * Worst under- and over-read in dB of window maxima (WINDOW frames, the limiter's scale). Over-
 * reads count only in windows within 6 dB of the signal's true peak, where a limiter acts: in
 * quiet windows the near-Nyquist term can read several dB high without any consequence.
 */
function compare(channels: readonly Float32Array[]): { under: number; over: number } {
  const reference = truePeakProfile8x(channels).refined;
  const loud = 0.5 * Math.max(...reference);
  const detected = detect(channels, 128);
  const WINDOW = 16;
  let under = 0;
  let over = -Infinity;
  for (let start = 1; start + WINDOW + 1 < reference.length; start += WINDOW) {
    // Reference interval n is [n, n + 1); the detector's interval m is (m - 1, m]: a crest on a
    // window's edge may fall on either side, so each side gets one frame of slack.
    let ref = 0;
    let refWide = 0;
    let det = 0;
    let detWide = 0;
    for (let n = start - 1; n <= start + WINDOW; n++) {
      const inside = n >= start && n < start + WINDOW;
      if (inside) ref = Math.max(ref, reference[n]!);
      refWide = Math.max(refWide, reference[n]!);
      if (inside) det = Math.max(det, detected[n + 1]!);
      detWide = Math.max(detWide, detected[n + 1]!);
    }
    if (ref < 1e-3) continue;
    under = Math.max(under, 20 * Math.log10(ref / detWide));
    if (ref >= loud) over = Math.max(over, 20 * Math.log10(det / refWide));
  }
  return { under, over };
}

describe('TruePeakDetector (limiter side chain) against the 8x reference', () => {
  it('never under-reads by more than 0.02 dB, on band-limited and full-band material, 44.1 and 48 kHz', () => {
    for (const rate of [44100, 48000]) {
      const cases: [string, Float32Array[], number][] = [
        // [name, signal, largest over-read allowed in dB: the measured figure and a little room,
        // so that a detector that limits harder than this one fails]
        ['music-like', musicLike(rate, 2, 0.9), 3.6],
        // Known cost of the near-Nyquist term: a steady tone at 0.45 fs reads 8.5 dB high.
        ['sine 0.45 fs', truePeakToneCase(rate, 1 / 0.45, 0.9, 45, 0.5), 8.6],
        ['sine fs/4 at 45 deg', truePeakToneCase(rate, 4, 0.9, 45, 0.5), 0.01],
        ['noise burst', noiseBurst(rate, 2, 0.9), 1.4],
      ];
      // Full-band clicks and naive squares: where interpolators disagree (the near-Nyquist term).
      const random = seededRandom(11);
      const clicks = new Float32Array(rate);
      for (let i = 0; i < clicks.length; i += 997) clicks[i] = random() < 0.5 ? 0.9 : -0.9;
      const square = Float32Array.from({ length: rate }, (_, i) => (i % 40 < 20 ? 0.8 : -0.8));
      cases.push(['clicks', [clicks, clicks.slice()], 2], ['naive square', [square, square.slice()], 1.5]);
      for (const [name, signal, overBound] of cases) {
        const { under, over } = compare(signal);
        console.log(
          `${rate} ${name}: worst under-read ${under.toFixed(4)} dB, worst over-read ${over.toFixed(3)} dB`,
        );
        expect(under, `${rate} ${name}`).toBeLessThan(0.02);
        expect(over, `${rate} ${name}`).toBeLessThan(overBound);
      }
    }
  });

  it('gives identical peaks for any block size', () => {
    const signal = musicLike(48000, 1, 0.9, 5);
    const reference = detect(signal, 128);
    for (const block of [1, 3, 16, 511, 512, 513, 4096]) {
      expect(detect(signal, block)).toEqual(reference);
    }
  });

  it('reads non-finite input as silence and starts again from silence after reset()', () => {
    const signal = musicLike(48000, 0.2, 0.5, 3);
    const poisoned = signal.map((channel) => channel.slice());
    poisoned[0]![100] = Number.NaN;
    poisoned[1]![200] = Number.POSITIVE_INFINITY;
    const clean = signal.map((channel) => channel.slice());
    clean[0]![100] = 0;
    clean[1]![200] = 0;
    expect(detect(poisoned, 128)).toEqual(detect(clean, 128));

    const detector = new TruePeakDetector(2);
    const peaks = new Float64Array(4096);
    detector.process(signal[0]!, signal[1]!, 0, 4096, peaks);
    detector.reset();
    const silence = new Float32Array(256);
    detector.process(silence, silence, 0, 256, peaks);
    expect(Math.max(...peaks.subarray(0, 256))).toBe(0);
  });
});

/**
 * Peaks as written per input frame (the interval ending DETECTOR_DELAY_FRAMES earlier), by a
 * scalar transcription of the detector kernel's first version (engine/wasm/true-peak-detector.wat
 * before it ran both channels per call): every f32 operation in its order, with Math.fround, on
 * the kernel's own coefficients (read from its memory: this checks the arithmetic, the tests above
 * check the design). Products with zero taps, the 0 each sum started from, the recomputed
 * previous interval's last quarter point and the NaN-propagating max are all kept, so equality
 * also shows that leaving them out changed nothing.
 */
function scalarReferencePeaks(channels: readonly Float32Array[]): Float64Array {
  const f = Math.fround;
  const memory = new TruePeakDetector(1).memory;
  const half = new Float32Array(memory.buffer, 0, 64);
  const band = new Float32Array(memory.buffer, 256, 41);
  // Rows -1 .. 13 of [tap][phase]: q(r, p).
  const quarter = new Float32Array(memory.buffer, 448, 45);
  const q = (r: number, p: number): number => quarter[3 * (r + 1) + p]!;
  const frames = channels[0]!.length;
  const out = new Float64Array(frames);
  for (let c = 0; c < channels.length; c++) {
    // Sanitised input with 200 frames of silence before it, and midpoints on the same index.
    const pad = 200;
    const x = new Float32Array(pad + frames);
    channels[c]!.forEach((v, i) => (x[pad + i] = v - v === 0 ? v : 0));
    const mid = new Float32Array(pad + frames);
    for (let n = 0; n < frames; n++) {
      let a = 0;
      for (let j = 0; j < 64; j++) a = f(a + f(half[j]! * f(x[pad + n - 127 + j]! + x[pad + n - j]!)));
      mid[pad + n] = a;
    }
    const X = (k: number): number => x[pad + k]!;
    const M = (k: number): number => mid[pad + k]!;
    for (let n = 0; n < frames; n++) {
      let hf = f(band[0]! * X(n - 66));
      for (let j = 1; j <= 40; j++) hf = f(hf + f(band[j]! * f(X(n - 66 + j) + X(n - 66 - j))));
      hf = Math.abs(hf);
      const a = [0, 0, 0];
      const b = [0, 0, 0];
      let previous = 0;
      for (let i = 0; i < 7; i++) {
        const vm = M(n - 6 + i);
        const vx = X(n - 69 + i);
        previous = f(previous + f(f(q(2 * i - 1, 2) * M(n - 7 + i)) + f(q(2 * i, 2) * X(n - 70 + i))));
        for (let p = 0; p < 3; p++) {
          a[p] = f(a[p]! + f(f(q(2 * i, p) * vm) + f(q(2 * i + 1, p) * vx)));
          b[p] = f(b[p]! + f(f(q(2 * i - 1, p) * vm) + f(q(2 * i, p) * vx)));
        }
      }
      const grid = [previous, X(n - 67), a[0]!, a[1]!, a[2]!, M(n - 3), b[0]!, b[1]!, b[2]!, X(n - 66)];
      let peak = 0;
      for (let g = 2; g < 10; g++) {
        const s0 = grid[g - 2]!;
        const s1 = grid[g - 1]!;
        const s2 = grid[g]!;
        const a1 = Math.abs(s1);
        const curvature = f(f(f(s1 + s1) - s0) - s2);
        const slope = f(s2 - s0);
        const local = a1 >= Math.abs(s0) && a1 >= Math.abs(s2) && curvature !== 0;
        const crest = local ? f(a1 + f(f(slope * slope) / f(8 * Math.abs(curvature)))) : 0;
        peak = Math.max(peak, Math.max(Math.abs(s2), crest));
      }
      peak = f(peak + hf);
      out[n] = c === 0 ? peak : Math.max(peak, out[n]!);
    }
  }
  return out;
}

describe('TruePeakDetector kernel arithmetic', () => {
  it('equals a scalar f32 transcription of its first version, bit for bit, for any block size', () => {
    const random = seededRandom(23);
    const noisy = noiseBurst(48000, 0.3, 3, 7);
    noisy[0]![1000] = Number.NaN;
    noisy[1]![2000] = Number.NEGATIVE_INFINITY;
    const white = [0, 1].map(() => Float32Array.from({ length: 9000 }, () => 4 * (random() * 2 - 1)));
    const signals: [string, Float32Array[]][] = [
      ['music-like', musicLike(48000, 0.3, 4, 9)],
      ['noise burst with non-finite samples', noisy],
      ['white noise +12 dB', white],
      ['sine 0.47 fs', truePeakToneCase(44100, 1 / 0.47, 0.9, 30, 0.2)],
      ['mono music-like', [musicLike(44100, 0.2, 1, 4)[0]!]],
    ];
    for (const [name, signal] of signals) {
      // As detect() does: silence after the signal, the delay removed.
      const padded = signal.map((channel) => {
        const out = new Float32Array(channel.length + DETECTOR_DELAY_FRAMES);
        out.set(channel);
        return out;
      });
      const reference = scalarReferencePeaks(padded).subarray(DETECTOR_DELAY_FRAMES);
      for (const block of [128, 5, 512, 1000]) {
        const detected = detect(signal, block);
        let first = -1;
        for (let i = 0; i < detected.length && first < 0; i++) {
          if (!Object.is(detected[i], reference[i])) first = i;
        }
        expect(first, `${name}, blocks of ${block}: first differing frame`).toBe(-1);
      }
    }
  });
});
