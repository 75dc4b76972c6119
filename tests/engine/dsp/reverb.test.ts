import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/demo/seeded-random.ts';
import {
  REVERB_DAMPING,
  REVERB_DECAY,
  REVERB_MIX,
  REVERB_PARAMS,
  REVERB_PREDELAY,
  REVERB_SIZE,
  Reverb,
  reverbParamIndex,
} from '../../../engine/processors/reverb.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const FS = 48000;
const BLOCK = 128;

function values(overrides: Partial<Record<string, number>> = {}): Float64Array {
  const v = Float64Array.from(REVERB_PARAMS, (p) => p.default);
  for (const [key, value] of Object.entries(overrides)) v[reverbParamIndex(key)] = value!;
  return v;
}

/** Runs `left`/`right` through a fresh reverb in 128-frame blocks, in place. */
function render(settings: Float64Array, left: Float32Array, right: Float32Array): void {
  const reverb = new Reverb(FS, BLOCK);
  reverb.update(settings, 0);
  for (let at = 0; at < left.length; at += BLOCK) {
    const n = Math.min(BLOCK, left.length - at);
    reverb.process(left.subarray(at, at + n), right.subarray(at, at + n), n);
  }
}

/** Impulse response (wet, mix 100 %) to a unit impulse on both inputs. */
function impulseResponse(settings: Float64Array, seconds: number): [Float32Array, Float32Array] {
  const n = Math.ceil(seconds * FS);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  left[0] = 1;
  right[0] = 1;
  render(settings, left, right);
  return [left, right];
}

// ---- Independent measurement code (no engine DSP): RBJ cookbook biquads, Schroeder EDC, T30.

/** RBJ cookbook low/high-pass (Q = 1/sqrt 2), direct form I in double, applied in place. */
function biquadPass(x: Float64Array, kind: 'lowpass' | 'highpass', f0: number): void {
  const w0 = (2 * Math.PI * f0) / FS;
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const b1 = (kind === 'lowpass' ? 1 - cos : -(1 + cos)) / a0;
  const b0 = kind === 'lowpass' ? b1 / 2 : -b1 / 2;
  const b2 = b0;
  const a1 = (-2 * cos) / a0;
  const a2 = (1 - alpha) / a0;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const y = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = y;
    x[i] = y;
  }
}

/** Band [low, high] Hz: 4th-order high-pass at low, 4th-order low-pass at high. */
function band(samples: Float32Array, low: number, high: number): Float64Array {
  const x = Float64Array.from(samples);
  biquadPass(x, 'highpass', low);
  biquadPass(x, 'highpass', low);
  biquadPass(x, 'lowpass', high);
  biquadPass(x, 'lowpass', high);
  return x;
}

/** RT60 by the T30 method: Schroeder backward integral of e(t), line fitted over -5..-35 dB. */
function t30(energy: Float64Array): number {
  const edc = new Float64Array(energy.length);
  let sum = 0;
  for (let i = energy.length - 1; i >= 0; i--) {
    sum += energy[i]!;
    edc[i] = sum;
  }
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < edc.length; i++) {
    const db = 10 * Math.log10(edc[i]! / sum);
    if (db > -5) continue;
    if (db < -35) break;
    const t = i / FS;
    n++;
    sx += t;
    sy += db;
    sxx += t * t;
    sxy += t * db;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return -60 / slope;
}

/** RT60 (T30) of the L+R energy of a stereo impulse response in a band. */
function bandRt60([left, right]: [Float32Array, Float32Array], low: number, high: number): number {
  const l = band(left, low, high);
  const r = band(right, low, high);
  const energy = new Float64Array(l.length);
  for (let i = 0; i < l.length; i++) energy[i] = l[i]! * l[i]! + r[i]! * r[i]!;
  return t30(energy);
}

function nsPerSample(run: () => void, frames: number): number {
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / frames);
  }
  return best;
}

describe('Reverb parameters', () => {
  it('exports its template list with index constants that match the keys', () => {
    expect(REVERB_PARAMS.map((p) => p.key)).toEqual(['predelay', 'decay', 'damping', 'size', 'mix']);
    expect([REVERB_PREDELAY, REVERB_DECAY, REVERB_DAMPING, REVERB_SIZE, REVERB_MIX]).toEqual(
      ['predelay', 'decay', 'damping', 'size', 'mix'].map(reverbParamIndex),
    );
    const decay = REVERB_PARAMS[REVERB_DECAY]!;
    expect([decay.unit, decay.min, decay.max, decay.default, decay.taper]).toEqual([
      's',
      0.2,
      10,
      1.8,
      'log',
    ]);
    const damping = REVERB_PARAMS[REVERB_DAMPING]!;
    expect([damping.unit, damping.min, damping.max, damping.default, damping.taper]).toEqual([
      'Hz',
      1000,
      20000,
      8000,
      'log',
    ]);
  });
});

