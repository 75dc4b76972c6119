/**
 * Channel compressor against analytic expectations written out here: the soft-knee static curve
 * of Giannoulis, Massberg and Reiss (JAES 2012) on steady sines, attack/release as the time to
 * cover 1 - 1/e of a gain-reduction step (measured from output/input), the sidechain high-pass,
 * bypass, no allocation while parameters change, no subnormal state after a burst.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  COMPRESSOR_PARAMS,
  Compressor,
  compressorParamIndex,
} from '../../../engine/processors/compressor.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const FS = 48000;
const BLOCK = 128;
/** Only the engine's own files count (this test file's path contains "/engine/" too). */
const ENGINE_FILES = fileURLToPath(new URL('../../../engine/', import.meta.url));
const p = compressorParamIndex;

function values(settings: Record<string, number> = {}): Float64Array {
  const v = new Float64Array(COMPRESSOR_PARAMS.map((param) => param.default));
  for (const [key, value] of Object.entries(settings)) v[p(key)] = value;
  return v;
}

/** The GMR 2012 soft-knee curve (output level in dB), written out independently of the engine. */
function expectedOutputDb(x: number, threshold: number, ratio: number, knee: number): number {
  if (2 * (x - threshold) < -knee) return x;
  if (knee > 0 && 2 * Math.abs(x - threshold) <= knee) {
    return x + ((1 / ratio - 1) * (x - threshold + knee / 2) ** 2) / (2 * knee);
  }
  return threshold + (x - threshold) / ratio;
}

function sine(length: number, frequency: number, peakDb: number): Float32Array {
  const a = 10 ** (peakDb / 20);
  return new Float32Array(length).map((_, n) => a * Math.sin((2 * Math.PI * frequency * n) / FS));
}

/** Runs `input` (both channels the same unless `right` is given) through, in 128-frame blocks. */
function run(
  compressor: Compressor,
  v: Float64Array,
  input: Float32Array,
  right: Float32Array = input,
): { left: Float32Array; right: Float32Array; gainReduction: Float64Array } {
  const outL = new Float32Array(input.length);
  const outR = new Float32Array(input.length);
  const blocks = Math.ceil(input.length / BLOCK);
  const gainReduction = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK;
    const frames = Math.min(BLOCK, input.length - start);
    const l = outL.subarray(start, start + frames);
    const r = outR.subarray(start, start + frames);
    l.set(input.subarray(start, start + frames));
    r.set(right.subarray(start, start + frames));
    compressor.update(v, 0);
    compressor.process(l, r, frames);
    gainReduction[b] = compressor.gainReductionDb[0]!;
  }
  return { left: outL, right: outR, gainReduction };
}

function rms(x: Float32Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (end - start));
}

/** Square wave +-A with a 1 ms period: |x| = A on every sample, so output/input is the gain. */
function squareSteps(segments: readonly (readonly [levelDb: number, seconds: number])[]): Float32Array {
  const total = segments.reduce((sum, [, s]) => sum + Math.round(s * FS), 0);
  const out = new Float32Array(total);
  let n = 0;
  for (const [levelDb, seconds] of segments) {
    const a = 10 ** (levelDb / 20);
    for (let k = 0; k < Math.round(seconds * FS); k++, n++) out[n] = Math.floor(n / 24) % 2 === 0 ? a : -a;
  }
  return out;
}

/** Time (s, linearly interpolated) after `from` at which `series` first reaches `level`. */
function crossing(series: Float64Array, from: number, level: number, rising: boolean): number {
  for (let n = from + 1; n < series.length; n++) {
    const a = series[n - 1]!;
    const b = series[n]!;
    if (rising ? b >= level : b <= level) return (n - 1 - from + (level - a) / (b - a)) / FS;
  }
  return Number.NaN;
}

