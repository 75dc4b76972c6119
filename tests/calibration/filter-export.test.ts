import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  biquadMagnitude,
  designHighShelf,
  designLowShelf,
  designPeaking,
  isLatheError,
} from '../../engine/index.ts';
import {
  exportCamillaDspYaml,
  exportEqApoText,
  exportFilters,
  exportRewText,
  FILTER_EXPORT_FORMATS,
  type FilterSet,
} from '../../calibration/filter-export.ts';
import { importFilters, parseCamillaDspYaml, parseFilterText } from '../../calibration/filter-import.ts';
import type { ParametricFilter } from '../../calibration/parametric-filter.ts';

/** Half a unit in the last kept decimal (Fc 0.01 Hz, gain 0.01 dB, Q 0.001), plus float noise. */
const HALF_HZ = 0.005 + 1e-9;
const HALF_DB = 0.005 + 1e-9;
const HALF_Q = 0.0005 + 1e-9;

/** Seeded uniform numbers (a 32-bit LCG), so the "many filters" set is the same every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function manyFilters(count: number): ParametricFilter[] {
  const random = lcg(8);
  const types: ParametricFilter['type'][] = ['peaking', 'lowshelf', 'highshelf'];
  return Array.from({ length: count }, (_, i) => ({
    type: types[i % 3]!,
    hz: 20 * Math.pow(1000, random()),
    q: 0.3 * Math.pow(10 / 0.3, random()),
    gainDb: -15 + 21 * random(),
  }));
}

const MANY: FilterSet = { filters: manyFilters(30), preampDb: -4.3719 };

function expectCode(action: () => unknown, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isLatheError(caught), `expected a LatheError, got ${String(caught)}`).toBe(true);
  if (!isLatheError(caught)) return;
  expect(caught.code).toBe(code);
  if (message) expect(caught.message).toMatch(message);
}

function expectSameWithinPrecision(read: FilterSet, written: FilterSet): void {
  expect(read.filters).toHaveLength(written.filters.length);
  expect(Math.abs(read.preampDb - written.preampDb)).toBeLessThanOrEqual(HALF_DB);
  read.filters.forEach((filter, i) => {
    const original = written.filters[i]!;
    expect(filter.type).toBe(original.type);
    expect(Math.abs(filter.hz - original.hz)).toBeLessThanOrEqual(HALF_HZ);
    expect(Math.abs(filter.gainDb - original.gainDb)).toBeLessThanOrEqual(HALF_DB);
    expect(Math.abs(filter.q - original.q)).toBeLessThanOrEqual(HALF_Q);
  });
}

/** Summed cookbook response (dB) of a filter set plus its preamp, at 48 kHz. */
function responseDb(set: FilterSet, hz: number): number {
  const coefficients = new Float64Array(5);
  let db = set.preampDb;
  for (const filter of set.filters) {
    const design =
      filter.type === 'peaking'
        ? designPeaking
        : filter.type === 'lowshelf'
          ? designLowShelf
          : designHighShelf;
    design(coefficients, 0, filter.hz, filter.gainDb, filter.q, 48000);
    db += 20 * Math.log10(biquadMagnitude(coefficients, 0, hz, 48000));
  }
  return db;
}