describe('Reverb decay', () => {
  it.each([0.5, 1.8, 5])('RT60 (T30, 500 Hz-2 kHz band) is within 10 percent of decay = %s s', (decay) => {
    const ir = impulseResponse(values({ decay }), 1.4 * decay + 0.4);
    const rt60 = bandRt60(ir, 500, 2000);
    console.log(
      `decay ${decay} s: RT60 500-2k = ${rt60.toFixed(3)} s (${((rt60 / decay - 1) * 100).toFixed(1)} %)`,
    );
    expect(Math.abs(rt60 / decay - 1)).toBeLessThan(0.1);
  });

  it('damping 2 kHz makes the 8 kHz band die much faster than 1 kHz; damping 20 kHz keeps them alike', () => {
    const decay = 3;
    const rt = (damping: number): [number, number] => {
      const ir = impulseResponse(values({ decay, damping }), 1.4 * decay + 0.4);
      return [bandRt60(ir, 707, 1414), bandRt60(ir, 5657, 11314)];
    };
    const [dark1k, dark8k] = rt(2000);
    const [bright1k, bright8k] = rt(20000);
    console.log(
      `damping 2 kHz: RT60 1k ${dark1k.toFixed(3)} s, 8k ${dark8k.toFixed(3)} s; ` +
        `damping 20 kHz: 1k ${bright1k.toFixed(3)} s, 8k ${bright8k.toFixed(3)} s`,
    );
    // decay is the RT60 at 1 kHz whatever the damping.
    expect(Math.abs(dark1k / decay - 1)).toBeLessThan(0.1);
    expect(Math.abs(bright1k / decay - 1)).toBeLessThan(0.1);
    // The documented law RT60(f) ~ RT(1k) (1 + (t1/td)^2) / (1 + (t/td)^2), t = tan(pi f / fs),
    // predicts 8k/1k = 0.062 at fd = 2 kHz (0.02..0.2 across the octave band) and 0.977 at 20 kHz.
    expect(dark8k / dark1k).toBeLessThan(0.25);
    expect(bright8k / bright1k).toBeGreaterThan(0.9);
    expect(bright8k / bright1k).toBeLessThan(1.05);
  });
});

describe('Reverb pre-delay', () => {
  it.each([0, 20, 100, 250])(
    'the first sample above -60 dB (re peak) arrives at %s ms, within 3 ms',
    (ms) => {
      const [left, right] = impulseResponse(values({ predelay: ms }), 0.6);
      let peak = 0;
      for (let i = 0; i < left.length; i++) peak = Math.max(peak, Math.abs(left[i]!), Math.abs(right[i]!));
      const threshold = peak * 1e-3;
      let first = -1;
      for (let i = 0; i < left.length && first < 0; i++) {
        if (Math.abs(left[i]!) > threshold || Math.abs(right[i]!) > threshold) first = i;
      }
      const expected = Math.round((ms * FS) / 1000);
      console.log(`pre-delay ${ms} ms: first arrival at sample ${first} (expected >= ${expected})`);
      expect(first).toBeGreaterThanOrEqual(expected);
      expect(first).toBeLessThanOrEqual(expected + 0.003 * FS);
    },
  );
});

