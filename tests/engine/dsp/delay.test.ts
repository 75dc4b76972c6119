import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/demo/seeded-random.ts';
import {
  DELAY_FEEDBACK,
  DELAY_GLIDE_MAX_RATE,
  DELAY_HIGHCUT,
  DELAY_LOWCUT,
  DELAY_MIX,
  DELAY_PARAMS,
  DELAY_PINGPONG,
  DELAY_SYNC,
  DELAY_SYNC_CHOICES,
  DELAY_TEMPO,
  DELAY_TIME,
  Delay,
  delayParamIndex,
} from '../../../engine/processors/delay.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const FS = 48000;
const BLOCK = 128;

function values(overrides: Partial<Record<string, number>> = {}): Float64Array {
  const v = Float64Array.from(DELAY_PARAMS, (p) => p.default);
  for (const [key, value] of Object.entries(overrides)) v[delayParamIndex(key)] = value!;
  return v;
}

function render(settings: Float64Array, left: Float32Array, right: Float32Array): void {
  const delay = new Delay(FS);
  delay.update(settings, 0);
  for (let at = 0; at < left.length; at += BLOCK) {
    const n = Math.min(BLOCK, left.length - at);
    delay.process(left.subarray(at, at + n), right.subarray(at, at + n), n);
  }
}

/** Impulse response on both channels (impulse on the left input, and on the right unless leftOnly). */
function impulseResponse(
  settings: Float64Array,
  seconds: number,
  leftOnly = false,
): [Float32Array, Float32Array] {
  const left = new Float32Array(Math.ceil(seconds * FS));
  const right = new Float32Array(left.length);
  left[0] = 1;
  if (!leftOnly) right[0] = 1;
  render(settings, left, right);
  return [left, right];
}

function argmaxAbs(x: Float32Array, from: number, to: number): number {
  let best = from;
  for (let i = from; i < to; i++) if (Math.abs(x[i]!) > Math.abs(x[best]!)) best = i;
  return best;
}

/** First sample of x[from, to) within -80 dB of the window's peak: where an echo starts. */
function onset(x: Float32Array, from: number, to: number): number {
  const threshold = 1e-4 * Math.abs(x[argmaxAbs(x, from, to)]!);
  let i = from;
  while (i < to && Math.abs(x[i]!) < threshold) i++;
  return i;
}

/** |DFT| of x[from, to) at f Hz (the whole echo lies in the window, so this is its gain at f). */
function magnitudeAt(x: Float32Array, from: number, to: number, f: number): number {
  const w = (2 * Math.PI * f) / FS;
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += x[i]! * Math.cos(w * (i - from));
    im -= x[i]! * Math.sin(w * (i - from));
  }
  return Math.hypot(re, im);
}

function energy(x: Float32Array, from: number, to: number): number {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i]! * x[i]!;
  return e;
}

/** Analytic magnitudes of first-order Butterworth high/low-pass by the bilinear transform. */
function highpassGain(fc: number, f: number): number {
  const k = Math.tan((Math.PI * fc) / FS);
  const t = Math.tan((Math.PI * f) / FS);
  return 1 / Math.sqrt(1 + (k / t) ** 2);
}
function lowpassGain(fc: number, f: number): number {
  const k = Math.tan((Math.PI * fc) / FS);
  const t = Math.tan((Math.PI * f) / FS);
  return 1 / Math.sqrt(1 + (t / k) ** 2);
}

const dB = (x: number): number => 20 * Math.log10(x);

describe('Delay parameters', () => {
  it('exports its template list, sync choices and a bpm tempo', () => {
    expect(DELAY_PARAMS.map((p) => p.key)).toEqual([
      'time',
      'sync',
      'tempo',
      'feedback',
      'lowcut',
      'highcut',
      'pingpong',
      'mix',
    ]);
    expect([
      DELAY_TIME,
      DELAY_SYNC,
      DELAY_TEMPO,
      DELAY_FEEDBACK,
      DELAY_LOWCUT,
      DELAY_HIGHCUT,
      DELAY_PINGPONG,
      DELAY_MIX,
    ]).toEqual(DELAY_PARAMS.map((p) => delayParamIndex(p.key)));
    const sync = DELAY_PARAMS[DELAY_SYNC]!;
    expect(sync.choices).toEqual(['off', '1/4', '1/8', '1/8 dotted', '1/8 triplet', '1/16', '1/2']);
    expect([sync.unit, sync.taper, sync.steps]).toEqual(['enum', 'stepped', 7]);
    const tempo = DELAY_PARAMS[DELAY_TEMPO]!;
    expect([tempo.unit, tempo.min, tempo.max, tempo.default, tempo.taper]).toEqual([
      'bpm',
      40,
      300,
      120,
      'linear',
    ]);
    const time = DELAY_PARAMS[DELAY_TIME]!;
    expect([time.unit, time.min, time.max, time.default, time.taper]).toEqual(['ms', 1, 2000, 375, 'log']);
  });
});

