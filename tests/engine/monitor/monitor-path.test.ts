/**
 * The monitor path against analytic references: speaker filters against the cookbook response
 * evaluated independently (tests/support/cookbook-reference.ts), delays in exact samples, trims,
 * dim and mono as exact products, mute silent, the ceiling never exceeded, A/B switching and
 * parameter changes within bounds derived from the fade and smoothing laws.
 */
import { describe, expect, it } from 'vitest';
import { SET_FADE_MS } from '../../../engine/processors/monitor-path.ts';
import { cascadeDb, type FilterSpec } from '../../support/cookbook-reference.ts';
import { BLOCK, MonitorHarness, RATE, dtftDb, largestStep, noise, sine } from './monitor-harness.ts';

const TYPE: Record<FilterSpec['type'], number> = { peaking: 0, lowshelf: 1, highshelf: 2 };

function setFilters(h: MonitorHarness, speaker: number, filters: readonly FilterSpec[]): void {
  filters.forEach((filter, k) => {
    const at = `speaker/${speaker}/eq/${k + 1}/`;
    h.jump(`${at}type`, TYPE[filter.type]);
    h.jump(`${at}freq`, filter.hz);
    h.jump(`${at}gain`, filter.gainDb);
    h.jump(`${at}q`, filter.q);
    h.jump(`${at}on`, 1);
  });
}

const SPEAKER_1: FilterSpec[] = [
  { type: 'peaking', hz: 32, q: 4, gainDb: -8 },
  { type: 'peaking', hz: 55, q: 6, gainDb: -12 },
  { type: 'lowshelf', hz: 80, q: 0.707, gainDb: 3 },
  { type: 'peaking', hz: 120, q: 2, gainDb: 2.5 },
  { type: 'peaking', hz: 250, q: 1.2, gainDb: -4 },
  { type: 'peaking', hz: 700, q: 3, gainDb: -3 },
  { type: 'peaking', hz: 1800, q: 0.8, gainDb: 1.5 },
  { type: 'highshelf', hz: 6000, q: 0.6, gainDb: -2 },
  { type: 'peaking', hz: 11000, q: 5, gainDb: -6 },
  { type: 'highshelf', hz: 16000, q: 0.707, gainDb: 2 },
];
const SPEAKER_2: FilterSpec[] = [
  { type: 'lowshelf', hz: 45, q: 0.5, gainDb: -5 },
  { type: 'peaking', hz: 68, q: 8, gainDb: -15 },
  { type: 'peaking', hz: 95, q: 3, gainDb: 3 },
  { type: 'peaking', hz: 160, q: 1, gainDb: -2 },
  { type: 'peaking', hz: 330, q: 4, gainDb: -6 },
  { type: 'peaking', hz: 900, q: 0.5, gainDb: 1 },
  { type: 'peaking', hz: 2500, q: 2, gainDb: -2.5 },
  { type: 'peaking', hz: 4200, q: 10, gainDb: -9 },
  { type: 'highshelf', hz: 8000, q: 1.2, gainDb: 1.5 },
  { type: 'peaking', hz: 14000, q: 1.5, gainDb: -4 },
];

function impulse(frames: number, at: number, amplitude: number): Float32Array {
  const x = new Float32Array(frames);
  x[at] = amplitude;
  return x;
}

