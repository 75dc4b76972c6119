/**
 * The three-band LR4 splitter: bands sum flat, checked on a processed impulse, and the analytic
 * reasons why (written here from the analogue prototypes with bilinear warping, independently of
 * the engine's design code): LR4 LP + HP = the Q = 1/sqrt 2 all-pass, and without the low band's
 * all-pass the sum would not be flat.
 */
import { describe, expect, it } from 'vitest';
import { LinkwitzRileySplitter3 } from '../../../engine/dsp/linkwitz-riley.ts';

const RATES = [44100, 48000, 96000] as const;
const PAIRS = [
  [120, 2000],
  [250, 4000],
  [80, 800],
  [200, 2000],
] as const;
const LENGTH = 65536;
const BLOCK = 128;
const FREQUENCIES = Array.from({ length: 200 }, (_, k) => 20 * Math.pow(1000, k / 199));

// ---- complex helpers ----

interface Complex {
  re: number;
  im: number;
}
const mul = (a: Complex, b: Complex): Complex => ({
  re: a.re * b.re - a.im * b.im,
  im: a.re * b.im + a.im * b.re,
});
const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
const div = (a: Complex, b: Complex): Complex => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};
const abs = (a: Complex): number => Math.hypot(a.re, a.im);
const db = (a: Complex): number => 20 * Math.log10(abs(a));

/** s = j tan(pi f / fs) / tan(pi fc / fs): the bilinear transform prewarped at fc. */
function warped(f: number, fc: number, fs: number): Complex {
  return { re: 0, im: Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs) };
}

/** 2nd-order Butterworth prototypes (Q = 1/sqrt 2) and the all-pass with the same poles. */
function prototypes(s: Complex): { lp: Complex; hp: Complex; ap: Complex } {
  const s2 = mul(s, s);
  const den = add(add(s2, { re: Math.SQRT2 * s.re, im: Math.SQRT2 * s.im }), { re: 1, im: 0 });
  const apNum = add(add(s2, { re: -Math.SQRT2 * s.re, im: -Math.SQRT2 * s.im }), { re: 1, im: 0 });
  return { lp: div({ re: 1, im: 0 }, den), hp: div(s2, den), ap: div(apNum, den) };
}

/** The three bands' complex responses, with or without the low band's all-pass at fc2. */
function bands(f: number, fc1: number, fc2: number, fs: number, compensated: boolean): Complex[] {
  const one = prototypes(warped(f, fc1, fs));
  const two = prototypes(warped(f, fc2, fs));
  const lp1 = mul(one.lp, one.lp);
  const hp1 = mul(one.hp, one.hp);
  const low = compensated ? mul(lp1, two.ap) : lp1;
  return [low, mul(hp1, mul(two.lp, two.lp)), mul(hp1, mul(two.hp, two.hp))];
}

/**
 * DFT of `h` at `f`, by a rotating phasor re-seeded every 4096 samples, up to the decayed tail
 * (the last samples whose |h| sums to at most 1e-12, which can change no value by more).
 */
function dft(h: Float64Array, f: number, fs: number): Complex {
  let length = h.length;
  let tail = 0;
  while (length > 0 && tail + Math.abs(h[length - 1]!) <= 1e-12) tail += Math.abs(h[--length]!);
  const w = (2 * Math.PI * f) / fs;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let re = 0;
  let im = 0;
  let c = 1;
  let s = 0;
  for (let n = 0; n < length; n++) {
    if ((n & 4095) === 0) {
      c = Math.cos(w * n);
      s = -Math.sin(w * n);
    }
    const x = h[n]!;
    re += x * c;
    im += x * s;
    const next = c * cw + s * sw;
    s = s * cw - c * sw;
    c = next;
  }
  return { re, im };
}

/** Splits a unit impulse on channel `channel` in 128-frame blocks; returns the three bands. */
function splitImpulse(
  fc1: number,
  fc2: number,
  fs: number,
  channels: 1 | 2,
  channel: number,
): Float64Array[] {
  const splitter = new LinkwitzRileySplitter3(fs, BLOCK, channels);
  splitter.setFrequencies(new Float64Array([fc1, fc2]), 0);
  const input = new Float32Array(LENGTH);
  input[0] = 1;
  const out = [new Float64Array(LENGTH), new Float64Array(LENGTH), new Float64Array(LENGTH)] as const;
  for (let at = 0; at < LENGTH; at += BLOCK) {
    splitter.split(
      channel,
      input.subarray(at, at + BLOCK),
      out[0].subarray(at, at + BLOCK),
      out[1].subarray(at, at + BLOCK),
      out[2].subarray(at, at + BLOCK),
      BLOCK,
    );
  }
  return [...out];
}