describe('filter export: the documented syntax of each tool', () => {
  const set: FilterSet = {
    filters: [
      { type: 'peaking', hz: 52, q: 4, gainDb: -6 },
      { type: 'lowshelf', hz: 105, q: Math.SQRT1_2, gainDb: 2.5 },
      { type: 'highshelf', hz: 8000, q: 0.6473, gainDb: -3.25 },
    ],
    preampDb: -3.2,
  };

  it('writes Equalizer APO lines as its configuration reference spells them (LSC/HSC with Q)', () => {
    const lines = exportEqApoText(set).split('\n');
    expect(lines).toContain('Preamp: -3.20 dB');
    expect(lines).toContain('Filter 1: ON PK Fc 52.00 Hz Gain -6.00 dB Q 4.000');
    expect(lines).toContain('Filter 2: ON LSC Fc 105.00 Hz Gain 2.50 dB Q 0.707');
    expect(lines).toContain('Filter 3: ON HSC Fc 8000.00 Hz Gain -3.25 dB Q 0.647');
  });

  it("writes REW's Generic header and fixed columns (ON at column 11, Fc at column 24)", () => {
    const lines = exportRewText(set).split('\n');
    expect(lines[0]).toBe('Filter Settings file');
    expect(lines).toContain('Equaliser: Generic');
    const first = lines.find((line) => line.startsWith('Filter  1:'))!;
    expect(first.slice(11, 13)).toBe('ON');
    expect(first.slice(15, 17)).toBe('PK');
    expect(first.slice(24, 26)).toBe('Fc');
    expect(first).toMatch(/Fc +52\.00 Hz {2}Gain +-6\.00 dB {2}Q +4\.000$/);
    expect(lines.find((line) => line.startsWith('Filter  2:'))!.slice(15, 18)).toBe('LSC');
  });

  it('writes CamillaDSP filters and a pipeline step that a YAML reader sees in its documented shape', () => {
    const doc = parseYaml(exportCamillaDspYaml(set, { channels: [2, 3], namePrefix: 'main' })) as {
      filters: Record<string, { type: string; parameters: Record<string, unknown> }>;
      pipeline: { type: string; channels: number[]; names: string[] }[];
    };
    expect(doc.filters['main_preamp']).toEqual({ type: 'Gain', parameters: { gain: -3.2, scale: 'dB' } });
    expect(doc.filters['main_eq_1']).toEqual({
      type: 'Biquad',
      parameters: { type: 'Peaking', freq: 52, gain: -6, q: 4 },
    });
    expect(doc.filters['main_eq_2']?.parameters['type']).toBe('Lowshelf');
    expect(doc.filters['main_eq_3']?.parameters['type']).toBe('Highshelf');
    expect(doc.pipeline).toHaveLength(1);
    expect(doc.pipeline[0]).toMatchObject({
      type: 'Filter',
      channels: [2, 3],
      names: ['main_preamp', 'main_eq_1', 'main_eq_2', 'main_eq_3'],
    });
  });

  it('never writes a frequency with three decimals, which Equalizer APO would read as thousands', () => {
    const texts = [exportRewText(MANY), exportEqApoText(MANY)];
    for (const text of texts) {
      const frequencies = [...text.matchAll(/Fc\s+(\S+)\s+Hz/g)].map((match) => match[1]!);
      expect(frequencies).toHaveLength(MANY.filters.length);
      for (const value of frequencies) expect(value).toMatch(/^\d+\.\d\d$/);
    }
  });
});

describe('filter export: every format parses back to the same filters', () => {
  it.each(FILTER_EXPORT_FORMATS)(
    '%s: 30 filters of all three types, cuts and boosts, and a preamp',
    (format) => {
      const read = importFilters(format, exportFilters(format, MANY));
      expectSameWithinPrecision(read, MANY);
      expect(read.filters.some((filter) => filter.gainDb > 0)).toBe(true);
      expect(read.filters.some((filter) => filter.gainDb < 0)).toBe(true);
      if (format === 'camilladsp') expect(read).toEqual(MANY); // shortest round-trip numbers: exact
    },
  );

  // 30 filters' roundings add up: the bound is half the ±0.1 dB level tolerance of §8.2, so the
  // export never costs a visible part of the calibration's accuracy.
  it.each(FILTER_EXPORT_FORMATS)('%s: the rounding moves the summed response by under 0.05 dB', (format) => {
    const read = importFilters(format, exportFilters(format, MANY));
    let worst = 0;
    for (let hz = 20; hz <= 20000; hz *= Math.pow(2, 1 / 12)) {
      worst = Math.max(worst, Math.abs(responseDb(read, hz) - responseDb(MANY, hz)));
    }
    expect(worst).toBeLessThan(0.05);
  });

  it.each(FILTER_EXPORT_FORMATS)('%s: a preamp and no filters', (format) => {
    const read = importFilters(format, exportFilters(format, { filters: [], preampDb: -1.5 }));
    expect(read).toEqual({ filters: [], preampDb: -1.5 });
  });

  it('rounds half-way values the same way on every run and never writes -0.00', () => {
    const tiny: FilterSet = {
      filters: [{ type: 'peaking', hz: 1000, q: 1, gainDb: -0.001 }],
      preampDb: -0.0001,
    };
    const text = exportEqApoText(tiny);
    expect(text).toContain('Preamp: 0.00 dB');
    expect(text).toContain('Gain 0.00 dB');
    expect(text).not.toContain('-0.00');
  });
});

