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
