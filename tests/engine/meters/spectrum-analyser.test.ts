import { describe, expect, it } from 'vitest';
import { SpectrumAnalyser } from '../../../engine/meters/spectrum-analyser.ts';
import { SpectrumBands } from '../../../engine/meters/spectrum-bands.ts';
import { Xoshiro128 } from '../../../engine/dsp/xoshiro128.ts';
import { gaussianNoise, sine } from './meter-signals.ts';

const RATE = 48000;

/** Amplitude-calibrated power of bin k of a periodic-Hann-windowed frame, by a direct DFT. */
function dftPower(frame: Float32Array, k: number): number {
  const n = frame.length;
  let re = 0;
  let im = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    s1 += w;
    // (i k) mod n keeps the argument small, so the twiddle is exact to double precision.
    const angle = (2 * Math.PI * ((i * k) % n)) / n;
    const x = frame[i]! * w;
    re += x * Math.cos(angle);
    im -= x * Math.sin(angle);
  }
  const edge = k === 0 || k === n / 2;
  return ((edge ? 1 : 4) * (re * re + im * im)) / (s1 * s1);
}

/** The index of the largest value in [from, to). */
function argMax(values: Float64Array, from = 0, to = values.length): number {
  let best = from;
  for (let k = from; k < to; k++) if (values[k]! > values[best]!) best = k;
  return best;
}

/** A 24-bit quantiser (LSB 2^-23), optionally with TPDF dither of +-1 LSB. */
function quantise24(x: Float32Array, dither: boolean, seed: number): Float32Array {
  const lsb = 2 ** -23;
  const random = new Xoshiro128(seed);
  const u = new Float64Array(2 * x.length);
  random.fillUniform(u, u.length);
  return x.map((v, i) => lsb * Math.round(v / lsb + (dither ? u[2 * i]! - u[2 * i + 1]! : 0)));
}

