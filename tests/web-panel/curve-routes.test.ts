/**
 * GET /api/curves/...: the panel's response curves against the engine's real processors. Each
 * curve is compared, point by point, with the magnitude of the processor's own impulse response
 * (the real ChannelEq, MasteringEq and LinkwitzRileySplitter3, fed the same parameter values
 * the route read from the running engine), by a direct DFT at the curve's frequencies.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LinkwitzRileySplitter3 } from '../../engine/dsp/linkwitz-riley.ts';
import type { Engine } from '../../engine/index.ts';
import { CHANNEL_EQ_PARAMS, ChannelEq } from '../../engine/processors/channel-eq.ts';
import { MASTERING_EQ_PARAMS, MasteringEq } from '../../engine/processors/mastering-eq.ts';
import { startPanel } from '../support/panel-fixture.ts';

interface Curve {
  processor: string;
  sampleRate: number;
  frequencies: number[];
  curves: Record<string, number[]>;
  markers: number[];
}

const FS = 48000;
const BLOCK = 128;
/** Impulse response length: every filter set below has decayed far below -100 dB by then. */
const LENGTH = 1 << 16;
const TOLERANCE_DB = 0.1;
/** Below this the float32 processors' rounding noise, not the design, decides the measured level. */
const FLOOR_DB = -60;

/** |DFT| of `ir` at `frequency` in dB, by a rotating phasor (exact frequency, no bin rounding). */
function measuredDb(ir: Float32Array | Float64Array, frequency: number): number {
  const w = (2 * Math.PI * frequency) / FS;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let re = 0;
  let im = 0;
  let pr = 1;
  let pi = 0;
  for (const x of ir) {
    re += x * pr;
    im -= x * pi;
    const next = pr * cw - pi * sw;
    pi = pr * sw + pi * cw;
    pr = next;
  }
  return 10 * Math.log10(re * re + im * im);
}

/** Runs `process(left, right, frames)` block by block over an impulse in `left` (and `right` times `rightSign`). */
function impulseResponse(
  process: (left: Float32Array, right: Float32Array, frames: number) => void,
  rightSign = 1,
): { left: Float32Array; right: Float32Array } {
  const left = new Float32Array(LENGTH);
  const right = new Float32Array(LENGTH);
  left[0] = 1;
  right[0] = rightSign;
  for (let at = 0; at < LENGTH; at += BLOCK) {
    process(left.subarray(at, at + BLOCK), right.subarray(at, at + BLOCK), BLOCK);
  }
  return { left, right };
}

function expectCurveMatches(
  curve: number[],
  frequencies: number[],
  ir: Float32Array | Float64Array,
  coverage = 0.6,
): number {
  let worst = 0;
  let compared = 0;
  frequencies.forEach((f, i) => {
    const expected = curve[i]!;
    if (expected < FLOOR_DB) return;
    compared++;
    worst = Math.max(worst, Math.abs(measuredDb(ir, f) - expected));
  });
  // A good part of the band is compared (not just a few points above the floor).
  expect(compared).toBeGreaterThan(frequencies.length * coverage);
  expect(worst).toBeLessThan(TOLERANCE_DB);
  return worst;
}

