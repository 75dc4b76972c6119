/**
 * Channel and mastering EQ responses against the RBJ cookbook written out here independently:
 * each section is the cookbook's analogue prototype H(s) evaluated at the bilinear transform's
 * warped frequency s = j tan(pi f / fs) / tan(pi f0 / fs), and the Butterworth pass filters use the
 * Butterworth magnitude law 1 / sqrt(1 + W^2n). The processors run on an impulse in 128-frame
 * blocks; the response is the impulse response's DFT at 200 log-spaced frequencies.
 */
import { describe, expect, it } from 'vitest';
import {
  biquadMagnitude,
  designHighShelf,
  designLowShelf,
  designPeaking,
} from '../../../engine/dsp/biquad-design.ts';
import {
  CHANNEL_EQ_PARAMS,
  ChannelEq,
  channelEqMagnitude,
  channelEqParamIndex,
} from '../../../engine/processors/channel-eq.ts';
import {
  MASTERING_EQ_PARAMS,
  MasteringEq,
  masteringEqMagnitude,
  masteringEqParamIndex,
} from '../../../engine/processors/mastering-eq.ts';

const RATES = [44100, 48000, 96000] as const;
const LENGTH = 65536;
const BLOCK = 128;
const TOLERANCE_DB = 0.01;
const FREQUENCIES = Array.from({ length: 200 }, (_, k) => 20 * Math.pow(1000, k / 199));

// ---- independent analytic reference (RBJ cookbook, analogue prototypes + bilinear warping) ----

type Band = 'lowShelf' | 'peaking' | 'highShelf';
type Section =
  | { kind: 'highpass' | 'lowpass'; f0: number; order: 2 | 4 }
  | { kind: Band; f0: number; gainDb: number; q: number };

/** |c2 s^2 + c1 s + c0| at s = jW. */
function quadratic(c2: number, c1: number, c0: number, w: number): number {
  return Math.hypot(c0 - c2 * w * w, c1 * w);
}

function sectionMagnitude(section: Section, f: number, fs: number): number {
  const w = Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * section.f0) / fs);
  switch (section.kind) {
    case 'lowpass':
      return 1 / Math.sqrt(1 + Math.pow(w, 2 * section.order));
    case 'highpass':
      return Math.pow(w, section.order) / Math.sqrt(1 + Math.pow(w, 2 * section.order));
    case 'peaking': {
      // H(s) = (s^2 + s (A/Q) + 1) / (s^2 + s / (A Q) + 1), A = 10^(dB/40)
      const a = Math.pow(10, section.gainDb / 40);
      return quadratic(1, a / section.q, 1, w) / quadratic(1, 1 / (a * section.q), 1, w);
    }
    case 'lowShelf': {
      // H(s) = A (s^2 + (sqrt A / Q) s + A) / (A s^2 + (sqrt A / Q) s + 1)
      const a = Math.pow(10, section.gainDb / 40);
      const k = Math.sqrt(a) / section.q;
      return (a * quadratic(1, k, a, w)) / quadratic(a, k, 1, w);
    }
    case 'highShelf': {
      // H(s) = A (A s^2 + (sqrt A / Q) s + 1) / (s^2 + (sqrt A / Q) s + A)
      const a = Math.pow(10, section.gainDb / 40);
      const k = Math.sqrt(a) / section.q;
      return (a * quadratic(a, k, 1, w)) / quadratic(1, k, a, w);
    }
  }
}

function analyticDb(sections: readonly Section[], f: number, fs: number): number {
  let magnitude = 1;
  for (const section of sections) magnitude *= sectionMagnitude(section, f, fs);
  return 20 * Math.log10(magnitude);
}

// ---- measurement ----

/**
 * |DFT| of `h[0 .. length)` at `f`, by a rotating phasor re-seeded every 4096 samples. `length`
 * skips the decayed tail (see `significantLength`) to keep the test fast.
 */
function dftMagnitude(h: Float32Array, f: number, fs: number, length: number): number {
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
  return Math.hypot(re, im);
}

