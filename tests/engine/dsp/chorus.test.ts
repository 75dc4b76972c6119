import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/demo/seeded-random.ts';
import {
  CHORUS_DELAY,
  CHORUS_DEPTH,
  CHORUS_FEEDBACK,
  CHORUS_MIX,
  CHORUS_PARAMS,
  CHORUS_RATE,
  CHORUS_SPREAD,
  Chorus,
  chorusParamIndex,
} from '../../../engine/processors/chorus.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const FS = 48000;
const BLOCK = 128;

function values(overrides: Partial<Record<string, number>> = {}): Float64Array {
  const v = Float64Array.from(CHORUS_PARAMS, (p) => p.default);
  for (const [key, value] of Object.entries(overrides)) v[chorusParamIndex(key)] = value!;
  return v;
}

/** Runs the signals through a fresh chorus (wet only unless `mix` is given) in place. */
function render(settings: Float64Array, left: Float32Array, right: Float32Array): void {
  const chorus = new Chorus(FS);
  chorus.update(settings, 0);
  for (let at = 0; at < left.length; at += BLOCK) {
    const n = Math.min(BLOCK, left.length - at);
    chorus.process(left.subarray(at, at + n), right.subarray(at, at + n), n);
  }
}

function sine(frequency: number, amplitude: number, seconds: number): Float32Array {
  const w = (2 * Math.PI * frequency) / FS;
  return Float32Array.from({ length: Math.round(seconds * FS) }, (_, n) => amplitude * Math.sin(w * n));
}

/**
 * Instantaneous delay (samples) of y = sin(w (n - D(n))) for a tone whose period P exceeds the
 * delay: the phase of y e^{-jwn} averaged over one period is -w D - pi/2, unique for D in [0, P).
 * Returns D at the centre of each averaging window, one value per `hop` samples.
 */
function trackDelay(y: Float32Array, period: number, hop: number, from: number): number[] {
  const w = (2 * Math.PI) / period;
  const out: number[] = [];
  for (let start = from; start + period <= y.length; start += hop) {
    let re = 0;
    let im = 0;
    for (let n = start; n < start + period; n++) {
      re += y[n]! * Math.cos(w * n);
      im -= y[n]! * Math.sin(w * n);
    }
    const phase = Math.atan2(im, re) + Math.PI / 2; // = -w D (mod 2 pi)
    let d = -phase / w;
    d = ((d % period) + period) % period;
    out.push(d);
  }
  return out;
}

/** Frequency (per sample of the track) and phase of the component of x at about `cycles` per track. */
function fitSinusoid(x: number[], frequency: number): { amplitude: number; phase: number; mean: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += (x[i]! - mean) * Math.cos(frequency * i);
    im += (x[i]! - mean) * Math.sin(frequency * i);
  }
  return { amplitude: (2 * Math.hypot(re, im)) / x.length, phase: Math.atan2(re, im), mean };
}

describe('Chorus parameters', () => {
  it('exports its template list with index constants that match the keys', () => {
    expect(CHORUS_PARAMS.map((p) => p.key)).toEqual(['rate', 'depth', 'delay', 'feedback', 'spread', 'mix']);
    expect([CHORUS_RATE, CHORUS_DEPTH, CHORUS_DELAY, CHORUS_FEEDBACK, CHORUS_SPREAD, CHORUS_MIX]).toEqual(
      CHORUS_PARAMS.map((p) => chorusParamIndex(p.key)),
    );
    const ranges = CHORUS_PARAMS.map((p) => [p.unit, p.min, p.max]);
    expect(ranges).toEqual([
      ['Hz', 0.05, 5],
      ['ms', 0, 10],
      ['ms', 1, 30],
      ['%', -90, 90],
      ['%', 0, 100],
      ['%', 0, 100],
    ]);
  });
});

