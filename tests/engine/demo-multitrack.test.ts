import { describe, it, expect } from 'vitest';
import { synthesizeDemoMultitrack, type DemoMultitrack } from '../../engine/demo/demo-multitrack.ts';

const EXPECTED_NAMES = ['Kick', 'Snare', 'Hats', 'Bass', 'Keys', 'Lead vocal', 'Pad', 'Pluck'];
const RATES = [44100, 48000, 96000] as const;

/** Synthesis takes a noticeable fraction of a second; each rate is synthesized once and shared by the tests. */
const synthesized = new Map<number, DemoMultitrack>();
function demoAt(sampleRate: number): DemoMultitrack {
  let demo = synthesized.get(sampleRate);
  if (demo === undefined) {
    demo = synthesizeDemoMultitrack(sampleRate);
    synthesized.set(sampleRate, demo);
  }
  return demo;
}

/** Returns the named stem's samples, failing the test when it is missing. */
function stemSamples(demo: DemoMultitrack, name: string): Float32Array {
  const stem = demo.stems.find((s) => s.name === name);
  if (stem === undefined) throw new Error(`no stem named ${name}`);
  return stem.samples;
}

function dbfs(linear: number): number {
  return 20 * Math.log10(linear);
}

/** In-place iterative radix-2 FFT (length must be a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let i = k; i < n; i += size) {
        const j = i + half;
        const vr = re[j]! * wr - im[j]! * wi;
        const vi = re[j]! * wi + im[j]! * wr;
        re[j] = re[i]! - vr;
        im[j] = im[i]! - vi;
        re[i] = re[i]! + vr;
        im[i] = im[i]! + vi;
      }
    }
  }
}

interface Spectrum {
  readonly power: Float64Array;
  readonly binHz: number;
  readonly total: number;
}

/**
 * Welch power spectrum over the whole loop: Hann-windowed, non-overlapping frames of ~1/8 s, so bins are
 * <= 12 Hz wide at every tested rate (fine enough for the 150 and 250 Hz bounds below).
 */
function spectrumOf(samples: Float32Array, sampleRate: number): Spectrum {
  let n = 1;
  while (n < sampleRate / 8) n <<= 1;
  const power = new Float64Array(n / 2 + 1);
  const window = new Float64Array(n);
  for (let i = 0; i < n; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let start = 0; start + n <= samples.length; start += n) {
    for (let i = 0; i < n; i++) {
      re[i] = samples[start + i]! * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k <= n / 2; k++) power[k] = power[k]! + re[k]! * re[k]! + im[k]! * im[k]!;
  }
  let total = 0;
  for (const p of power) total += p;
  return { power, binHz: sampleRate / n, total };
}

/** Energy of the bins whose frequency lies in [loHz, hiHz), and how many bins that is. */
function band(spectrum: Spectrum, loHz: number, hiHz: number): { energy: number; bins: number } {
  let energy = 0;
  let bins = 0;
  for (let k = 0; k < spectrum.power.length; k++) {
    const f = k * spectrum.binHz;
    if (f >= loHz && f < hiHz) {
      energy += spectrum.power[k]!;
      bins++;
    }
  }
  return { energy, bins };
}

/** Fraction of the spectrum's energy in [loHz, hiHz). */
function bandFraction(spectrum: Spectrum, loHz: number, hiHz: number): number {
  return band(spectrum, loHz, hiHz).energy / spectrum.total;
}

/** Mean power per bin in [loHz, hiHz): compares bands of different widths. */
function bandDensity(spectrum: Spectrum, loHz: number, hiHz: number): number {
  const { energy, bins } = band(spectrum, loHz, hiHz);
  return energy / bins;
}

/** The spectrum of one named stem at one rate. */
function stemSpectrum(sampleRate: number, name: string): Spectrum {
  return spectrumOf(stemSamples(demoAt(sampleRate), name), sampleRate);
}