describe('Reverb tail', () => {
  it('is decorrelated left/right: |interaural correlation| < 0.5 after 80 ms', () => {
    for (const [label, leftOnly] of [
      ['impulse on both inputs', false],
      ['impulse on the left input', true],
    ] as const) {
      const n = Math.ceil(2.5 * FS);
      const left = new Float32Array(n);
      const right = new Float32Array(n);
      left[0] = 1;
      if (!leftOnly) right[0] = 1;
      render(values(), left, right);
      let lr = 0;
      let ll = 0;
      let rr = 0;
      for (let i = Math.round(0.08 * FS); i < n; i++) {
        lr += left[i]! * right[i]!;
        ll += left[i]! * left[i]!;
        rr += right[i]! * right[i]!;
      }
      const correlation = lr / Math.sqrt(ll * rr);
      console.log(`${label}: interaural correlation of the tail ${correlation.toFixed(3)}`);
      expect(Math.abs(correlation)).toBeLessThan(0.5);
    }
  });

  it.each([0, 60, 100])(
    'has no gaps after 50 ms at size %s: every 1 ms window within 20 dB of its 21 ms neighbourhood',
    (size) => {
      const [left, right] = impulseResponse(values({ size }), 2);
      const window = FS / 1000;
      const energies: number[] = [];
      for (let at = 0; at + window <= left.length; at += window) {
        let e = 0;
        for (let i = at; i < at + window; i++) e += left[i]! * left[i]! + right[i]! * right[i]!;
        energies.push(e);
      }
      const total = energies.reduce((a, b) => a + b, 0);
      let worst = 0;
      for (let w = 50; w < energies.length - 10; w++) {
        let local = 0;
        for (let j = w - 10; j <= w + 10; j++) local += energies[j]!;
        local /= 21;
        if (local < total * 1e-6) break; // tail below -60 dB: done
        worst = Math.min(worst, 10 * Math.log10(energies[w]! / local));
      }
      console.log(`size ${size} %: quietest 1 ms window ${worst.toFixed(1)} dB below its neighbourhood`);
      expect(worst).toBeGreaterThan(-20);
    },
  );
});