describe('monitor path', () => {
  it('runs each speaker through its own ten cookbook sections, preamp and trim: the response equals the analytic cascade within 0.01 dB', () => {
    const h = new MonitorHarness(2);
    setFilters(h, 1, SPEAKER_1);
    setFilters(h, 2, SPEAKER_2);
    h.jump('speaker/1/preamp', -6);
    h.jump('speaker/2/preamp', -4.5);
    h.jump('speaker/2/trim', -1.25);
    h.jump('ceiling', 0);
    const frames = 256 * BLOCK;
    const amplitude = 0.1;
    const [one, two] = h.run(impulse(frames, 0, amplitude), impulse(frames, 0, amplitude));
    // The filters' tails have decayed to nothing by the end (the DTFT sees the whole response).
    expect(Math.max(Math.abs(one![frames - 1]!), Math.abs(two![frames - 1]!))).toBeLessThan(1e-9);
    const grid = Array.from({ length: 49 }, (_, k) => 20 * Math.pow(1000, k / 48));
    const hz = [...grid, ...SPEAKER_1.map((f) => f.hz), ...SPEAKER_2.map((f) => f.hz)];
    const measuredOne = dtftDb(one!, hz, amplitude);
    const measuredTwo = dtftDb(two!, hz, amplitude);
    let worst = 0;
    hz.forEach((f, k) => {
      const expectedOne = cascadeDb(SPEAKER_1, f, RATE) - 6;
      const expectedTwo = cascadeDb(SPEAKER_2, f, RATE) - 4.5 - 1.25;
      worst = Math.max(
        worst,
        Math.abs(measuredOne[k]! - expectedOne),
        Math.abs(measuredTwo[k]! - expectedTwo),
      );
    });
    console.log(`monitor EQ: worst deviation from the cookbook cascade ${worst.toExponential(2)} dB`);
    expect(worst).toBeLessThan(0.01);
  });

  it('delays each speaker by whole samples (delay-ms rounded at the engine rate), exactly', () => {
    const h = new MonitorHarness(5);
    const delaysMs = [0, 1, 10.01, 20.8333, 50];
    const expected = [0, 48, 480, 1000, 2400];
    delaysMs.forEach((ms, s) => {
      h.jump(`speaker/${s + 1}/source`, 0);
      h.jump(`speaker/${s + 1}/set-a`, 1);
      h.jump(`speaker/${s + 1}/delay-ms`, ms);
    });
    const frames = 24 * BLOCK;
    const x = impulse(frames, 300, 0.75);
    const outputs = h.run(x, new Float32Array(frames));
    outputs.forEach((out, s) => {
      const at = 300 + expected[s]!;
      expect(out[at]).toBe(Math.fround(0.75));
      let elsewhere = 0;
      out.forEach((v, i) => {
        if (i !== at) elsewhere = Math.max(elsewhere, Math.abs(v));
      });
      expect(elsewhere).toBe(0);
    });
  });

  it('applies trim, level, dim and mono as exact products, and mute as silence', () => {
    const frames = 8 * BLOCK;
    // Below the ceiling after the +3.25 dB trim.
    const left = noise(frames, 0.65, 7);
    const right = noise(frames, 0.65, 8);
    const gainOf = (db: number): number => Math.pow(10, db / 20);

    const trims = new MonitorHarness(2);
    trims.jump('ceiling', 0);
    trims.jump('speaker/1/trim', -6.5);
    trims.jump('speaker/2/trim', 3.25);
    const [l1, r1] = trims.run(left, right);
    for (let i = 0; i < frames; i++) {
      expect(l1![i]).toBe(Math.fround(left[i]! * gainOf(-6.5)));
      expect(r1![i]).toBe(Math.fround(right[i]! * gainOf(3.25)));
    }

    const dim = new MonitorHarness(2);
    dim.jump('level', -10);
    dim.jump('dim', 1);
    dim.jump('dim-db', -35);
    const [l2, r2] = dim.run(left, right);
    for (let i = 0; i < frames; i++) {
      expect(l2![i]).toBe(Math.fround(left[i]! * gainOf(-45)));
      expect(r2![i]).toBe(Math.fround(right[i]! * gainOf(-45)));
    }

    const mono = new MonitorHarness(2);
    mono.jump('mono', 1);
    const [l3, r3] = mono.run(left, right);
    for (let i = 0; i < frames; i++) {
      const sum = Math.fround(0.5 * left[i]! + 0.5 * right[i]!);
      expect(l3![i]).toBe(sum);
      expect(r3![i]).toBe(sum);
    }

    const mute = new MonitorHarness(2);
    mute.jump('mute', 1);
    for (const out of mute.run(left, right)) expect(out.every((v) => v === 0)).toBe(true);
  });

  it('never lets a sample out above the ceiling: full-scale noise with 12 dB of level and a 6 dB boost', () => {
    for (const ceilingDb of [-0.1, -1, -6.02]) {
      const h = new MonitorHarness(2);
      const frames = 64 * BLOCK;
      const left = noise(frames, 1, 3);
      const right = noise(frames, 1, 4);
      h.jump('level', 12);
      setFilters(h, 1, [{ type: 'peaking', hz: 3000, q: 0.7, gainDb: 6 }]);
      setFilters(h, 2, [{ type: 'lowshelf', hz: 200, q: 0.7, gainDb: 6 }]);
      h.jump('ceiling', ceilingDb);
      const ceiling = Math.pow(10, ceilingDb / 20);
      const outputs = h.run(left, right);
      for (const out of outputs) {
        let max = 0;
        for (const v of out) max = Math.max(max, Math.abs(v));
        expect(max).toBeLessThanOrEqual(ceiling);
        // The clipper is what holds it (it is reached, within one float32 step).
        expect(max).toBeGreaterThan(ceiling * (1 - 1.2e-7));
      }
      expect(h.path.clipCount[0]).toBeGreaterThan(0);
      expect(h.path.clipCount[1]).toBeGreaterThan(0);
    }
  });

  it('passes samples below the ceiling untouched', () => {
    const h = new MonitorHarness(2);
    const frames = 16 * BLOCK;
    const left = noise(frames, 1, 5);
    h.jump('level', 3);
    const [out] = h.run(left, left);
    const ceiling = Math.pow(10, -0.1 / 20);
    const gain = Math.pow(10, 3 / 20);
    let compared = 0;
    for (let i = 0; i < frames; i++) {
      if (Math.abs(left[i]! * gain) < ceiling) {
        expect(out![i]).toBe(Math.fround(left[i]! * gain));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(frames / 2);
  });

  it('switches speaker sets A/B without a click and completes the crossfade in SET_FADE_MS', () => {
    const h = new MonitorHarness(4);
    const frames = 60 * BLOCK;
    const amplitude = 0.5;
    const hz = 100;
    const left = sine(frames, hz, amplitude);
    const right = sine(frames, hz, -amplitude);
    const switchBlock = 20;
    const outputs = h.run(left, right, (b) => {
      if (b === switchBlock) h.set('set', 1);
      if (b === switchBlock + 20) h.set('set', 0);
    });
    // Bound: the signal's own largest step (A * 2 pi f / fs) plus the fade's gain step on a
    // full-amplitude sample (A / fade frames), plus float32 rounding. A hard switch at the
    // switch point steps by A * |sin(2 pi 100 * 2560 / 48000)| = 0.43.
    const fadeFrames = (SET_FADE_MS / 1000) * RATE;
    const bound = amplitude * (2 * Math.sin((Math.PI * hz) / RATE)) + amplitude / fadeFrames + 1e-7;
    for (const out of outputs) expect(largestStep(out)).toBeLessThanOrEqual(bound);
    // Before: A plays exactly, B is silent. After the fade: the reverse.
    const done = switchBlock * BLOCK + fadeFrames + BLOCK;
    for (let i = 0; i < switchBlock * BLOCK; i++) {
      expect(outputs[0]![i]).toBe(left[i]);
      expect(outputs[2]![i]).toBe(0);
    }
    for (let i = done; i < (switchBlock + 20) * BLOCK; i++) {
      expect(outputs[0]![i]).toBe(0);
      expect(outputs[1]![i]).toBe(0);
      expect(outputs[2]![i]).toBe(left[i]);
      expect(outputs[3]![i]).toBe(right[i]);
    }
    // The crossfade really happens (not a jump): mid-fade both sets are partly on.
    const mid = switchBlock * BLOCK + fadeFrames / 2;
    expect(Math.abs(outputs[0]![mid]!)).toBeGreaterThan(0);
    expect(Math.abs(outputs[2]![mid]!)).toBeGreaterThan(0);
  });

  it('changes a speaker delay with a crossfade, then plays at the new delay exactly', () => {
    const h = new MonitorHarness(2);
    const frames = 40 * BLOCK;
    const amplitude = 0.5;
    const hz = 220;
    const left = sine(frames, hz, amplitude);
    const outputs = h.run(left, left, (b) => {
      if (b === 10) h.set('speaker/1/delay-ms', 7);
    });
    const out = outputs[0]!;
    const delay = 336;
    const fadeFrames = 480;
    // Crossfade of two taps of the same sine: its own step plus at most 2A per fade length.
    const bound = amplitude * (2 * Math.sin((Math.PI * hz) / RATE)) + (2 * amplitude) / fadeFrames + 1e-7;
    expect(largestStep(out)).toBeLessThanOrEqual(bound);
    for (let i = 10 * BLOCK + fadeFrames + 1; i < frames; i++) expect(out[i]).toBe(left[i - delay]);
  });

  describe('changes parameters without zipper noise', () => {
    const amplitude = 0.5;
    const frames = 40 * BLOCK;
    const dc = new Float32Array(frames).fill(amplitude);
    const tau = 0.02 * RATE;
    /** Largest per-sample gain step of a 20 ms one-pole (or ramp) in dB across `db` dB, at gain <= 1. */
    const dbBound = (db: number): number => amplitude * (Math.LN10 / 20) * (db / tau) * (1 + 1e-9) + 1e-7;

    const cases: [string, (h: MonitorHarness) => void, (h: MonitorHarness) => void, number][] = [
      [
        'level -20 -> 0 dB',
        (h) => {
          h.jump('level', -20);
        },
        (h) => {
          h.set('level', 0);
        },
        dbBound(20),
      ],
      [
        'level 0 -> -30 dB',
        () => undefined,
        (h) => {
          h.set('level', -30);
        },
        dbBound(30),
      ],
      [
        'dim on (-20 dB)',
        () => undefined,
        (h) => {
          h.set('dim', 1);
        },
        dbBound(20),
      ],
      [
        'trim 0 -> -12 dB',
        () => undefined,
        (h) => {
          h.set('speaker/1/trim', -12);
        },
        dbBound(12),
      ],
      [
        'preamp 0 -> -18 dB',
        () => undefined,
        (h) => {
          h.set('speaker/1/preamp', -18);
        },
        dbBound(18),
      ],
      // Mute ramps the gain linearly over 5 ms.
      [
        'mute',
        () => undefined,
        (h) => {
          h.set('mute', 1);
        },
        amplitude / (0.005 * RATE) + 1e-7,
      ],
    ];
    for (const [name, before, change, bound] of cases) {
      it(name, () => {
        const h = new MonitorHarness(2);
        before(h);
        const [out] = h.run(dc, dc, (b) => {
          if (b === 4) change(h);
        });
        const step = largestStep(out!);
        expect(step).toBeGreaterThan(0);
        expect(step).toBeLessThanOrEqual(bound);
      });
    }

    it('mono (left and right DC of opposite sign meet at 0 over 20 ms)', () => {
      const h = new MonitorHarness(2);
      const minus = new Float32Array(frames).fill(-amplitude);
      const [l, r] = h.run(dc, minus, (b) => {
        if (b === 4) h.set('mono', 1);
      });
      const bound = amplitude / tau + 1e-7;
      expect(largestStep(l!)).toBeLessThanOrEqual(bound);
      expect(largestStep(r!)).toBeLessThanOrEqual(bound);
      expect(l![frames - 1]).toBe(0);
    });
  });
});