describe('Chorus delay', () => {
  it.each([1, 7, 20.5, 30])('with depth 0 is a pure delay of `delay` ms, bit-exact (%s ms)', (ms) => {
    const random = mulberry32(11);
    const input = Float32Array.from({ length: FS / 2 }, () => random() - 0.5);
    const left = input.slice();
    const right = input.map((x) => -x);
    render(values({ delay: ms, depth: 0, feedback: 0, rate: 3, spread: 100 }), left, right);
    const d = Math.round((ms * FS) / 1000);
    let mismatches = 0;
    for (let n = 0; n < input.length; n++) {
      const expected = n >= d ? input[n - d]! : 0;
      if (left[n] !== expected || right[n] !== -expected) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('feeds back the wet signal: echoes at k D with gain feedback^(k-1), sign included', () => {
    const left = new Float32Array(FS / 10);
    const right = new Float32Array(left.length);
    left[0] = 1;
    right[0] = 1;
    render(values({ delay: 10, depth: 0, feedback: -50 }), left, right);
    const d = 480;
    for (let k = 1; k <= 5; k++) expect(left[k * d]).toBe((-0.5) ** (k - 1));
    let elsewhere = 0;
    for (let n = 0; n < left.length; n++) if (n % d !== 0) elsewhere += Math.abs(left[n]!);
    expect(elsewhere).toBe(0);
  });

  it.each([0.5, 4])(
    'follows delay +- depth at the set rate (%s Hz), right LFO offset by spread x 180 deg',
    (rate) => {
      const base = 10;
      const depth = 3;
      // A 60 Hz tone (period 800 samples = 16.7 ms > the longest delay of 13 ms): its phase gives
      // the delay without ambiguity, averaged over one period.
      const period = 800;
      const seconds = Math.max(4, 5 / rate);
      const left = sine(FS / period, 0.5, seconds);
      const right = left.slice();
      render(values({ delay: base, depth, rate, spread: 50, feedback: 0 }), left, right);
      const hop = 96;
      const from = 0.05 * FS;
      const dl = trackDelay(left, period, hop, from).map((d) => (d / FS) * 1000);
      const dr = trackDelay(right, period, hop, from).map((d) => (d / FS) * 1000);
      const perTrackSample = (2 * Math.PI * rate * hop) / FS;
      const fitL = fitSinusoid(dl, perTrackSample);
      const fitR = fitSinusoid(dr, perTrackSample);
      // The rate: rising crossings of the mean, periods between the first and the last.
      let first = -1;
      let last = -1;
      let crossings = 0;
      for (let i = 1; i < dl.length; i++) {
        if (dl[i - 1]! < fitL.mean && dl[i]! >= fitL.mean) {
          if (first < 0) first = i;
          last = i;
          crossings++;
        }
      }
      const measuredRate = ((crossings - 1) * FS) / (hop * (last - first));
      let lead = ((fitR.phase - fitL.phase) * 180) / Math.PI;
      lead = ((lead % 360) + 360) % 360;
      console.log(
        `rate ${rate} Hz: left delay ${fitL.mean.toFixed(3)} +- ${fitL.amplitude.toFixed(3)} ms at ${measuredRate.toFixed(3)} Hz ` +
          `(min ${Math.min(...dl).toFixed(3)}, max ${Math.max(...dl).toFixed(3)}); right ${fitR.mean.toFixed(3)} +- ` +
          `${fitR.amplitude.toFixed(3)} ms, leading by ${lead.toFixed(1)} deg`,
      );
      expect(Math.abs(fitL.mean / base - 1)).toBeLessThan(0.1);
      expect(Math.abs(fitL.amplitude / depth - 1)).toBeLessThan(0.1);
      expect(Math.abs((Math.max(...dl) - Math.min(...dl)) / (2 * depth) - 1)).toBeLessThan(0.1);
      expect(Math.abs(measuredRate / rate - 1)).toBeLessThan(0.1);
      expect(Math.abs(fitR.mean / base - 1)).toBeLessThan(0.1);
      expect(Math.abs(fitR.amplitude / depth - 1)).toBeLessThan(0.1);
      expect(Math.abs(lead - 90)).toBeLessThan(9);
    },
  );

  it('interpolates cleanly: a 1 kHz tone at depth 5 ms differs from the ideal frequency-modulated tone by < -60 dB, for 20 s', () => {
    // Ideal output: A sin(w (n - D(n))), D(n) = delay + depth sin(2 pi rate n / fs) in samples.
    // Everything else in the output (interpolation error, LFO drift) is spurious.
    const amplitude = 0.5;
    const base = 12;
    const depth = 5;
    const rate = 1.3;
    const seconds = 20;
    const w = (2 * Math.PI * 1000) / FS;
    const left = sine(1000, amplitude, seconds);
    const right = left.slice();
    render(values({ delay: base, depth, rate, spread: 0, feedback: 0 }), left, right);
    const lfo = (2 * Math.PI * rate) / FS;
    const worst = (from: number, to: number): number => {
      let e = 0;
      for (let n = from; n < to; n++) {
        const d = ((base + depth * Math.sin(lfo * n)) * FS) / 1000;
        e = Math.max(e, Math.abs(left[n]! - amplitude * Math.sin(w * (n - d))));
      }
      return e / amplitude;
    };
    const early = worst(0.05 * FS, 2 * FS);
    const late = worst((seconds - 2) * FS, seconds * FS);
    console.log(
      `1 kHz through depth 5 ms: worst deviation from the ideal FM tone ${(20 * Math.log10(early)).toFixed(1)} dB ` +
        `(first 2 s), ${(20 * Math.log10(late)).toFixed(1)} dB (after 18 s)`,
    );
    expect(early).toBeLessThan(1e-3);
    expect(late).toBeLessThan(1e-3);
  });
});

describe('Chorus on the audio thread', () => {
  it('keeps no subnormal state after a burst and 30 s of silence, and falls to exact zero', () => {
    const chorus = new Chorus(FS);
    chorus.update(values({ feedback: 90, delay: 1, depth: 0.5 }), 0);
    const random = mulberry32(9);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    for (let b = 0; b < 50; b++) {
      for (let i = 0; i < BLOCK; i++) {
        left[i] = random() - 0.5;
        right[i] = random() - 0.5;
      }
      chorus.process(left, right, BLOCK);
    }
    for (let b = 0; b < Math.round((30 * FS) / BLOCK); b++) {
      left.fill(0);
      right.fill(0);
      chorus.process(left, right, BLOCK);
    }
    expect(countSubnormals(chorus, 6)).toBe(0);
    expect(left.every((x) => x === 0) && right.every((x) => x === 0)).toBe(true);
  });

  it('allocates nothing per block with parameters changing every few blocks', async () => {
    const chorus = new Chorus(FS);
    const v = values();
    const source = Float32Array.from({ length: BLOCK }, (_, i) => 0.1 * Math.sin(i * 0.3));
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 5 === 0) {
          v[CHORUS_RATE] = 0.05 + ((k * 7) % 495) / 100;
          v[CHORUS_DEPTH] = ((k * 3) % 100) / 10;
          v[CHORUS_DELAY] = 1 + ((k * 11) % 290) / 10;
          v[CHORUS_FEEDBACK] = ((k * 13) % 180) - 90;
          v[CHORUS_SPREAD] = (k * 17) % 100;
          v[CHORUS_MIX] = (k * 19) % 100;
        }
        chorus.update(v, 0);
        left.set(source);
        right.set(source);
        chorus.process(left, right, BLOCK);
      }
    };
    blocks(20_000)();
    // Allocations are counted in every file, since the processor may be inlined into this test's loop.
    const { short, long } = await steadyAllocations('', blocks, { label: 'chorus' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('reports its cost (ns per stereo frame at 48 kHz, not asserted)', () => {
    const chorus = new Chorus(FS);
    chorus.update(values({ feedback: 40, depth: 4 }), 0);
    const random = mulberry32(3);
    const source = Float32Array.from({ length: BLOCK }, () => random() - 0.5);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const blocks = 4000;
    let best = Infinity;
    for (let rep = 0; rep < 5; rep++) {
      const start = process.hrtime.bigint();
      for (let b = 0; b < blocks; b++) {
        left.set(source);
        right.set(source);
        chorus.process(left, right, BLOCK);
      }
      best = Math.min(best, Number(process.hrtime.bigint() - start) / (blocks * BLOCK));
    }
    console.log(`chorus: ${best.toFixed(1)} ns per stereo frame`);
  });
});