describe('filter import: text written by other tools', () => {
  it('reads a REW Generic export (header, padded columns, ON None and OFF slots)', () => {
    const rew = [
      'Filter Settings file',
      '',
      'Room EQ V5.18',
      'Dated: Jul 5, 2018 12:03:08 PM',
      '',
      'Notes:',
      '',
      'Equaliser: Generic',
      'Jul 5 12:01:46',
      'Filter  1: ON  PK       Fc    7515 Hz  Gain  -9.7 dB  Q  1.00',
      'Filter  2: ON  PK       Fc    50.4 Hz  Gain  -6.0 dB  Q  2.58',
      'Filter  3: OFF PK       Fc    1000 Hz  Gain   3.0 dB  Q  1.00',
      'Filter  4: ON  None',
      'Filter  5: ON  PK       Fc     352 Hz  Gain  -2.9 dB  Q  2.98',
    ].join('\r\n');
    expect(parseFilterText(rew)).toEqual({
      filters: [
        { type: 'peaking', hz: 7515, q: 1, gainDb: -9.7 },
        { type: 'peaking', hz: 50.4, q: 2.58, gainDb: -6 },
        { type: 'peaking', hz: 352, q: 2.98, gainDb: -2.9 },
      ],
      preampDb: 0,
    });
  });

  it('reads AutoEq / Equalizer APO text with its preamp, and the wiki examples of LSC and HSC with Q', () => {
    const text = [
      'Preamp: -6.8 dB',
      'Filter 1: ON PK Fc 21 Hz Gain 6.7 dB Q 1.100',
      'Filter 2: ON PK Fc 85 Hz Gain 6.9 dB Q 3.000',
      'Filter: ON  LSC Fc     300 Hz  Gain   5.0 dB Q 0.6473',
      'Filter: ON HSC Fc 100 Hz Gain -6.0 dB Q 0.4272',
      'Filter 5: ON PEQ Fc 1000 Hz Gain 1.5 dB Q 2',
      'Filter 6: ON Modal Fc 100 Hz Gain 3.0 dB Q 5.41 T60 target 100 ms',
      'Preamp: -1 dB',
    ].join('\n');
    const read = parseFilterText(text);
    expect(read.preampDb).toBeCloseTo(-7.8, 12); // Equalizer APO sums preamps
    expect(read.filters).toEqual([
      { type: 'peaking', hz: 21, q: 1.1, gainDb: 6.7 },
      { type: 'peaking', hz: 85, q: 3, gainDb: 6.9 },
      { type: 'lowshelf', hz: 300, q: 0.6473, gainDb: 5 },
      { type: 'highshelf', hz: 100, q: 0.4272, gainDb: -6 },
      { type: 'peaking', hz: 1000, q: 2, gainDb: 1.5 },
      { type: 'peaking', hz: 100, q: 5.41, gainDb: 3 },
    ]);
  });

  it("reads decimal commas and, as Equalizer APO does, REW's thousands separator", () => {
    const read = parseFilterText(
      [
        'Filter  1: ON  PK       Fc    63,8 Hz  Gain  -5,0 dB  Q  8,06',
        'Filter  2: ON  PK       Fc   1.000 Hz  Gain  -2,5 dB  Q  1,41',
        'Filter  3: ON  PK       Fc  12.500 Hz  Gain   1,0 dB  Q  0,71',
      ].join('\n'),
    );
    expect(read.filters.map((filter) => filter.hz)).toEqual([63.8, 1000, 12500]);
    expect(read.filters[0]).toEqual({ type: 'peaking', hz: 63.8, q: 8.06, gainDb: -5 });
  });

  it('reads a CamillaDSP config written by hand as its README does (Gain, Peaking, shelf with q)', () => {
    const yaml = [
      'devices:',
      '  samplerate: 48000',
      'filters:',
      '  gainexample_dB:',
      '    type: Gain',
      '    parameters:',
      '      gain: -6.0',
      '      inverted: false',
      '      scale: dB',
      '  half:',
      '    type: Gain',
      '    parameters: { gain: 0.5, scale: linear }',
      '  peak_100:',
      '    type: Biquad',
      '    parameters:',
      '      type: Peaking',
      '      freq: 100',
      '      gain: -7.3',
      '      q: 0.5',
      '  exampleshelf_q:',
      '    type: Biquad',
      '    parameters:',
      '      type: Highshelf',
      '      freq: 1000',
      '      gain: -12',
      '      q: 1.5',
      '  unused:',
      '    type: Conv',
      '    parameters: { type: Raw, filename: x.raw }',
      'pipeline:',
      '  - type: Filter',
      '    channels: [0, 1]',
      '    names: [gainexample_dB, peak_100]',
      '  - type: Filter',
      '    channels: [0, 1]',
      '    bypassed: false',
      '    names:',
      '      - exampleshelf_q',
      '      - half',
      '  - type: Filter',
      '    channels: [0, 1]',
      '    bypassed: true',
      '    names: [unused]',
    ].join('\n');
    const read = parseCamillaDspYaml(yaml);
    expect(read.preampDb).toBeCloseTo(-6 + 20 * Math.log10(0.5), 12);
    expect(read.filters).toEqual([
      { type: 'peaking', hz: 100, q: 0.5, gainDb: -7.3 },
      { type: 'highshelf', hz: 1000, q: 1.5, gainDb: -12 },
    ]);
  });

  it('reads filter definitions in order when there is no pipeline', () => {
    const read = parseCamillaDspYaml(
      'filters:\n  a: {type: Biquad, parameters: {type: Lowshelf, freq: 80, gain: 2, q: 0.7}}\n' +
        '  b: {type: Gain, parameters: {gain: -2}}\n',
    );
    expect(read).toEqual({ filters: [{ type: 'lowshelf', hz: 80, q: 0.7, gainDb: 2 }], preampDb: -2 });
  });
});