describe('GET /api/curves (real engine, virtual audio, 2 strips, 48 kHz)', () => {
  let engine: Engine;
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ engine, app } = await startPanel());
  });

  afterAll(async () => {
    await app.close();
    await engine.stop();
  });

  beforeEach(() => {
    for (const spec of engine.params.specs) engine.params.set(spec.id, spec.default, 'test-reset');
  });

  const get = async (url: string) => app.inject({ method: 'GET', url });
  const getCurve = async (url: string): Promise<Curve> => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    return response.json<Curve>();
  };

  it("strip EQ: the curve is the real ChannelEq's measured response within 0.1 dB", async () => {
    const set = (key: string, value: number) => engine.params.set(`strip/01/${key}`, value, 'test');
    set('hpf/on', 1);
    set('hpf/freq', 60);
    set('hpf/slope', 1);
    set('lpf/on', 1);
    set('lpf/freq', 12000);
    set('eq/1/gain', 6);
    set('eq/2/gain', -9);
    set('eq/2/freq', 400);
    set('eq/2/q', 3);
    set('eq/3/gain', 8);
    set('eq/3/freq', 3000);
    set('eq/4/gain', -4);
    const curve = await getCurve('/api/curves/strip/01/eq?points=160');
    expect(curve.processor).toBe('strip/01/eq');
    expect(curve.sampleRate).toBe(FS);
    expect(curve.frequencies).toHaveLength(160);
    expect(curve.frequencies[0]).toBeCloseTo(20, 9);
    expect(curve.frequencies.at(-1)).toBeCloseTo(20000, 6);
    const eq = curve.curves['eq']!;
    // The settings show: the cut near 400 Hz and the boost near 3 kHz.
    expect(
      Math.min(...eq.filter((_, i) => curve.frequencies[i]! > 200 && curve.frequencies[i]! < 800)),
    ).toBeLessThan(-7);
    expect(Math.max(...eq)).toBeGreaterThan(6);

    const values = new Float64Array(CHANNEL_EQ_PARAMS.map((t) => engine.params.get(`strip/01/${t.key}`)));
    const processor = new ChannelEq(FS, BLOCK, 1);
    processor.update(values, 0);
    const { left } = impulseResponse((l, r, n) => {
      processor.process(l, r, n);
    });
    const worst = expectCurveMatches(eq, curve.frequencies, left);
    console.log(`strip EQ curve vs ChannelEq impulse response: worst ${worst.toExponential(2)} dB`);
  });

  it('the strip curve follows a parameter change, and strip 02 has its own', async () => {
    const flat = await getCurve('/api/curves/strip/01/eq?points=32');
    expect(Math.max(...flat.curves['eq']!.map(Math.abs))).toBeLessThan(1e-9);
    engine.params.set('strip/01/eq/3/gain', 10, 'test');
    const boosted = await getCurve('/api/curves/strip/01/eq?points=32');
    expect(Math.max(...boosted.curves['eq']!)).toBeGreaterThan(9);
    const other = await getCurve('/api/curves/strip/02/eq?points=32');
    expect(Math.max(...other.curves['eq']!.map(Math.abs))).toBeLessThan(1e-9);
  });

  it("master EQ: mid and side curves are the real MasteringEq's responses within 0.1 dB", async () => {
    const set = (key: string, value: number) => engine.params.set(`master/eq/${key}`, value, 'test');
    set('hpf/on', 1);
    set('hpf/freq', 30);
    set('band/2/gain', 5);
    set('band/3/gain', -6);
    set('band/3/target', 1); // mid only
    set('band/5/gain', 7);
    set('band/5/target', 2); // side only
    set('band/6/gain', -3);
    const curve = await getCurve('/api/curves/master/eq?points=120');
    expect(Object.keys(curve.curves).sort()).toEqual(['mid', 'side']);
    const values = new Float64Array(MASTERING_EQ_PARAMS.map((t) => engine.params.get(`master/eq/${t.key}`)));
    // Mid: the same impulse in both channels; side: opposite impulses.
    for (const [component, sign] of [
      ['mid', 1],
      ['side', -1],
    ] as const) {
      const processor = new MasteringEq(FS, BLOCK, 2);
      processor.update(values, 0);
      const { left, right } = impulseResponse((l, r, n) => {
        processor.process(l, r, n);
      }, sign);
      const ir = new Float64Array(LENGTH).map((_, i) => (left[i]! + sign * right[i]!) / 2);
      const worst = expectCurveMatches(curve.curves[component]!, curve.frequencies, ir);
      console.log(
        `master EQ ${component} curve vs MasteringEq impulse response: worst ${worst.toExponential(2)} dB`,
      );
    }
    // They differ where the mid-only and side-only bands are (800 Hz cut, 6 kHz boost).
    const at = (name: string, hz: number) =>
      curve.curves[name]![curve.frequencies.findIndex((f) => f >= hz)]!;
    expect(at('mid', 800) - at('side', 800)).toBeLessThan(-4);
    expect(at('side', 6000) - at('mid', 6000)).toBeGreaterThan(5);
  });

  it("multiband: band curves are the real LR4 splitter's band responses, with the crossover points", async () => {
    engine.params.set('master/multiband/low-mid', 150, 'test');
    engine.params.set('master/multiband/mid-high', 4000, 'test');
    const curve = await getCurve('/api/curves/master/multiband?points=100');
    expect(curve.markers).toEqual([150, 4000]);
    const splitter = new LinkwitzRileySplitter3(FS, BLOCK, 1);
    splitter.setFrequencies(new Float64Array([150, 4000]), 0);
    const input = new Float32Array(LENGTH);
    input[0] = 1;
    const bands = {
      low: new Float64Array(LENGTH),
      mid: new Float64Array(LENGTH),
      high: new Float64Array(LENGTH),
    };
    for (let at = 0; at < LENGTH; at += BLOCK) {
      splitter.split(
        0,
        input.subarray(at, at + BLOCK),
        bands.low.subarray(at, at + BLOCK),
        bands.mid.subarray(at, at + BLOCK),
        bands.high.subarray(at, at + BLOCK),
        BLOCK,
      );
    }
    for (const band of ['low', 'mid', 'high'] as const) {
      // A band is above the floor over a third of the range or more.
      const worst = expectCurveMatches(curve.curves[band]!, curve.frequencies, bands[band], 0.3);
      console.log(
        `multiband ${band} curve vs LR4 splitter impulse response: worst ${worst.toExponential(2)} dB`,
      );
    }
    // LR4: each band is -6 dB at its crossover point.
    const low = curve.curves['low']!;
    const i = curve.frequencies.findIndex((f) => f >= 150);
    expect(low[i - 1]! > -6.5 && low[i]! < -5.5).toBe(true);
  });

  it('invalid requests get coded errors and change nothing', async () => {
    const before = engine.params.specs.map((spec) => engine.params.get(spec.id));
    const cases: [string, number, string][] = [
      ['/api/curves/strip/01/eq?points=abc', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/01/eq?points=', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/01/eq?points=15', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/01/eq?points=2049', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/01/eq?points=1e2', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/01/eq?points=64&points=65', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/01/eq?pionts=64', 400, 'LATHE_MESSAGE_INVALID'],
      ['/api/curves/strip/03/eq', 404, 'LATHE_CURVE_UNKNOWN'],
      ['/api/curves/strip/01/comp', 404, 'LATHE_CURVE_UNKNOWN'],
      ['/api/curves/master/limiter', 404, 'LATHE_CURVE_UNKNOWN'],
      ['/api/curves/', 404, 'LATHE_CURVE_UNKNOWN'],
      ['/api/curves/strip/01/eq/../../master/eq', 404, 'LATHE_CURVE_UNKNOWN'],
    ];
    for (const [url, status, code] of cases) {
      const response = await get(url);
      expect({ url, status: response.statusCode }).toEqual({ url, status });
      const body = response.json<{ code: string; message: string }>();
      expect(body.code).toBe(code);
      expect(body.message.length).toBeGreaterThan(10);
    }
    expect(engine.params.specs.map((spec) => engine.params.get(spec.id))).toEqual(before);
  });
});
