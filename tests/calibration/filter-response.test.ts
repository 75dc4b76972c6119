import { describe, expect, it } from 'vitest';
import {
  FilterResponseGrid,
  filterResponseDb,
  filterResponsePeak,
  minimumQForLowerEdge,
  minimumQForUpperEdge,
  peakingHalfGainEdgesHz,
} from '../../calibration/filter-response.ts';
import type { ParametricFilter } from '../../calibration/parametric-filter.ts';
import { cascadeDb, cascadeMaxDb, halfGainEdges, impulseResponseDb } from '../support/cookbook-reference.ts';

const FILTERS: ParametricFilter[] = [
  { type: 'peaking', hz: 52, q: 8, gainDb: -9.5 },
  { type: 'peaking', hz: 130, q: 4, gainDb: 3 },
  { type: 'peaking', hz: 2500, q: 1.5, gainDb: -2 },
  { type: 'lowshelf', hz: 105, q: 0.7, gainDb: 2.5 },
  { type: 'highshelf', hz: 10000, q: 0.5, gainDb: -4 },
];

function logPoints(lo: number, hi: number, perOctave: number): number[] {
  const out: number[] = [];
  for (let f = lo; f <= hi; f *= Math.pow(2, 1 / perOctave)) out.push(f);
  return out;
}

describe('filterResponseDb', () => {
  it.each([44100, 48000, 96000])(
    'equals the biquad recursion on an impulse within 0.01 dB at %i Hz',
    (rate) => {
      const hz = logPoints(20, 20000, 6);
      const ours = filterResponseDb(FILTERS, hz, rate);
      // The 52 Hz Q 8 section decays with time constant 2Q/w0 = 49 ms: 1 s leaves e^-20.
      const measured = impulseResponseDb(FILTERS, hz, rate, rate);
      let worst = 0;
      hz.forEach((_, i) => (worst = Math.max(worst, Math.abs(ours[i]! - measured[i]!))));
      expect(worst).toBeLessThan(0.01);
    },
  );

  it('gives the cookbook values where they are known: gain at fc, 0 dB at DC and Nyquist, shelf plateaus', () => {
    const rate = 48000;
    const peak: ParametricFilter = { type: 'peaking', hz: 1000, q: 2, gainDb: 4.5 };
    const [centre, dcPeak, nyquistPeak] = filterResponseDb([peak], [1000, 0, 24000], rate);
    expect(centre).toBeCloseTo(4.5, 9);
    expect(dcPeak).toBeCloseTo(0, 9);
    expect(nyquistPeak).toBeCloseTo(0, 9);
    const low: ParametricFilter = { type: 'lowshelf', hz: 200, q: Math.SQRT1_2, gainDb: -6 };
    const [dc, nyquist] = filterResponseDb([low], [0, 24000], rate);
    expect(dc).toBeCloseTo(-6, 9);
    expect(nyquist).toBeCloseTo(0, 9);
    const high: ParametricFilter = { type: 'highshelf', hz: 5000, q: Math.SQRT1_2, gainDb: 3 };
    const [dcHigh, nyquistHigh] = filterResponseDb([high], [0, 24000], rate);
    expect(dcHigh).toBeCloseTo(0, 9);
    expect(nyquistHigh).toBeCloseTo(3, 9);
  });

  it('is what FilterResponseGrid computes, summed', () => {
    const rate = 44100;
    const hz = Float64Array.from(logPoints(10, 20000, 12));
    const grid = new FilterResponseGrid(hz, rate);
    const sum = new Float64Array(hz.length);
    const one = new Float64Array(hz.length);
    for (const filter of FILTERS) {
      grid.responseDb(filter, one);
      one.forEach((level, i) => (sum[i]! += level));
    }
    const reference = hz.map((f) => cascadeDb(FILTERS, f, rate));
    sum.forEach((level, i) => {
      expect(level).toBeCloseTo(reference[i]!, 9);
    });
  });

  it('rejects a filter that cannot run at the rate', () => {
    expect(() => filterResponseDb([{ type: 'peaking', hz: 30000, q: 1, gainDb: 1 }], [100], 48000)).toThrow(
      expect.objectContaining({ code: 'LATHE_CALIBRATION_INPUT_INVALID' }),
    );
    expect(() => filterResponseDb([{ type: 'peaking', hz: 100, q: 0, gainDb: 1 }], [100], 48000)).toThrow(
      expect.objectContaining({ code: 'LATHE_CALIBRATION_INPUT_INVALID' }),
    );
  });
});

describe('peaking filter edges', () => {
  it.each([
    [{ type: 'peaking', hz: 40, q: 10, gainDb: 3 }, 48000],
    [{ type: 'peaking', hz: 60, q: 0.5, gainDb: 3 }, 44100],
    [{ type: 'peaking', hz: 8000, q: 2, gainDb: -9 }, 48000],
    [{ type: 'peaking', hz: 15000, q: 0.7, gainDb: 6 }, 44100],
  ] as const)('%o: the half-gain edges are where the response is half the gain', (filter, rate) => {
    const [lo, hi] = peakingHalfGainEdgesHz(filter, rate);
    const [refLo, refHi] = halfGainEdges(filter, rate);
    expect(lo / refLo).toBeCloseTo(1, 6);
    expect(hi / refHi).toBeCloseTo(1, 6);
  });

  it('the minimum Qs put an edge exactly on the limit', () => {
    const rate = 48000;
    const low = minimumQForLowerEdge(50, 34.19, rate);
    expect(halfGainEdges({ type: 'peaking', hz: 50, q: low, gainDb: 3 }, rate)[0]).toBeCloseTo(34.19, 6);
    const high = minimumQForUpperEdge(8000, 10528, rate);
    expect(halfGainEdges({ type: 'peaking', hz: 8000, q: high, gainDb: 3 }, rate)[1]).toBeCloseTo(10528, 3);
    expect(minimumQForLowerEdge(30, 34.19, rate)).toBe(Infinity);
  });
});

describe('filterResponsePeak', () => {
  it.each([
    [[{ type: 'peaking', hz: 80, q: 1, gainDb: 3 }], 48000],
    [
      [
        { type: 'peaking', hz: 80, q: 1, gainDb: 3 },
        { type: 'peaking', hz: 95, q: 4, gainDb: 3 },
        { type: 'peaking', hz: 120, q: 6, gainDb: -8 },
      ],
      48000,
    ],
    [FILTERS, 44100],
    [[{ type: 'lowshelf', hz: 60, q: 0.7, gainDb: 2 }], 96000],
    [[{ type: 'peaking', hz: 300, q: 3, gainDb: -6 }], 48000],
  ] as const)('finds the brute-force maximum of %o', (filters, rate) => {
    const ours = filterResponsePeak(filters, rate);
    const reference = cascadeMaxDb(filters, rate);
    // Never below the brute-force scan (it is the true maximum or above), never far above it.
    expect(ours.db).toBeGreaterThanOrEqual(reference.db - 1e-9);
    expect(ours.db - reference.db).toBeLessThan(1e-4);
  });
});