describe('filter import: malformed input is one coded error naming the line or path', () => {
  const PROFILE = 'LATHE_CALIBRATION_PROFILE_INVALID';

  it.each([
    ['no Q', 'Filter 1: ON PK Fc 50 Hz Gain -3 dB', /line 1: no Q/],
    ['no gain', 'Preamp: -1 dB\nFilter 1: ON PK Fc 50 Hz Q 2', /line 2: no gain/],
    ['no frequency', 'Filter 1: ON PK Gain -3 dB Q 2', /line 1: no frequency/],
    ['a Q of 0', 'Filter 1: ON PK Fc 50 Hz Gain -3 dB Q 0', /line 1: Q "0"/],
    ['a negative frequency', 'Filter 1: ON PK Fc -50 Hz Gain -3 dB Q 2', /line 1: frequency "-50"/],
    ['a number that is not one', 'Filter 1: ON PK Fc 50 Hz Gain 1.2.3 dB Q 2', /line 1: gain "1.2.3"/],
    ['a corner-frequency shelf (LS)', 'Filter 1: ON LS Fc 300 Hz Gain 5 dB', /line 1: filter type LS/],
    ['a low-pass', '\n\nFilter 3: ON LP Fc 80 Hz', /line 3: filter type LP/],
    ['a shelf given by slope', 'Filter 1: ON LSC 12 dB Fc 300 Hz Gain 5 dB', /line 1: .*slope/],
    ['bandwidth in octaves', 'Filter 1: ON PEQ Fc 100 Hz Gain 1 dB BW Oct 0.167', /line 1: bandwidth/],
    ['a graphic EQ', 'Preamp: -2 dB\nGraphicEQ: 25 0; 40 -2', /line 2: GraphicEQ/],
    ['a convolution', 'Convolution: room.wav', /line 1: Convolution/],
    ['two channels', 'Channel: L\nFilter 1: ON PK Fc 50 Hz Gain -3 dB Q 2\nChannel: R', /line 3: .*channel/],
    ['a bad preamp', 'Preamp: minus three dB', /line 1: a preamp/],
    ['no filter line at all', 'hello world\nthis is not a filter file', /no filters/],
    ['a filter line without ON', 'Filter 1: PK Fc 50 Hz Gain -3 dB Q 2', /line 1: a filter must read/],
  ])('text with %s', (_, text, message) => {
    expectCode(() => parseFilterText(text, 'eq.txt'), PROFILE, message);
  });

  const biquad = (parameters: string): string =>
    `filters:\n  f1:\n    type: Biquad\n    parameters: ${parameters}\npipeline:\n  - type: Filter\n    names: [f1]\n`;

  it.each([
    ['YAML that does not parse', 'filters: [a, b\npipeline: {', /not valid YAML/],
    ['no filters section', 'pipeline: []\n', /\/filters: /],
    [
      'a slope instead of q',
      biquad('{type: Lowshelf, freq: 80, gain: 2, slope: 6}'),
      /\/filters\/f1\/parameters\/slope/,
    ],
    [
      'a quoted number',
      biquad('{type: Peaking, freq: "80", gain: 2, q: 1}'),
      /\/filters\/f1\/parameters\/freq/,
    ],
    ['a missing q', biquad('{type: Peaking, freq: 80, gain: 2}'), /\/filters\/f1\/parameters\/q/],
    ['a Lowpass', biquad('{type: Lowpass, freq: 80, q: 0.7}'), /\/filters\/f1\/parameters\/type: "Lowpass"/],
    [
      'a missing filter',
      'filters: {}\npipeline:\n  - {type: Filter, names: [nope]}\n',
      /\/filters\/nope: is not defined/,
    ],
    ['a mixer step', 'filters: {}\npipeline:\n  - {type: Mixer, name: m}\n', /\/pipeline\/0\/type/],
    [
      'steps on different channels',
      'filters: {}\npipeline:\n  - {type: Filter, channels: [0], names: []}\n  - {type: Filter, channels: [1], names: []}\n',
      /\/pipeline\/1\/channels/,
    ],
    [
      'an inverted gain',
      'filters:\n  g: {type: Gain, parameters: {gain: 0, inverted: true}}\n',
      /\/filters\/g\/parameters/,
    ],
    [
      'a negative linear gain',
      'filters:\n  g: {type: Gain, parameters: {gain: -0.5, scale: linear}}\n',
      /gain: must be a number above 0/,
    ],
  ])('YAML with %s', (_, text, message) => {
    expectCode(() => parseCamillaDspYaml(text, 'camilla.yml'), PROFILE, message);
  });
});