describe('Reverb with a mono caller', () => {
  it('writes the mono fold of the stereo wet output when left === right', () => {
    const random = mulberry32(21);
    const input = Float32Array.from({ length: FS / 2 }, () => random() - 0.5);
    const left = input.slice();
    const right = input.slice();
    render(values(), left, right);
    const mono = input.slice();
    const reverb = new Reverb(FS, BLOCK);
    reverb.update(values(), 0);
    for (let at = 0; at < mono.length; at += BLOCK) {
      const view = mono.subarray(at, at + BLOCK); // the same object as left and right
      reverb.process(view, view, view.length);
    }
    let worst = 0;
    for (let i = 0; i < mono.length; i++)
      worst = Math.max(worst, Math.abs(mono[i]! - 0.5 * (left[i]! + right[i]!)));
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('Reverb robustness', () => {
  it('stays finite and below +24 dBFS for 60 s of 0 dBFS noise with size/decay/damping/pre-delay jumping every 100 ms', () => {
    const random = mulberry32(1234);
    const reverb = new Reverb(FS, BLOCK);
    const v = values();
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const limit = Math.pow(10, 24 / 20);
    let peak = 0;
    let finite = true;
    const blocks = Math.round((60 * FS) / BLOCK);
    const blocksPer100ms = Math.round((0.1 * FS) / BLOCK);
    for (let b = 0; b < blocks; b++) {
      if (b % blocksPer100ms === 0) {
        v[REVERB_SIZE] = 100 * random();
        v[REVERB_DECAY] = 0.2 * Math.pow(50, random());
        v[REVERB_DAMPING] = 1000 * Math.pow(20, random());
        v[REVERB_PREDELAY] = 250 * random();
        reverb.update(v, 0);
      }
      for (let i = 0; i < BLOCK; i++) {
        left[i] = 2 * random() - 1;
        right[i] = 2 * random() - 1;
      }
      reverb.process(left, right, BLOCK);
      for (let i = 0; i < BLOCK; i++) {
        const l = left[i]!;
        const r = right[i]!;
        if (!Number.isFinite(l) || !Number.isFinite(r)) finite = false;
        peak = Math.max(peak, Math.abs(l), Math.abs(r));
      }
    }
    console.log(
      `60 s of full-scale noise, parameters jumping: output peak ${(20 * Math.log10(peak)).toFixed(1)} dBFS`,
    );
    expect(finite).toBe(true);
    expect(peak).toBeLessThan(limit);
  });

  it('does not click when size, decay or damping jump: no broadband burst above a 300 Hz tone', () => {
    // A steady 300 Hz tone fills the tail with 300 Hz only (the network is linear, and a
    // gliding length bends the pitch by at most 5 %). A click (a length that jumped, a loop gain
    // that stepped) is broadband: it shows above 3 kHz, where the steady tail has ~-80 dB.
    for (const [key, from, to] of [
      ['size', 60, 0],
      ['size', 0, 100],
      ['decay', 5, 0.2],
      ['damping', 20000, 1000],
    ] as const) {
      const reverb = new Reverb(FS, BLOCK);
      const v = values({ [key]: from });
      reverb.update(v, 0);
      const seconds = 4;
      const change = Math.round((3 * FS) / BLOCK) * BLOCK;
      const out = new Float32Array(seconds * FS);
      const left = new Float32Array(BLOCK);
      const right = new Float32Array(BLOCK);
      const w = (2 * Math.PI * 300) / FS;
      for (let at = 0; at < out.length; at += BLOCK) {
        if (at === change) {
          v[reverbParamIndex(key)] = to;
          reverb.update(v, 0);
        }
        for (let i = 0; i < BLOCK; i++) {
          left[i] = 0.5 * Math.sin(w * (at + i));
          right[i] = left[i]!;
        }
        reverb.process(left, right, BLOCK);
        out.set(left, at);
      }
      const high = band(out, 3000, 20000);
      const peakIn = (from: number, to: number): number => {
        let p = 0;
        for (let i = from; i < to; i++) p = Math.max(p, Math.abs(high[i]!));
        return p;
      };
      let tone = 0;
      for (let i = change - FS / 2; i < change; i++) tone = Math.max(tone, Math.abs(out[i]!));
      const steady = peakIn(change - FS / 2, change);
      const after = peakIn(change, change + FS / 2);
      console.log(
        `${key} ${from} -> ${to}: tail ${(20 * Math.log10(tone)).toFixed(1)} dBFS, above 3 kHz ` +
          `${(20 * Math.log10(steady / tone)).toFixed(1)} dB before, ${(20 * Math.log10(after / tone)).toFixed(1)} dB after`,
      );
      expect(after / tone).toBeLessThan(1e-3);
    }
  });

  it('keeps no subnormal state after a burst and 30 s of silence (decay 0.2 s)', () => {
    const reverb = new Reverb(FS, BLOCK);
    reverb.update(values({ decay: 0.2, damping: 1000, size: 0 }), 0);
    const random = mulberry32(7);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    for (let b = 0; b < Math.round((0.5 * FS) / BLOCK); b++) {
      for (let i = 0; i < BLOCK; i++) {
        left[i] = random() - 0.5;
        right[i] = random() - 0.5;
      }
      reverb.process(left, right, BLOCK);
    }
    let outputSubnormals = 0;
    for (let b = 0; b < Math.round((30 * FS) / BLOCK); b++) {
      left.fill(0);
      right.fill(0);
      reverb.process(left, right, BLOCK);
      for (let i = 0; i < BLOCK; i++) {
        if (left[i] !== 0 && Math.abs(left[i]!) < 1.1754943508222875e-38) outputSubnormals++;
      }
    }
    expect(countSubnormals(reverb, 6)).toBe(0);
    expect(outputSubnormals).toBe(0);
    // The DC floor holds the state near 1e-18: far from subnormal, far below audibility.
    expect(Math.abs(left[BLOCK - 1]!)).toBeLessThan(1e-15);
  });
});

describe('Reverb on the audio thread', () => {
  it('allocates nothing per block with parameters changing every few blocks', async () => {
    const reverb = new Reverb(FS, BLOCK);
    const v = values();
    const sourceLeft = Float32Array.from({ length: BLOCK }, (_, i) => 0.1 * Math.sin(i * 0.3));
    const sourceRight = Float32Array.from({ length: BLOCK }, (_, i) => 0.1 * Math.cos(i * 0.2));
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 5 === 0) {
          v[REVERB_SIZE] = (k * 7) % 100;
          v[REVERB_DECAY] = 0.2 + ((k * 3) % 98) / 10;
          v[REVERB_DAMPING] = 1000 + ((k * 131) % 19000);
          v[REVERB_PREDELAY] = (k * 11) % 250;
          v[REVERB_MIX] = (k * 13) % 100;
        }
        reverb.update(v, 0);
        left.set(sourceLeft);
        right.set(sourceRight);
        reverb.process(left, right, BLOCK);
      }
    };
    blocks(20_000)();
    // Allocations are counted in every file, since the processor may be inlined into this test's loop.
    const { short, long } = await steadyAllocations('', blocks, { label: 'reverb' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('reports its cost (ns per stereo frame at 48 kHz; budget ~100, not asserted)', () => {
    const reverb = new Reverb(FS, BLOCK);
    const random = mulberry32(3);
    const sourceLeft = Float32Array.from({ length: BLOCK }, () => random() - 0.5);
    const sourceRight = Float32Array.from({ length: BLOCK }, () => random() - 0.5);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const blocks = 2000;
    const run = (): void => {
      for (let b = 0; b < blocks; b++) {
        left.set(sourceLeft);
        right.set(sourceRight);
        reverb.process(left, right, BLOCK);
      }
    };
    run();
    console.log(`reverb: ${nsPerSample(run, blocks * BLOCK).toFixed(1)} ns per stereo frame`);
  });
});