/** The impulse response must have decayed, or truncation would bias the DFT. */
function expectDecayed(h: Float32Array): void {
  let tail = 0;
  for (let n = h.length - 1024; n < h.length; n++) tail = Math.max(tail, Math.abs(h[n]!));
  expect(tail).toBeLessThan(1e-10);
}

/** Start of the decayed tail whose |h| sums to at most 1e-12: it changes no DFT value by more. */
function significantLength(h: Float32Array): number {
  let end = h.length;
  let tail = 0;
  while (end > 0 && tail + Math.abs(h[end - 1]!) <= 1e-12) tail += Math.abs(h[--end]!);
  return end;
}

/** Max |measured - analytic| in dB over FREQUENCIES; `scale` is the input amplitude. */
function maxErrorDb(h: Float32Array, sections: readonly Section[], fs: number, scale = 1): number {
  expectDecayed(h);
  const length = significantLength(h);
  let worst = 0;
  for (const f of FREQUENCIES) {
    const measured = 20 * Math.log10(dftMagnitude(h, f, fs, length) / Math.abs(scale));
    worst = Math.max(worst, Math.abs(measured - analyticDb(sections, f, fs)));
  }
  return worst;
}

/** max |a - sign * b|: exact comparisons that don't tell +0 from -0 apart. */
function maxDifference(a: Float32Array, b: Float32Array, sign: number): number {
  let worst = 0;
  for (let n = 0; n < a.length; n++) worst = Math.max(worst, Math.abs(a[n]! - sign * b[n]!));
  return worst;
}

// ---- ChannelEq ----

type Values = Record<string, number>;

function valuesFor(params: readonly { key: string; default: number }[], settings: Values): Float64Array {
  const values = new Float64Array(params.map((p) => p.default));
  for (const [key, value] of Object.entries(settings)) {
    const index = params.findIndex((p) => p.key === key);
    if (index < 0) throw new Error(`no parameter ${key}`);
    values[index] = value;
  }
  return values;
}

function channelEqImpulse(values: Float64Array, fs: number, channels: 1 | 2): Float32Array[] {
  const eq = new ChannelEq(fs, BLOCK, channels);
  const outputs = Array.from({ length: channels }, () => new Float32Array(LENGTH));
  outputs.forEach((o, c) => (o[0] = c === 0 ? 1 : -0.5));
  for (let at = 0; at < LENGTH; at += BLOCK) {
    eq.update(values, 0);
    const left = outputs[0]!.subarray(at, at + BLOCK);
    eq.process(left, channels === 2 ? outputs[1]!.subarray(at, at + BLOCK) : left, BLOCK);
  }
  return outputs;
}