describe('Delay echoes', () => {
  it.each([1, 10, 375, 1000])(
    'an impulse comes back at exactly round(time fs / 1000) samples, then every time (time %s ms)',
    (ms) => {
      // Echo 1 is unfiltered: it peaks at D exactly. Later echoes went through the (causal) cut
      // filters, which smear them: each starts exactly at k D (nothing of it arrives earlier).
      const d = Math.round((ms * FS) / 1000);
      const [left, right] = impulseResponse(values({ time: ms, feedback: 50 }), (4.5 * d) / FS + 0.01);
      expect(energy(left, 0, d)).toBe(0);
      expect(energy(right, 0, d)).toBe(0);
      expect(argmaxAbs(left, 0, Math.round(1.5 * d))).toBe(d);
      expect(argmaxAbs(right, 0, Math.round(1.5 * d))).toBe(d);
      expect(left[d]).toBe(1);
      if (d < 0.1 * FS) return; // shorter repeats overlap the previous one's filter tail
      for (let k = 2; k <= 4; k++)
        expect(onset(left, Math.round((k - 0.5) * d), Math.round((k + 0.5) * d))).toBe(k * d);
    },
  );

  it.each([
    [20, 20000],
    [300, 3000],
  ] as const)(
    'echo k has gain feedback^k x the cut filters^k (analytic, within 0.1 dB), cuts %s-%s Hz',
    (lowcut, highcut) => {
      const feedback = 0.7;
      const ms = 375;
      const d = Math.round((ms * FS) / 1000);
      const [left] = impulseResponse(
        values({ time: ms, feedback: 100 * feedback, lowcut, highcut }),
        6.6 * (ms / 1000),
      );
      const report: string[] = [];
      for (const f of [100, 1000, 5000]) {
        for (let k = 0; k < 6; k++) {
          const from = Math.round((k + 0.5) * d);
          const measured = magnitudeAt(left, from, from + d, f);
          const expected = feedback ** k * (highpassGain(lowcut, f) * lowpassGain(highcut, f)) ** k;
          report.push(
            `${f} Hz echo ${k}: ${dB(measured).toFixed(3)} dB (analytic ${dB(expected).toFixed(3)})`,
          );
          expect(Math.abs(dB(measured) - dB(expected))).toBeLessThan(0.1);
        }
      }
      console.log(`cuts ${lowcut}-${highcut} Hz:\n  ${report.filter((_, i) => i % 6 === 5).join('\n  ')}`);
    },
  );

  it('sync: 1/4 at 120 BPM is 500 ms, 1/8 dotted at 100 BPM is 450 ms, every note value is beats x 60 / tempo', () => {
    const firstEcho = (sync: number, tempo: number): number => {
      const [left] = impulseResponse(values({ sync, tempo, feedback: 0, time: 1 }), 3.1);
      return argmaxAbs(left, 1, left.length);
    };
    expect(firstEcho(DELAY_SYNC_CHOICES.indexOf('1/4'), 120)).toBe(0.5 * FS);
    expect(firstEcho(DELAY_SYNC_CHOICES.indexOf('1/8 dotted'), 100)).toBe(0.45 * FS);
    const beats: Record<string, number> = {
      '1/4': 1,
      '1/8': 0.5,
      '1/8 dotted': 0.75,
      '1/8 triplet': 1 / 3,
      '1/16': 0.25,
      '1/2': 2,
    };
    for (const [name, count] of Object.entries(beats)) {
      for (const tempo of [40, 97, 300]) {
        expect(
          firstEcho(DELAY_SYNC_CHOICES.indexOf(name as (typeof DELAY_SYNC_CHOICES)[number]), tempo),
        ).toBe(Math.round(((count * 60) / tempo) * FS));
      }
    }
  });
});

describe('Delay ping-pong', () => {
  it('alternates echoes left, right, left ... and keeps channels apart when off', () => {
    const ms = 100;
    const d = Math.round((ms * FS) / 1000);
    for (const leftOnly of [false, true]) {
      const [left, right] = impulseResponse(values({ time: ms, feedback: 60, pingpong: 1 }), 0.65, leftOnly);
      for (let k = 1; k <= 5; k++) {
        const from = Math.round((k - 0.5) * d);
        const to = Math.round((k + 0.5) * d);
        const [hot, cold] = k % 2 === 1 ? [left, right] : [right, left];
        // The cold channel holds only the previous echo's filter tail (20 Hz high-pass), no echo.
        expect(energy(hot, from, to)).toBeGreaterThan(0.001);
        expect(energy(cold, from, to)).toBeLessThan(1e-6 * energy(hot, from, to));
        expect(onset(hot, from, to)).toBe(k * d);
      }
    }
    const [left, right] = impulseResponse(values({ time: ms, feedback: 60, pingpong: 0 }), 0.65, true);
    expect(energy(right, 0, right.length)).toBe(0);
    for (let k = 1; k <= 5; k++)
      expect(onset(left, Math.round((k - 0.5) * d), Math.round((k + 0.5) * d))).toBe(k * d);
  });
});