describe('filter export: bad input', () => {
  const INPUT = 'LATHE_CALIBRATION_INPUT_INVALID';

  it.each([
    ['a NaN frequency', { filters: [{ type: 'peaking', hz: NaN, q: 1, gainDb: 0 }], preampDb: 0 }],
    ['a zero Q', { filters: [{ type: 'peaking', hz: 100, q: 0, gainDb: 0 }], preampDb: 0 }],
    ['an infinite gain', { filters: [{ type: 'lowshelf', hz: 100, q: 1, gainDb: Infinity }], preampDb: 0 }],
    ['a NaN preamp', { filters: [], preampDb: NaN }],
  ] as [string, FilterSet][])('refuses %s in every format', (_, set) => {
    for (const format of FILTER_EXPORT_FORMATS) expectCode(() => exportFilters(format, set), INPUT);
  });

  it('refuses bad CamillaDSP channels and names, and a title of two lines', () => {
    const set: FilterSet = { filters: [], preampDb: 0 };
    expectCode(() => exportCamillaDspYaml(set, { channels: [] }), INPUT, /channels/);
    expectCode(() => exportCamillaDspYaml(set, { channels: [0, 0] }), INPUT, /channels/);
    expectCode(() => exportCamillaDspYaml(set, { channels: [-1] }), INPUT, /channels/);
    expectCode(() => exportCamillaDspYaml(set, { namePrefix: 'a b' }), INPUT, /prefix/);
    expectCode(() => exportEqApoText(set, { title: 'one\ntwo' }), INPUT, /title/);
  });
});