describe('Multiband bands at unity sum flat within 0.05 dB from 20 Hz to 20 kHz', () => {
  it('LR4 low-pass + high-pass equals the 2nd-order all-pass with Q = 1/sqrt 2 (analytic)', () => {
    let worst = 0;
    for (const fs of RATES) {
      for (const f of FREQUENCIES) {
        const p = prototypes(warped(f, 1000, fs));
        const sum = add(mul(p.lp, p.lp), mul(p.hp, p.hp));
        worst = Math.max(worst, abs({ re: sum.re - p.ap.re, im: sum.im - p.ap.im }));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('without the all-pass compensation the sum would be off by more than 0.05 dB (analytic)', () => {
    const report: string[] = [];
    for (const [fc1, fc2] of PAIRS) {
      let uncompensated = 0;
      let compensated = 0;
      for (const f of FREQUENCIES) {
        const [a, b, c] = bands(f, fc1, fc2, 48000, false);
        uncompensated = Math.max(uncompensated, Math.abs(db(add(add(a!, b!), c!))));
        const [d, e, g] = bands(f, fc1, fc2, 48000, true);
        compensated = Math.max(compensated, Math.abs(db(add(add(d!, e!), g!))));
      }
      report.push(
        `${fc1}/${fc2} Hz: ${uncompensated.toFixed(3)} dB uncompensated, ${compensated.toExponential(1)} dB compensated`,
      );
      // About 0.11 dB a decade apart; four octaves apart (120/2000, 250/4000) still 0.04 dB.
      if (fc2 / fc1 <= 10) expect(uncompensated).toBeGreaterThan(0.05);
      expect(uncompensated).toBeGreaterThan(0.03);
      expect(compensated).toBeLessThan(1e-9);
    }
    console.log(`analytic band-sum deviation at 48 kHz: ${report.join('; ')}`);
  });

  it('the splitter on an impulse: bands sum flat, each band is the analytic LR4 response', () => {
    const report: string[] = [];
    let flatness = 0;
    for (const fs of RATES) {
      for (const [fc1, fc2] of PAIRS) {
        const channel = fs === 48000 ? 0 : 1;
        const [low, mid, high] = splitImpulse(fc1, fc2, fs, fs === 48000 ? 1 : 2, channel);
        const sum = new Float64Array(LENGTH);
        for (let n = 0; n < LENGTH; n++) sum[n] = low![n]! + mid![n]! + high![n]!;
        // Decayed: truncating the impulse response can't bias the DFT.
        for (const band of [low!, mid!, high!]) {
          let tail = 0;
          for (let n = LENGTH - 1024; n < LENGTH; n++) tail = Math.max(tail, Math.abs(band[n]!));
          expect(tail).toBeLessThan(1e-12);
        }
        let deviation = 0;
        let bandError = 0;
        for (const f of FREQUENCIES) {
          deviation = Math.max(deviation, Math.abs(db(dft(sum, f, fs))));
          const expected = bands(f, fc1, fc2, fs, true);
          [low!, mid!, high!].forEach((band, k) => {
            const measured = dft(band, f, fs);
            const reference = expected[k]!;
            // Complex error relative to the band's own level where it matters (within 60 dB).
            if (abs(reference) > 1e-3) {
              bandError = Math.max(
                bandError,
                abs({ re: measured.re - reference.re, im: measured.im - reference.im }) / abs(reference),
              );
            }
          });
        }
        // LR4: -6.02 dB at the crossover (the low band's all-pass has unit gain).
        expect(db(dft(low!, fc1, fs))).toBeCloseTo(-6.0206, 3);
        report.push(
          `  ${fs} Hz, ${fc1}/${fc2} Hz: sum deviation ${deviation.toExponential(2)} dB, band error ${bandError.toExponential(2)}`,
        );
        flatness = Math.max(flatness, deviation);
        expect(deviation).toBeLessThan(0.05);
        expect(bandError).toBeLessThan(1e-6);
      }
    }
    console.log(`LR4 splitter band sums (max ${flatness.toExponential(2)} dB):\n${report.join('\n')}`);
  });

  it('keeps channels independent and resets', () => {
    const splitter = new LinkwitzRileySplitter3(48000, BLOCK, 2);
    const bandsOut = [new Float64Array(BLOCK), new Float64Array(BLOCK), new Float64Array(BLOCK)] as const;
    const loud = new Float32Array(BLOCK).fill(0.5);
    const silent = new Float32Array(BLOCK);
    splitter.split(0, loud, bandsOut[0], bandsOut[1], bandsOut[2], BLOCK);
    splitter.split(1, silent, bandsOut[0], bandsOut[1], bandsOut[2], BLOCK);
    expect(bandsOut.every((b) => b.every((x) => x === 0))).toBe(true);
    splitter.split(0, silent, bandsOut[0], bandsOut[1], bandsOut[2], BLOCK);
    expect(bandsOut[0].some((x) => x !== 0)).toBe(true);
    splitter.reset();
    splitter.split(0, silent, bandsOut[0], bandsOut[1], bandsOut[2], BLOCK);
    expect(bandsOut.every((b) => b.every((x) => x === 0))).toBe(true);
  });
});