describe('SpectrumAnalyser', () => {
  it('reads a full-scale sine centred on a bin at 0 dB FS there (window gain taken out)', () => {
    const analyser = new SpectrumAnalyser(RATE);
    const bin = 1000; // 5859.375 Hz
    analyser.process([sine(8192, bin * analyser.binHz, RATE, 1)], 8192);
    expect(analyser.spectra).toBe(1);
    console.log(`full-scale sine on bin ${bin}: ${analyser.binsDb[bin]!.toExponential(3)} dB FS`);
    expect(Math.abs(analyser.binsDb[bin]!)).toBeLessThan(0.001);
    // Hann's neighbours of a centred sine are a half (-6.02 dB), the rest nothing.
    expect(analyser.binsDb[bin + 1]!).toBeCloseTo(20 * Math.log10(0.5), 3);
    expect(analyser.binsDb[bin + 3]!).toBeLessThan(-120);
    // Stereo: the mean of the channels; the same sine in both still reads 0 dB FS.
    const stereo = new SpectrumAnalyser(RATE);
    const tone = sine(8192, 200 * stereo.binHz, RATE, 0.5);
    stereo.process([tone, tone], 8192);
    expect(stereo.binsDb[200]!).toBeCloseTo(20 * Math.log10(0.5), 6);
  });

  it("scallops a half-bin sine by Hann's 1.42 dB per bin, and the bands read every sine within 0.1 dB", () => {
    // |W(1/2)| / W(0) = sinc(1/2) / (1 - 1/4) = (2 / pi) / 0.75.
    const scallop = 20 * Math.log10(2 / Math.PI / 0.75);
    let worstBand = 0;
    for (const offset of [0, 0.1, 0.25, 0.37, 0.5, 0.73]) {
      const analyser = new SpectrumAnalyser(RATE);
      const frequency = (512 + offset) * analyser.binHz; // ~3 kHz
      analyser.process([sine(8192, frequency, RATE, 1)], 8192);
      const top = analyser.binsDb[argMax(analyser.binsDb)]!;
      if (offset === 0.5) expect(top).toBeCloseTo(scallop, 3);
      const band = analyser.bandsDb[argMax(analyser.bandsDb)]!;
      worstBand = Math.max(worstBand, Math.abs(band));
    }
    console.log(
      `full-scale sines between bins: worst band reading ${worstBand.toFixed(4)} dB (Hann scallop ${scallop.toFixed(4)})`,
    );
    expect(worstBand).toBeLessThan(0.1);
  });

  it('finds two sines: their frequencies and levels', () => {
    const analyser = new SpectrumAnalyser(RATE, { bands: { bandsPerOctave: 12 } });
    const a = sine(RATE, 440, RATE, 0.5);
    const b = sine(RATE, 3000, RATE, 0.1);
    analyser.process([a.map((v, i) => v + b[i]!)], RATE);
    const peaks: number[] = [];
    const bins = analyser.binsDb;
    for (let k = 2; k < bins.length - 1; k++) {
      if (bins[k]! > -40 && bins[k]! > bins[k - 1]! && bins[k]! >= bins[k + 1]!) {
        // Parabolic interpolation of the log magnitude around the local maximum.
        const shift = (0.5 * (bins[k - 1]! - bins[k + 1]!)) / (bins[k - 1]! - 2 * bins[k]! + bins[k + 1]!);
        peaks.push((k + shift) * analyser.binHz);
      }
    }
    console.log(`two sines found at ${peaks.map((f) => f.toFixed(2)).join(', ')} Hz`);
    expect(peaks).toHaveLength(2);
    expect(Math.abs(peaks[0]! - 440)).toBeLessThan(0.1 * analyser.binHz);
    expect(Math.abs(peaks[1]! - 3000)).toBeLessThan(0.1 * analyser.binHz);
    const bandOf = (f: number): number => {
      let best = 0;
      analyser.bands.centres.forEach((c, i) => {
        if (Math.abs(Math.log(c / f)) < Math.abs(Math.log(analyser.bands.centres[best]! / f))) best = i;
      });
      return analyser.bandsDb[best]!;
    };
    expect(Math.abs(bandOf(440) - 20 * Math.log10(0.5))).toBeLessThan(0.1);
    expect(Math.abs(bandOf(3000) - 20 * Math.log10(0.1))).toBeLessThan(0.1);
  });

  it('matches a direct DFT of the windowed frame, bin for bin, as frames hop', () => {
    const size = 4096;
    const signal = Float32Array.from(
      gaussianNoise(size * 2, 11),
      (v, i) => 0.2 * v + 0.1 * Math.sin(i * 0.3),
    );
    const analyser = new SpectrumAnalyser(RATE, { size, hop: 1024 });
    // Odd block sizes; the first spectrum is of frames [0, 4096), the next of [1024, 5120).
    let fed = 0;
    for (const block of [1, 700, 3000, 395]) {
      analyser.process([signal.subarray(fed, fed + block)], block);
      fed += block;
    }
    expect(fed).toBe(size);
    expect(analyser.spectra).toBe(1);
    const check = (start: number): number => {
      let worst = 0;
      for (const k of [0, 1, 17, 300, 1001, 2047, 2048]) {
        const expected = 10 * Math.log10(dftPower(signal.subarray(start, start + size), k));
        worst = Math.max(worst, Math.abs(analyser.binsDb[k]! - expected));
      }
      return worst;
    };
    const first = check(0);
    analyser.process([signal.subarray(size, size + 1024)], 1024);
    expect(analyser.spectra).toBe(2);
    const second = check(1024);
    console.log(`FFT vs direct DFT: ${first.toExponential(2)} dB, ${second.toExponential(2)} dB`);
    expect(first).toBeLessThan(1e-9);
    expect(second).toBeLessThan(1e-9);
  });

  it('averages: Infinity is the mean power of every spectrum since reset', () => {
    const size = 1024;
    const signal = Float32Array.from(gaussianNoise(size * 3, 12), (v) => 0.3 * v);
    const analyser = new SpectrumAnalyser(RATE, { size, hop: size, averagingSeconds: Infinity });
    analyser.process([signal], signal.length);
    expect(analyser.spectra).toBe(3);
    for (const k of [3, 100, 511]) {
      const mean =
        (dftPower(signal.subarray(0, size), k) +
          dftPower(signal.subarray(size, 2 * size), k) +
          dftPower(signal.subarray(2 * size, 3 * size), k)) /
        3;
      expect(Math.abs(analyser.binsDb[k]! - 10 * Math.log10(mean))).toBeLessThan(1e-9);
    }
  });

  it('shows a 24-bit quantised sine with its noise floor where the analysis says', () => {
    const lsb = 2 ** -23;
    const size = 8192;
    const bin = 1001;
    const frames = size * 8;
    const clean = sine(frames, (bin * RATE) / size, RATE, 0.5);
    const floor = (analyser: SpectrumAnalyser): { mean: number; max: number } => {
      let sum = 0;
      let count = 0;
      let max = -Infinity;
      for (let k = 8; k < analyser.binCount - 1; k++) {
        if (Math.abs(k - bin) <= 2) continue;
        sum += 10 ** (analyser.binsDb[k]! / 10);
        count++;
        max = Math.max(max, analyser.binsDb[k]!);
      }
      return { mean: 10 * Math.log10(sum / count), max };
    };
    // Undithered: the error is at most half an LSB per sample, so no bin can exceed
    // 2 * (lsb / 2) * S1 / S1 = lsb (-138.5 dB FS), whatever the error's spectrum.
    const plain = new SpectrumAnalyser(RATE, { size, hop: size, averagingSeconds: Infinity });
    plain.process([quantise24(clean, false, 1)], frames);
    const undithered = floor(plain);
    // TPDF dither of +-1 LSB: a white error of mean square lsb^2 / 4, so per bin
    // E[a^2] = 4 (lsb^2 / 4) ENBW / N = 1.5 lsb^2 / 8192: -175.84 dB FS.
    const dithered = new SpectrumAnalyser(RATE, { size, hop: size, averagingSeconds: Infinity });
    dithered.process([quantise24(clean, true, 2)], frames);
    const tpdf = floor(dithered);
    const expected = 10 * Math.log10((1.5 * lsb * lsb) / size);
    console.log(
      `24-bit sine at -6 dB FS: undithered floor max ${undithered.max.toFixed(1)} dB FS (bound ${(20 * Math.log10(lsb)).toFixed(1)}), ` +
        `TPDF floor mean ${tpdf.mean.toFixed(2)} dB FS (expected ${expected.toFixed(2)}), max ${tpdf.max.toFixed(1)}`,
    );
    expect(undithered.max).toBeLessThan(20 * Math.log10(lsb));
    expect(Math.abs(tpdf.mean - expected)).toBeLessThan(0.25);
    expect(dithered.binsDb[bin]!).toBeCloseTo(20 * Math.log10(0.5), 4);
  });
});

describe('SpectrumBands', () => {
  it('lays 1/6- and 1/12-octave bands from 20 Hz to 20 kHz, 1 kHz a centre', () => {
    const sixth = new SpectrumBands(RATE, 8192);
    expect(sixth.count).toBe(61);
    expect(sixth.centres[0]).toBeCloseTo(1000 * 2 ** (-34 / 6), 9); // 19.7 Hz
    expect(sixth.centres[60]).toBeCloseTo(1000 * 2 ** (26 / 6), 6); // 20.2 kHz
    expect(Array.from(sixth.centres)).toContain(1000);
    for (let i = 1; i < sixth.count; i++) {
      expect(sixth.centres[i]! / sixth.centres[i - 1]!).toBeCloseTo(2 ** (1 / 6), 12);
      expect(sixth.lowerEdges[i]).toBeCloseTo(sixth.upperEdges[i - 1]!, 9);
    }
    expect(new SpectrumBands(RATE, 8192, { bandsPerOctave: 12 }).count).toBe(121);
    // At 32 kHz the top bands above Nyquist are dropped.
    const narrow = new SpectrumBands(32000, 8192);
    expect(narrow.centres[narrow.count - 1]!).toBeLessThan(16000);
  });
});