describe('Compressor', () => {
  it('follows the soft-knee static curve within 0.1 dB on steady sines (peak and rms detection)', () => {
    // RMS mode reads mean square + 3.01 dB (AES17), so a sine's level is its peak in both modes.
    const curves = [
      { threshold: -20, ratio: 4, knee: 0, makeup: 0 }, // hard knee
      { threshold: -30, ratio: 2, knee: 12, makeup: 0 },
      { threshold: -12, ratio: 10, knee: 24, makeup: 0 }, // wide knee
      { threshold: -40, ratio: 20, knee: 6, makeup: 5 },
      { threshold: -6, ratio: 1.5, knee: 3, makeup: 0 },
    ];
    const length = Math.round(0.4 * FS);
    const tail = Math.round(0.1 * FS);
    let worst = 0;
    let checked = 0;
    for (const detection of [0, 1]) {
      for (const curve of curves) {
        for (let level = -60; level <= 0; level += 2) {
          const compressor = new Compressor(FS, BLOCK, 2);
          const v = values({ ...curve, attack: 2, release: 50, detection });
          const input = sine(length, 1000, level);
          const { left, right } = run(compressor, v, input);
          const gainDb =
            20 * Math.log10(rms(left, length - tail, length) / rms(input, length - tail, length));
          const measured = level + gainDb;
          const expected = expectedOutputDb(level, curve.threshold, curve.ratio, curve.knee) + curve.makeup;
          worst = Math.max(worst, Math.abs(measured - expected));
          checked++;
          expect(
            Math.abs(measured - expected),
            `${JSON.stringify(curve)} det ${detection} at ${level} dB`,
          ).toBeLessThan(0.1);
          let same = true;
          for (let i = 0; i < length; i++) if (right[i] !== left[i]) same = false;
          expect(same).toBe(true);
        }
      }
    }
    console.log(`static curve: ${checked} points, worst deviation ${worst.toFixed(4)} dB`);
  });

  it('meters the gain reduction of the last block (dB, positive)', () => {
    const compressor = new Compressor(FS, BLOCK, 1);
    const v = values({ threshold: -30, ratio: 4, knee: 0, attack: 1, release: 100 });
    const { gainReduction } = run(compressor, v, sine(FS / 2, 1000, -10));
    // (-10 - -30) * (1 - 1/4) = 15 dB
    expect(gainReduction[gainReduction.length - 1]!).toBeCloseTo(15, 2);
  });

  it('attack and release time constants within 10 % (time to 1 - 1/e of the gain-reduction step)', () => {
    // Threshold -40, ratio 4, hard knee: a step from -60 to 0 dBFS asks for 30 dB of reduction,
    // the step back for none.
    const results: string[] = [];
    const cases = [
      { attack: 1, release: 200 },
      { attack: 10, release: 200 },
      { attack: 50, release: 200 },
      { attack: 5, release: 50 },
      { attack: 5, release: 1000 },
      { attack: 0.1, release: 10 },
    ];
    for (const { attack, release } of cases) {
      const compressor = new Compressor(FS, BLOCK, 2);
      const v = values({ threshold: -40, ratio: 4, knee: 0, attack, release, makeup: 0 });
      const input = squareSteps([
        [-60, 0.5],
        [0, 1],
        [-60, Math.max(0.5, (4 * release) / 1000)],
      ]);
      const { left } = run(compressor, v, input);
      const gr = new Float64Array(input.length).map((_, n) => -20 * Math.log10(left[n]! / input[n]!));
      const up = Math.round(0.5 * FS);
      const down = up + FS;
      expect(gr[up - 1]!).toBeCloseTo(0, 6);
      expect(gr[down - 1]!).toBeCloseTo(30, 3);
      const attackMs = 1000 * crossing(gr, up - 1, 30 * (1 - Math.exp(-1)), true);
      const releaseMs = 1000 * crossing(gr, down - 1, 30 * Math.exp(-1), false);
      results.push(
        `attack ${attack} -> ${attackMs.toFixed(3)} ms, release ${release} -> ${releaseMs.toFixed(2)} ms`,
      );
      expect(Math.abs(attackMs - attack) / attack, `attack ${attack}`).toBeLessThan(0.1);
      expect(Math.abs(releaseMs - release) / release, `release ${release}`).toBeLessThan(0.1);
    }
    console.log(results.join('\n'));
  });

  it('sidechain high-pass: a 40 Hz tone is barely compressed, a 1 kHz tone at the same level is', () => {
    const grAt = (frequency: number, hpf: number): number => {
      const compressor = new Compressor(FS, BLOCK, 2);
      const v = values({ threshold: -30, ratio: 4, knee: 0, attack: 5, release: 100, 'sidechain-hpf': hpf });
      const length = FS;
      const input = sine(length, frequency, -10);
      const { left } = run(compressor, v, input);
      const tail = Math.round(0.5 * FS);
      return -20 * Math.log10(rms(left, length - tail, length) / rms(input, length - tail, length));
    };
    const results = {
      '1 kHz, HPF off': grAt(1000, 20),
      '40 Hz, HPF off': grAt(40, 20),
      '1 kHz, HPF 200 Hz': grAt(1000, 200),
      '40 Hz, HPF 200 Hz': grAt(40, 200),
    };
    console.log('gain reduction (dB):', results);
    // 2nd-order Butterworth HP at 200 Hz: 1 kHz passes (-0.01 dB), 40 Hz is down 28 dB.
    expect(results['1 kHz, HPF off']).toBeCloseTo(15, 1);
    expect(results['40 Hz, HPF off']).toBeGreaterThan(13);
    expect(results['1 kHz, HPF 200 Hz']).toBeCloseTo(15, 1);
    expect(results['40 Hz, HPF 200 Hz']).toBeLessThan(0.1);
  });

  it('links stereo: both channels get the gain of the louder one', () => {
    const compressor = new Compressor(FS, BLOCK, 2);
    const v = values({ threshold: -30, ratio: 4, knee: 0, attack: 1, release: 100 });
    const loud = sine(FS / 2, 1000, -10);
    const quiet = sine(FS / 2, 1000, -50);
    const { left, right } = run(compressor, v, loud, quiet);
    const n = FS / 2 - 480;
    expect(20 * Math.log10(rms(left, n, FS / 2) / rms(loud, n, FS / 2))).toBeCloseTo(-15, 1);
    expect(20 * Math.log10(rms(right, n, FS / 2) / rms(quiet, n, FS / 2))).toBeCloseTo(-15, 1);
  });

  it('switched off, passes audio bit-exactly after a 10 ms crossfade; back on, compresses again', () => {
    const compressor = new Compressor(FS, BLOCK, 2);
    const v = values({ threshold: -30, ratio: 4, knee: 0, attack: 1, release: 100 });
    const input = sine(FS / 2, 1000, -10);
    run(compressor, v, input);
    v[p('on')] = 0;
    const off = run(compressor, v, input);
    expect(off.left.subarray(480)).toEqual(input.subarray(480));
    expect(off.gainReduction[off.gainReduction.length - 1]).toBe(0);
    v[p('on')] = 1;
    const on = run(compressor, v, input);
    expect(on.gainReduction[on.gainReduction.length - 1]!).toBeCloseTo(15, 2);
  });

  it('allocates nothing per block while parameters change', async () => {
    const compressor = new Compressor(FS, BLOCK, 2);
    const mono = new Compressor(FS, BLOCK, 1);
    const v = values();
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const source = sine(BLOCK * 64, 220, -6);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 3 === 0) {
          v[p('threshold')] = -40 + (k % 30);
          v[p('makeup')] = (k % 7) * 0.5;
          v[p('ratio')] = 1 + (k % 11);
        }
        if (k % 5 === 0) {
          v[p('attack')] = 0.5 + (k % 13);
          v[p('release')] = 10 + (k % 17) * 3;
          v[p('knee')] = k % 12;
          v[p('sidechain-hpf')] = 20 + (k % 4) * 60;
        }
        if (k % 97 === 0) v[p('detection')] = (k >> 3) % 2;
        if (k % 211 === 0) v[p('on')] = (k >> 4) % 4 === 0 ? 0 : 1;
        const offset = (k % 64) * BLOCK;
        left.set(source.subarray(offset, offset + BLOCK));
        right.set(source.subarray(offset, offset + BLOCK));
        compressor.update(v, 0);
        compressor.process(left, right, BLOCK);
        mono.update(v, 0);
        mono.process(left, left, BLOCK);
      }
    };
    blocks(20_000)(); // warm up until everything is optimized
    const { short, long } = await steadyAllocations(ENGINE_FILES, blocks, { label: 'compressor' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('leaves no subnormal state after a loud burst and 10 s of silence (peak + HPF, rms)', () => {
    for (const settings of [{ 'sidechain-hpf': 150 }, { detection: 1 }]) {
      const compressor = new Compressor(FS, BLOCK, 2);
      const v = values({ threshold: -40, ratio: 8, release: 2000, ...settings });
      const left = new Float32Array(BLOCK);
      const right = new Float32Array(BLOCK);
      const burst = sine(FS, 55, 0);
      let subnormalBlocks = 0;
      const silent = Math.ceil((10 * FS) / BLOCK);
      for (let b = 0; b < FS / BLOCK + silent; b++) {
        if (b < FS / BLOCK) {
          left.set(burst.subarray(b * BLOCK, (b + 1) * BLOCK));
          right.set(burst.subarray(b * BLOCK, (b + 1) * BLOCK));
        } else {
          left.fill(0);
          right.fill(0);
        }
        compressor.update(v, 0);
        compressor.process(left, right, BLOCK);
        if (b >= FS / BLOCK && countSubnormals(compressor) > 0) subnormalBlocks++;
      }
      expect(subnormalBlocks).toBe(0);
      expect(countSubnormals(compressor)).toBe(0);
    }
  });

  it('prints its speed (not asserted)', () => {
    for (const [name, settings] of [
      ['peak', {}],
      ['peak + sidechain HPF', { 'sidechain-hpf': 100 }],
      ['rms', { detection: 1 }],
    ] as const) {
      const compressor = new Compressor(FS, BLOCK, 2);
      const v = values({ threshold: -30, ...settings });
      const source = sine(FS, 440, -6);
      const left = new Float32Array(BLOCK);
      const right = new Float32Array(BLOCK);
      const blocks = 4 * (FS / BLOCK);
      const pass = (): void => {
        for (let b = 0; b < blocks; b++) {
          const offset = (b % (FS / BLOCK)) * BLOCK;
          left.set(source.subarray(offset, offset + BLOCK));
          right.set(source.subarray(offset, offset + BLOCK));
          compressor.update(v, 0);
          compressor.process(left, right, BLOCK);
        }
      };
      pass();
      // Best of three: the machine is shared, the minimum is the least disturbed run.
      let ns = Infinity;
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        pass();
        ns = Math.min(ns, ((performance.now() - start) * 1e6) / (blocks * BLOCK));
      }
      console.log(`compressor (${name}, stereo): ${ns.toFixed(1)} ns per frame`);
    }
  });
});