describe('Delay time changes', () => {
  it.each([
    ['time', 375, 500],
    ['time', 500, 20],
    ['sync', 1, 5],
  ] as const)(
    '%s %s -> %s glides: no sample step above A w (1 + max rate), then lands exactly',
    (key, from, to) => {
      // y(n) = A sin(w (n - D(n))) with |dD/dn| <= max rate: |y(n) - y(n-1)| <= A w (1 + max rate),
      // plus the Hermite error (< 1e-5 A at 1 kHz). A jump of D could step by up to 2 A.
      const amplitude = 0.5;
      const w = (2 * Math.PI * 1000) / FS;
      const bound = amplitude * w * (1 + DELAY_GLIDE_MAX_RATE) * 1.001;
      const v = values({ [key]: from, feedback: 0 });
      const delay = new Delay(FS);
      delay.update(v, 0);
      const seconds = 5;
      const change = Math.round((1 * FS) / BLOCK) * BLOCK;
      const out = new Float32Array(seconds * FS);
      const right = new Float32Array(BLOCK);
      for (let at = 0; at < out.length; at += BLOCK) {
        if (at === change) {
          v[delayParamIndex(key)] = to;
          delay.update(v, 0);
        }
        const block = out.subarray(at, at + BLOCK);
        for (let i = 0; i < BLOCK; i++) block[i] = amplitude * Math.sin(w * (at + i));
        right.set(block);
        delay.process(block, right, BLOCK);
      }
      let step = 0;
      for (let i = change - FS / 2; i < out.length; i++)
        step = Math.max(step, Math.abs(out[i]! - out[i - 1]!));
      const target =
        key === 'time'
          ? Math.round((to * FS) / 1000)
          : Math.round((60 / 120) * [0, 1, 0.5, 0.75, 1 / 3, 0.25, 2][to]! * FS);
      let landed = 0;
      for (let i = out.length - FS / 2; i < out.length; i++) {
        landed = Math.max(landed, Math.abs(out[i]! - amplitude * Math.sin(w * (i - target))));
      }
      console.log(
        `${key} ${from} -> ${to}: largest step ${step.toFixed(5)} (bound ${bound.toFixed(5)}), error after landing ${landed.toExponential(1)}`,
      );
      expect(step).toBeLessThanOrEqual(bound);
      expect(landed).toBeLessThan(1e-6);
    },
  );
});

describe('Delay on the audio thread', () => {
  it('keeps no subnormal state after a burst and 30 s of silence, and falls to exact zero', () => {
    const delay = new Delay(FS);
    delay.update(values({ time: 1, feedback: 95, lowcut: 200, highcut: 5000 }), 0);
    const random = mulberry32(5);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    for (let b = 0; b < 50; b++) {
      for (let i = 0; i < BLOCK; i++) {
        left[i] = random() - 0.5;
        right[i] = random() - 0.5;
      }
      delay.process(left, right, BLOCK);
    }
    for (let b = 0; b < Math.round((30 * FS) / BLOCK); b++) {
      left.fill(0);
      right.fill(0);
      delay.process(left, right, BLOCK);
    }
    expect(countSubnormals(delay, 6)).toBe(0);
    expect(left.every((x) => x === 0) && right.every((x) => x === 0)).toBe(true);
  });

  it('allocates nothing per block with parameters changing every few blocks', async () => {
    const delay = new Delay(FS);
    const v = values();
    const source = Float32Array.from({ length: BLOCK }, (_, i) => 0.1 * Math.sin(i * 0.3));
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 5 === 0) {
          v[DELAY_TIME] = 1 + ((k * 7) % 1999);
          v[DELAY_SYNC] = (k >> 6) % 7;
          v[DELAY_TEMPO] = 40 + ((k * 3) % 260);
          v[DELAY_FEEDBACK] = (k * 11) % 95;
          v[DELAY_LOWCUT] = 20 + ((k * 13) % 1980);
          v[DELAY_HIGHCUT] = 1000 + ((k * 17) % 19000);
          v[DELAY_PINGPONG] = (k >> 4) % 2;
          v[DELAY_MIX] = (k * 19) % 100;
        }
        delay.update(v, 0);
        left.set(source);
        right.set(source);
        delay.process(left, right, BLOCK);
      }
    };
    blocks(20_000)();
    // Allocations are counted in every file, since the processor may be inlined into this test's loop.
    const { short, long } = await steadyAllocations('', blocks, { label: 'delay' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('reports its cost (ns per stereo frame at 48 kHz, not asserted)', () => {
    const delay = new Delay(FS);
    delay.update(values({ feedback: 60, lowcut: 100, highcut: 8000 }), 0);
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
        delay.process(left, right, BLOCK);
      }
      best = Math.min(best, Number(process.hrtime.bigint() - start) / (blocks * BLOCK));
    }
    console.log(`delay: ${best.toFixed(1)} ns per stereo frame`);
  });
});