const CHANNEL_CASES: readonly { name: string; settings: Values; sections: Section[] }[] = [
  {
    name: 'HPF 12 dB/oct at 80 Hz',
    settings: { 'hpf/on': 1 },
    sections: [{ kind: 'highpass', f0: 80, order: 2 }],
  },
  {
    name: 'HPF 12 dB/oct at 1 kHz',
    settings: { 'hpf/on': 1, 'hpf/freq': 1000 },
    sections: [{ kind: 'highpass', f0: 1000, order: 2 }],
  },
  {
    name: 'HPF 24 dB/oct at 120 Hz',
    settings: { 'hpf/on': 1, 'hpf/freq': 120, 'hpf/slope': 1 },
    sections: [{ kind: 'highpass', f0: 120, order: 4 }],
  },
  {
    name: 'LPF 12 dB/oct at 1 kHz',
    settings: { 'lpf/on': 1, 'lpf/freq': 1000 },
    sections: [{ kind: 'lowpass', f0: 1000, order: 2 }],
  },
  {
    name: 'LPF 24 dB/oct at 10 kHz',
    settings: { 'lpf/on': 1, 'lpf/freq': 10000, 'lpf/slope': 1 },
    sections: [{ kind: 'lowpass', f0: 10000, order: 4 }],
  },
  {
    name: 'low shelf +12 dB Q 0.707 at 100 Hz, high shelf -12 dB Q 1.5 at 3 kHz',
    settings: { 'eq/1/gain': 12, 'eq/4/gain': -12, 'eq/4/freq': 3000, 'eq/4/q': 1.5 },
    sections: [
      { kind: 'lowShelf', f0: 100, gainDb: 12, q: 0.707 },
      { kind: 'highShelf', f0: 3000, gainDb: -12, q: 1.5 },
    ],
  },
  {
    name: 'low shelf -18 dB Q 2 at 200 Hz, high shelf +6 dB Q 0.5 at 8 kHz',
    settings: { 'eq/1/gain': -18, 'eq/1/freq': 200, 'eq/1/q': 2, 'eq/4/gain': 6, 'eq/4/q': 0.5 },
    sections: [
      { kind: 'lowShelf', f0: 200, gainDb: -18, q: 2 },
      { kind: 'highShelf', f0: 8000, gainDb: 6, q: 0.5 },
    ],
  },
  {
    name: 'peaking +18 dB Q 4 at 1 kHz, -6 dB Q 0.1 at 300 Hz',
    settings: {
      'eq/2/gain': -6,
      'eq/2/freq': 300,
      'eq/2/q': 0.1,
      'eq/3/gain': 18,
      'eq/3/freq': 1000,
      'eq/3/q': 4,
    },
    sections: [
      { kind: 'peaking', f0: 300, gainDb: -6, q: 0.1 },
      { kind: 'peaking', f0: 1000, gainDb: 18, q: 4 },
    ],
  },
  {
    name: 'peaking -18 dB Q 0.3 at 60 Hz, +9 dB Q 10 at 12 kHz',
    settings: {
      'eq/2/gain': -18,
      'eq/2/freq': 60,
      'eq/2/q': 0.3,
      'eq/3/gain': 9,
      'eq/3/freq': 12000,
      'eq/3/q': 10,
    },
    sections: [
      { kind: 'peaking', f0: 60, gainDb: -18, q: 0.3 },
      { kind: 'peaking', f0: 12000, gainDb: 9, q: 10 },
    ],
  },
  {
    name: 'everything on: HPF 24 at 40 Hz, LPF 12 at 16 kHz, four bands',
    settings: {
      'hpf/on': 1,
      'hpf/freq': 40,
      'hpf/slope': 1,
      'lpf/on': 1,
      'lpf/freq': 16000,
      'eq/1/gain': 4,
      'eq/2/gain': -7,
      'eq/2/q': 2.5,
      'eq/3/gain': 5,
      'eq/3/q': 0.7,
      'eq/4/gain': -3,
    },
    sections: [
      { kind: 'highpass', f0: 40, order: 4 },
      { kind: 'lowpass', f0: 16000, order: 2 },
      { kind: 'lowShelf', f0: 100, gainDb: 4, q: 0.707 },
      { kind: 'peaking', f0: 500, gainDb: -7, q: 2.5 },
      { kind: 'peaking', f0: 2500, gainDb: 5, q: 0.7 },
      { kind: 'highShelf', f0: 8000, gainDb: -3, q: 0.707 },
    ],
  },
  {
    name: 'bands switched off are not applied',
    settings: { 'eq/1/gain': 6, 'eq/1/on': 0, 'eq/3/gain': -6, 'hpf/freq': 500, 'lpf/on': 0 },
    sections: [{ kind: 'peaking', f0: 2500, gainDb: -6, q: 1 }],
  },
];