describe('synthesizeDemoMultitrack', () => {
  it('is deterministic: two calls give bit-identical stems', () => {
    const a = demoAt(48000);
    const b = synthesizeDemoMultitrack(48000);
    expect(b.stems.map((s) => s.name)).toEqual(a.stems.map((s) => s.name));
    for (let s = 0; s < a.stems.length; s++) {
      const x = a.stems[s]!.samples;
      const y = b.stems[s]!.samples;
      expect(y.buffer === x.buffer).toBe(false); // fresh buffers: callers may mutate their copy
      expect(y.length).toBe(x.length);
      // Compare bit patterns, so even -0 vs 0 or NaN payloads would count as a difference.
      const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
      const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
      let differing = 0;
      for (let i = 0; i < xb.length; i++) if (xb[i] !== yb[i]) differing++;
      expect(differing, a.stems[s]!.name).toBe(0);
    }
  });

  it('rejects sample rates it cannot render', () => {
    expect(() => synthesizeDemoMultitrack(0)).toThrow(RangeError);
    expect(() => synthesizeDemoMultitrack(48000.5)).toThrow(RangeError);
    expect(() => synthesizeDemoMultitrack(Number.NaN)).toThrow(RangeError);
  });

  describe.each(RATES)('at %i Hz', (sampleRate) => {
    it('has at least 8 stems, named and ordered as the console expects', () => {
      const demo = demoAt(sampleRate);
      expect(demo.sampleRate).toBe(sampleRate);
      expect(demo.stems.length).toBeGreaterThanOrEqual(8);
      expect(demo.stems.slice(0, EXPECTED_NAMES.length).map((s) => s.name)).toEqual(EXPECTED_NAMES);
      expect(new Set(demo.stems.map((s) => s.name)).size).toBe(demo.stems.length);
    });

    it('is a whole number of 4/4 bars long at its tempo, every stem the same length', () => {
      const demo = demoAt(sampleRate);
      expect(demo.tempoBpm).toBeGreaterThanOrEqual(100);
      expect(demo.tempoBpm).toBeLessThanOrEqual(120);
      expect(Number.isInteger(demo.lengthFrames)).toBe(true);
      const framesPerBar = (sampleRate * 60 * 4) / demo.tempoBpm;
      const bars = demo.lengthFrames / framesPerBar;
      expect(Math.abs(bars - Math.round(bars))).toBeLessThan(1e-9);
      expect([4, 8]).toContain(Math.round(bars));
      for (const stem of demo.stems) expect(stem.samples.length, stem.name).toBe(demo.lengthFrames);
    });

    it('keeps every stem finite, peaking between -18 and -3 dBFS, and never silent', () => {
      for (const stem of demoAt(sampleRate).stems) {
        let peak = 0;
        let energy = 0;
        let nonFinite = 0;
        for (const v of stem.samples) {
          if (!Number.isFinite(v)) nonFinite++;
          peak = Math.max(peak, Math.abs(v));
          energy += v * v;
        }
        expect(nonFinite, stem.name).toBe(0);
        // A hair of tolerance for float32 rounding at the bounds.
        expect(dbfs(peak), stem.name).toBeGreaterThanOrEqual(-18 - 1e-4);
        expect(dbfs(peak), stem.name).toBeLessThanOrEqual(-3 + 1e-4);
        expect(dbfs(Math.sqrt(energy / stem.samples.length)), stem.name).toBeGreaterThan(-45);
      }
    });

    it('loops without a click: the jump across the loop point is no larger than any jump inside a stem', () => {
      for (const stem of demoAt(sampleRate).stems) {
        const x = stem.samples;
        let largestInterior = 0;
        for (let i = 1; i < x.length; i++)
          largestInterior = Math.max(largestInterior, Math.abs(x[i]! - x[i - 1]!));
        const seam = Math.abs(x[0]! - x[x.length - 1]!);
        expect(seam, stem.name).toBeLessThanOrEqual(largestInterior);
      }
    });

    // Band bounds: each spectral claim is checked with a threshold well inside what the instrument's design
    // implies, so small changes to the sounds do not break the test but a wrong filter or octave does.
    it('puts the Kick mostly below 150 Hz', () => {
      // The kick is a sine swept from ~155 Hz down to 46 Hz; its saturation harmonics and the short sweep
      // carry little energy. "Strong" here means at least 70 % of the stem's energy.
      expect(bandFraction(stemSpectrum(sampleRate, 'Kick'), 0, 150)).toBeGreaterThan(0.7);
    });

    it('keeps more than 80 % of the Bass energy below 250 Hz', () => {
      // Bass fundamentals span E1-D3 (41-147 Hz) and the saw is low-passed near 170 Hz after each pluck.
      expect(bandFraction(stemSpectrum(sampleRate, 'Bass'), 0, 250)).toBeGreaterThan(0.8);
    });

    it('puts more than 90 % of the Hats energy above 4 kHz', () => {
      // Hats are noise through two cascaded 7 kHz high-passes: below 4 kHz they are > 20 dB down.
      expect(bandFraction(stemSpectrum(sampleRate, 'Hats'), 4000, Infinity)).toBeGreaterThan(0.9);
    });

    it('gives the Lead vocal formant structure: energy spread over at least two bands in 300-3000 Hz', () => {
      const vocal = stemSpectrum(sampleRate, 'Lead vocal');
      // Bands around where alto formants live for "ooh/oh" F1 (300-700), "aah" F1 and "ooh/oh" F2 (700-1500),
      // "aah" F2 edge and F3 (1500-3000). A band counts when it holds at least 5 % of the stem's energy: a
      // formant a few dB below the strongest clears that by a wide margin (about 60 % and 18 % are measured in
      // the first two bands), an empty region never does.
      const fractions = [
        bandFraction(vocal, 300, 700),
        bandFraction(vocal, 700, 1500),
        bandFraction(vocal, 1500, 3000),
      ];
      expect(fractions.filter((f) => f >= 0.05).length, fractions.join(', ')).toBeGreaterThanOrEqual(2);
      // And the voice lives in the vocal range: most of its energy is between 300 Hz and 3 kHz.
      expect(fractions.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
    });

    it('shapes the Lead vocal with a resonance, not just the source tilt: F3 stands out above 2 kHz', () => {
      // A sawtooth's harmonics only get weaker with frequency: the same melody through no filter at all has
      // about 1 dB less power per Hz at 2.6-3.0 kHz than at 2.05-2.5 kHz (measured). The third formant sits at
      // 2.5-2.8 kHz for every vowel used, so the filtered voice must instead peak there, between the F2 skirt
      // and F3: at least 3 dB (x2) above the valley below it (about 10 dB is measured at all three rates).
      const vocal = stemSpectrum(sampleRate, 'Lead vocal');
      expect(bandDensity(vocal, 2600, 3000)).toBeGreaterThan(2 * bandDensity(vocal, 2050, 2500));
    });
  });
});