describe('Filter and EQ magnitude responses match the analytic RBJ designs within 0.01 dB from 20 Hz to 20 kHz at 44.1, 48 and 96 kHz', () => {
  it('lists the channel EQ parameters in the documented order', () => {
    const bands = [1, 2, 3, 4].flatMap((b) => ['on', 'freq', 'gain', 'q'].map((p) => `eq/${b}/${p}`));
    expect(CHANNEL_EQ_PARAMS.map((p) => p.key)).toEqual([
      'hpf/on',
      'hpf/freq',
      'hpf/slope',
      'lpf/on',
      'lpf/freq',
      'lpf/slope',
      ...bands,
    ]);
    expect(channelEqParamIndex('eq/3/q')).toBe(6 + 2 * 4 + 3);
    expect(CHANNEL_EQ_PARAMS[channelEqParamIndex('hpf/slope')]!.choices).toEqual(['12 dB/oct', '24 dB/oct']);
    const masterBands = [1, 2, 3, 4, 5, 6].flatMap((b) =>
      ['on', 'type', 'freq', 'gain', 'q', 'target'].map((p) => `band/${b}/${p}`),
    );
    expect(MASTERING_EQ_PARAMS.map((p) => p.key).slice(6)).toEqual(masterBands);
    expect(masteringEqParamIndex('band/2/target')).toBe(6 + 6 + 5);
    expect(MASTERING_EQ_PARAMS[masteringEqParamIndex('band/1/target')]!.choices).toEqual([
      'stereo',
      'mid',
      'side',
    ]);
  });

  it('ChannelEq, mono and stereo', () => {
    const report: string[] = [];
    let overall = 0;
    for (const testCase of CHANNEL_CASES) {
      const values = valuesFor(CHANNEL_EQ_PARAMS, testCase.settings);
      let worst = 0;
      for (const fs of RATES) {
        const [left, right] = channelEqImpulse(values, fs, fs === 48000 ? 1 : 2);
        worst = Math.max(worst, maxErrorDb(left!, testCase.sections, fs));
        if (right) worst = Math.max(worst, maxErrorDb(right, testCase.sections, fs, -0.5));
      }
      report.push(`  ${testCase.name}: max error ${worst.toExponential(2)} dB`);
      overall = Math.max(overall, worst);
      expect(worst, testCase.name).toBeLessThan(TOLERANCE_DB);
    }
    console.log(
      `ChannelEq vs analytic RBJ (44.1/48/96 kHz, 200 freqs 20 Hz-20 kHz): max error ${overall.toExponential(2)} dB\n` +
        report.join('\n'),
    );
  });

  it('MasteringEq in stereo and in mid/side, on mid-only and side-only signals', () => {
    const stereo: Values = {
      'hpf/on': 1,
      'hpf/freq': 30,
      'hpf/slope': 1,
      'lpf/on': 1,
      'lpf/freq': 18000,
      'band/1/gain': 3,
      'band/2/gain': -4,
      'band/2/q': 1.4,
      'band/3/gain': 2,
      'band/3/q': 0.7,
      'band/3/type': 2,
      'band/3/freq': 3000,
      'band/5/gain': -12,
      'band/5/q': 8,
      'band/6/gain': -2,
      'band/6/type': 0,
      'band/6/freq': 15000,
    };
    const common: Section[] = [
      { kind: 'highpass', f0: 30, order: 4 },
      { kind: 'lowpass', f0: 18000, order: 2 },
      { kind: 'lowShelf', f0: 60, gainDb: 3, q: 0.707 },
    ];
    const band2: Section = { kind: 'peaking', f0: 200, gainDb: -4, q: 1.4 };
    const band3: Section = { kind: 'highShelf', f0: 3000, gainDb: 2, q: 0.7 };
    const band5: Section = { kind: 'peaking', f0: 6000, gainDb: -12, q: 8 };
    const band6: Section = { kind: 'lowShelf', f0: 15000, gainDb: -2, q: 0.707 };
    // Mid/side: bands 2 and 6 on the mid, 3 and 4 on the side, 1 and 5 stereo.
    const midSide: Values = {
      ...stereo,
      'band/2/target': 1,
      'band/3/target': 2,
      'band/4/gain': 5,
      'band/4/type': 2,
      'band/4/freq': 10000,
      'band/4/q': 0.707,
      'band/4/target': 2,
      'band/6/target': 1,
    };
    const band4: Section = { kind: 'highShelf', f0: 10000, gainDb: 5, q: 0.707 };
    const stereoSections = [...common, band2, band3, band5, band6];
    const midSections = [...common, band2, band5, band6];
    const sideSections = [...common, band3, band4, band5];

    const run = (settings: Values, fs: number, l: number, r: number): [Float32Array, Float32Array] => {
      const values = valuesFor(MASTERING_EQ_PARAMS, settings);
      const eq = new MasteringEq(fs, BLOCK);
      const left = new Float32Array(LENGTH);
      const right = new Float32Array(LENGTH);
      left[0] = l;
      right[0] = r;
      for (let at = 0; at < LENGTH; at += BLOCK) {
        eq.update(values, 0);
        eq.process(left.subarray(at, at + BLOCK), right.subarray(at, at + BLOCK), BLOCK);
      }
      return [left, right];
    };
    const worst = { stereo: 0, mid: 0, side: 0 };
    for (const fs of RATES) {
      const [sl, sr] = run(stereo, fs, 1, -0.25);
      worst.stereo = Math.max(
        worst.stereo,
        maxErrorDb(sl, stereoSections, fs),
        maxErrorDb(sr, stereoSections, fs, -0.25),
      );

      // Mid-only input (L = R): the output stays mid-only, shaped by the stereo and mid bands.
      const [ml, mr] = run(midSide, fs, 1, 1);
      expect(maxDifference(mr, ml, 1)).toBe(0);
      worst.mid = Math.max(worst.mid, maxErrorDb(ml, midSections, fs));

      // Side-only input (L = -R): shaped by the stereo and side bands.
      const [dl, dr] = run(midSide, fs, 1, -1);
      expect(maxDifference(dr, dl, -1)).toBe(0);
      worst.side = Math.max(worst.side, maxErrorDb(dl, sideSections, fs));
    }
    console.log(
      `MasteringEq vs analytic RBJ: stereo ${worst.stereo.toExponential(2)} dB, ` +
        `mid ${worst.mid.toExponential(2)} dB, side ${worst.side.toExponential(2)} dB`,
    );
    expect(worst.stereo).toBeLessThan(TOLERANCE_DB);
    expect(worst.mid).toBeLessThan(TOLERANCE_DB);
    expect(worst.side).toBeLessThan(TOLERANCE_DB);

    // The panel's curves agree with the analytic response too.
    const values = valuesFor(MASTERING_EQ_PARAMS, midSide);
    let curve = 0;
    for (const f of FREQUENCIES) {
      const mid = 20 * Math.log10(masteringEqMagnitude(values, 0, 'mid', f, 48000));
      const side = 20 * Math.log10(masteringEqMagnitude(values, 0, 'side', f, 48000));
      curve = Math.max(curve, Math.abs(mid - analyticDb(midSections, f, 48000)));
      curve = Math.max(curve, Math.abs(side - analyticDb(sideSections, f, 48000)));
    }
    expect(curve).toBeLessThan(1e-6);
  });

  it('the analytic curve functions for the panel match the reference', () => {
    let worst = 0;
    for (const testCase of CHANNEL_CASES) {
      const values = valuesFor(CHANNEL_EQ_PARAMS, testCase.settings);
      for (const fs of RATES) {
        for (const f of FREQUENCIES) {
          const curve = 20 * Math.log10(channelEqMagnitude(values, 0, f, fs));
          worst = Math.max(worst, Math.abs(curve - analyticDb(testCase.sections, f, fs)));
        }
      }
    }
    const single = new Float64Array(5);
    for (const fs of RATES) {
      for (const f of FREQUENCIES) {
        designPeaking(single, 0, 700, -5, 3, fs);
        worst = Math.max(
          worst,
          Math.abs(
            biquadMagnitude(single, 0, f, fs) -
              sectionMagnitude({ kind: 'peaking', f0: 700, gainDb: -5, q: 3 }, f, fs),
          ),
        );
        designLowShelf(single, 0, 150, 7, 1.2, fs);
        worst = Math.max(
          worst,
          Math.abs(
            biquadMagnitude(single, 0, f, fs) -
              sectionMagnitude({ kind: 'lowShelf', f0: 150, gainDb: 7, q: 1.2 }, f, fs),
          ),
        );
        designHighShelf(single, 0, 5000, -9, 0.6, fs);
        worst = Math.max(
          worst,
          Math.abs(
            biquadMagnitude(single, 0, f, fs) -
              sectionMagnitude({ kind: 'highShelf', f0: 5000, gainDb: -9, q: 0.6 }, f, fs),
          ),
        );
      }
    }
    console.log(`analytic curve functions vs reference: max error ${worst.toExponential(2)} (dB, or linear)`);
    expect(worst).toBeLessThan(1e-6);
  });
});
