import { describe, expect, it } from 'vitest';
import { fitCorrection, type CorrectionOptions } from '../../calibration/correction-fitter.ts';
import { houseCurve, tiltTarget } from '../../calibration/target-curve.ts';
import { boostRuleViolations, type BoostRules } from '../support/correction-rules.ts';
import { cascadeComplex, cascadeDb, impulseResponseDb } from '../support/cookbook-reference.ts';
import {
  REFERENCE_ROOM,
  butterworthHighPassMinus6Hz,
  butterworthLowPassMinus6Hz,
  denseGrid,
  logGrid,
  powerSmoothDb,
  roomComplex,
  smoothedRoom,
  type SyntheticRoom,
} from '../support/synthetic-room.ts';

/** Every measurement here: 1/6-octave power-smoothed, 1/48-octave points from 10 Hz to 22 kHz. */
const GRID = logGrid(10, 22000);
const measure = (room: SyntheticRoom) => smoothedRoom(room, GRID);

/** The 45 Hz roll-off room of the issue: modes above the roll-off, reflections that take bass away. */
const ROLL_OFF_ROOM: SyntheticRoom = {
  highPassHz: 45,
  lowPassHz: 18000,
  modes: [
    { hz: 70, peakDb: 6, q: 5 },
    { hz: 160, peakDb: 4, q: 3 },
    { hz: 240, peakDb: -7, q: 2 },
  ],
  reflections: [
    { delayMs: 4.3, gain: -0.3 },
    { delayMs: 9.1, gain: 0.2 },
  ],
};
/** A broad shortfall (-9 dB, Q 0.8 at 100 Hz) that boosts may lift, and a mode. */
const BROAD_DIP_ROOM: SyntheticRoom = {
  highPassHz: 25,
  lowPassHz: 18000,
  modes: [
    { hz: 100, peakDb: -9, q: 0.8 },
    { hz: 45, peakDb: 7, q: 6 },
  ],
};
/** A speaker that also rolls off early at the top (2nd-order low-pass at 8 kHz), for full-band fits. */
const HF_ROLL_OFF_ROOM: SyntheticRoom = {
  highPassHz: 40,
  lowPass2Hz: 8000,
  modes: [
    { hz: 60, peakDb: 8, q: 6 },
    { hz: 3000, peakDb: -5, q: 0.7 },
    { hz: 9000, peakDb: -6, q: 2 },
  ],
  reflections: [{ delayMs: 2.2, gain: -0.3 }],
};
/** A narrow deep cancellation (-15 dB, Q 10 at 150 Hz) next to a mode. */
const NARROW_DIP_ROOM: SyntheticRoom = {
  highPassHz: 20,
  lowPassHz: 18000,
  modes: [
    { hz: 150, peakDb: -15, q: 10 },
    { hz: 60, peakDb: 6, q: 5 },
  ],
};

/** The default Q ceiling: a bell whose half-gain points are 1/3 octave apart, twice the 1/6-octave smoothing. */
const DEFAULT_MAX_Q = Math.sqrt(Math.pow(2, 1 / 3)) / (Math.pow(2, 1 / 3) - 1);
const DEFAULT_RULES = {
  maxBoostDb: 3,
  maxTotalBoostDb: 6,
  maxCutDb: 15,
  qRange: [0.5, DEFAULT_MAX_Q],
} as const;

function rulesFor(
  room: SyntheticRoom,
  options: CorrectionOptions,
  filterRangeHz: readonly [number, number],
): BoostRules {
  return {
    sampleRate: options.sampleRate ?? 48000,
    maxBoostDb: options.maxBoostDb ?? DEFAULT_RULES.maxBoostDb,
    maxTotalBoostDb: options.maxTotalBoostDb ?? DEFAULT_RULES.maxTotalBoostDb,
    maxCutDb: DEFAULT_RULES.maxCutDb,
    filterRangeHz,
    qRange: options.qRange ?? DEFAULT_RULES.qRange,
    // The speaker's own -6 dB points, from its analytic response, not from anything the fitter found.
    speakerLowHz: room.highPassHz === undefined ? null : butterworthHighPassMinus6Hz(room.highPassHz),
    speakerHighHz: room.lowPass2Hz === undefined ? null : butterworthLowPassMinus6Hz(room.lowPass2Hz),
  };
}

/** Mean of dB over [lo, hi] on a 1/48-octave grid, from a response known on `GRID` (log-linear between points). */
function gridMean(response: { hz: Float64Array; db: Float64Array }, lo: number, hi: number): number {
  let sum = 0;
  let count = 0;
  const steps = Math.round(Math.log2(hi / lo) * 48);
  for (let i = 0; i <= steps; i++) {
    const f = lo * Math.pow(2, (i * Math.log2(hi / lo)) / steps);
    const j = Math.min(response.hz.length - 2, Math.floor(Math.log2(f / response.hz[0]!) * 48 + 1e-9));
    const t = Math.log(f / response.hz[j]!) / Math.log(response.hz[j + 1]! / response.hz[j]!);
    sum += response.db[j]! + t * (response.db[j + 1]! - response.db[j]!);
    count++;
  }
  return sum / count;
}

describe('fitCorrection: the prediction', () => {
  it('is the measurement plus the filters, as running the filters on an impulse shows (within 0.01 dB)', () => {
    const measured = measure(REFERENCE_ROOM);
    const fit = fitCorrection(measured, { matchRangeHz: [20, 20000], maxFilters: 10 });
    expect(fit.filters.length).toBeGreaterThan(3);
    expect(fit.predicted.hz).toEqual(measured.hz);
    // 2 s at 48 kHz: the slowest possible section (Q 10 at 20 Hz) decays by e^-25 in that time.
    const applied = impulseResponseDb(fit.filters, measured.hz, 48000, 96000);
    let worst = 0;
    measured.hz.forEach((_, i) => {
      worst = Math.max(worst, Math.abs(fit.predicted.db[i]! - measured.db[i]! - applied[i]!));
    });
    expect(worst).toBeLessThan(0.01);
  });

  it("reports before/after residuals that match the test's own evaluation (within 0.01 dB)", () => {
    const measured = measure(REFERENCE_ROOM);
    const fit = fitCorrection(measured);
    // The flat target sits at the measurement's mean over 500 Hz-2 kHz.
    const level = gridMean(measured, 500, 2000);
    let before = 0;
    let after = 0;
    let beforeMax = 0;
    let afterMax = 0;
    let count = 0;
    // 20 Hz * 2^(i/48) are points of GRID (10 Hz * 2^(k/48)): no interpolation needed.
    for (let i = 0; 20 * Math.pow(2, i / 48) <= 500 + 1e-9; i++) {
      const k = i + 48;
      const error = measured.db[k]! - level;
      const corrected = error + cascadeDb(fit.filters, measured.hz[k]!, 48000);
      before += error * error;
      after += corrected * corrected;
      beforeMax = Math.max(beforeMax, Math.abs(error));
      afterMax = Math.max(afterMax, Math.abs(corrected));
      count++;
    }
    expect(fit.beforeRmsDb).toBeCloseTo(Math.sqrt(before / count), 2);
    expect(fit.residualRmsDb).toBeCloseTo(Math.sqrt(after / count), 2);
    expect(fit.beforeMaxDb).toBeCloseTo(beforeMax, 2);
    expect(fit.residualMaxDb).toBeCloseTo(afterMax, 2);
    for (let i = 0; i < measured.hz.length; i++) expect(fit.target.db[i]).toBeCloseTo(level, 2);
  });

  it('matches the room corrected and measured again: within 1 dB at 1/6 octave, 20-500 Hz (reference §8.2)', () => {
    const measured = measure(REFERENCE_ROOM);
    const fit = fitCorrection(measured);
    // The filters applied to the room's exact complex response, then smoothed like the measurement.
    const dense = denseGrid(GRID[0]! / Math.pow(2, 1 / 6), 800);
    const power = dense.map((f) => {
      const [rr, ri] = roomComplex(REFERENCE_ROOM, f);
      const [fr, fi] = cascadeComplex(fit.filters, f, 48000);
      const re = rr * fr - ri * fi;
      const im = rr * fi + ri * fr;
      return re * re + im * im;
    });
    const band = GRID.filter((f) => f >= 20 && f <= 500);
    const remeasured = powerSmoothDb(dense, power, band, 6);
    band.forEach((f, i) => {
      const k = Math.round(Math.log2(f / 10) * 48);
      expect(Math.abs(fit.predicted.db[k]! - remeasured[i]!), `${f.toFixed(1)} Hz`).toBeLessThan(1);
    });
  });
});

describe('fitCorrection: the boost rules hold on rooms that are not made of its filters', () => {
  const cases: [string, SyntheticRoom, CorrectionOptions][] = [
    ['the reference room, defaults', REFERENCE_ROOM, {}],
    [
      'the reference room, full band, 44.1 kHz',
      REFERENCE_ROOM,
      { matchRangeHz: [20, 20000], maxFilters: 12, sampleRate: 44100 },
    ],
    ['the 45 Hz roll-off room, defaults', ROLL_OFF_ROOM, {}],
    ['the 45 Hz roll-off room, shelves allowed', ROLL_OFF_ROOM, { shelves: true }],
    ['the 45 Hz roll-off room, +6 dB per filter', ROLL_OFF_ROOM, { maxBoostDb: 6, maxTotalBoostDb: 6 }],
    ['the broad-dip room, defaults', BROAD_DIP_ROOM, {}],
    [
      'the broad-dip room, +4 dB per filter and +5 dB overall',
      BROAD_DIP_ROOM,
      { maxBoostDb: 4, maxTotalBoostDb: 5 },
    ],
    ['the broad-dip room, cut only', BROAD_DIP_ROOM, { maxBoostDb: 0, maxTotalBoostDb: 0 }],
    [
      'the HF roll-off room, full band, 96 kHz',
      HF_ROLL_OFF_ROOM,
      { matchRangeHz: [20, 20000], maxFilters: 12, sampleRate: 96000 },
    ],
    [
      'the HF roll-off room, full band, shelves allowed',
      HF_ROLL_OFF_ROOM,
      { matchRangeHz: [20, 20000], maxFilters: 12, shelves: true },
    ],
    ['the narrow-dip room, defaults', NARROW_DIP_ROOM, {}],
  ];
  it.each(cases)('%s', (_, room, options) => {
    const fit = fitCorrection(measure(room), options);
    const requested = options.matchRangeHz ?? [20, 500];
    // The match range (and so the filter range) is the requested one; the data covers it.
    expect(fit.matchRangeHz).toEqual(requested);
    expect(boostRuleViolations(fit, rulesFor(room, options, requested))).toEqual([]);
    expect(fit.residualRmsDb).toBeLessThan(fit.beforeRmsDb);
    expect(fit.filters.length).toBeLessThanOrEqual(options.maxFilters ?? 10);
    if (options.maxBoostDb === 0) expect(fit.filters.every((filter) => filter.gainDb <= 0)).toBe(true);
  });

  it("the roll-off room's largest deviation lies below the speaker's -6 dB point, and only the rule keeps boosts out of it", () => {
    const measured = measure(ROLL_OFF_ROOM);
    const fit = fitCorrection(measured);
    const speakerLowHz = butterworthHighPassMinus6Hz(45);
    // Precondition: the worst error in the 20-500 Hz match range is in the roll-off.
    let worst = { hz: 0, error: 0 };
    measured.hz.forEach((f, i) => {
      const error = Math.abs(measured.db[i]! - fit.target.db[i]!);
      if (f >= 20 && f <= 500 && error > worst.error) worst = { hz: f, error };
    });
    expect(worst.hz).toBeLessThan(speakerLowHz);
    expect(boostRuleViolations(fit, rulesFor(ROLL_OFF_ROOM, {}, [20, 500]))).toEqual([]);
    // The same fit with the roll-off limit switched off boosts below it: the check above can fail.
    const unlimited = fitCorrection(measured, { speakerLowHz: null });
    const broken = boostRuleViolations(unlimited, rulesFor(ROLL_OFF_ROOM, {}, [20, 500]));
    expect(broken.some((problem) => problem.includes('-6 dB point'))).toBe(true);
  });

  it('room gain can hide part of a roll-off; the data-sheet point or a margin keeps boosts above it', () => {
    // +6 dB of broad room gain at 40 Hz lifts the in-room -6 dB point below the speaker's 34.2 Hz.
    const gainRoom: SyntheticRoom = {
      highPassHz: 45,
      modes: [
        { hz: 40, peakDb: 6, q: 0.7 },
        { hz: 90, peakDb: 5, q: 4 },
        { hz: 200, peakDb: -8, q: 1 },
      ],
    };
    const measured = measure(gainRoom);
    const rules = rulesFor(gainRoom, {}, [20, 500]);
    const detected = fitCorrection(measured);
    expect(detected.speakerLowHz).toBeLessThan(rules.speakerLowHz!);
    const given = fitCorrection(measured, { speakerLowHz: rules.speakerLowHz! });
    expect(given.boostFloorHz).toBe(rules.speakerLowHz);
    expect(boostRuleViolations(given, rules)).toEqual([]);
    const margin = fitCorrection(measured, { rollOffMarginOctaves: 1 / 3 });
    expect(boostRuleViolations(margin, rules)).toEqual([]);
  });
});

describe('fitCorrection: cut-preferring', () => {
  it('meets the reference acceptance: no peak left more than 3 dB above target from 30 to 300 Hz', () => {
    const fit = fitCorrection(measure(REFERENCE_ROOM));
    fit.predicted.hz.forEach((f, i) => {
      if (f >= 30 && f <= 300)
        expect(fit.predicted.db[i]! - fit.target.db[i]!, `${f.toFixed(1)} Hz`).toBeLessThanOrEqual(3);
    });
  });

  it('leaves a narrow dip alone (lifts less than a quarter of it), where fitting without the rule fills it', () => {
    const measured = measure(NARROW_DIP_ROOM);
    const fit = fitCorrection(measured);
    const k = Math.round(Math.log2(150 / 10) * 48);
    const depth = fit.target.db[k]! - measured.db[k]!;
    expect(depth).toBeGreaterThan(4);
    expect(cascadeDb(fit.filters, 150, 48000)).toBeLessThan(depth / 4);
    const filling = fitCorrection(measured, { narrowDipOctaves: 0 });
    expect(cascadeDb(filling.filters, 150, 48000)).toBeGreaterThan(depth / 2);
  });

  it('lifts a broad shortfall up to the per-filter limit at least', () => {
    const fit = fitCorrection(measure(BROAD_DIP_ROOM));
    expect(cascadeDb(fit.filters, 100, 48000)).toBeGreaterThanOrEqual(3);
  });
});

describe('fitCorrection: targets', () => {
  it('a measurement already on a house curve needs no filters', () => {
    const hz = GRID;
    // B&K: flat to 400 Hz, then -1 dB/oct; 7 dB up.
    const db = hz.map((f) => 7 + (f <= 400 ? 0 : -Math.log2(f / 400)));
    const fit = fitCorrection({ hz, db }, { target: houseCurve('bk'), matchRangeHz: [20, 20000] });
    expect(fit.filters).toEqual([]);
    expect(fit.preampDb).toBe(0);
    expect(fit.beforeRmsDb).toBeLessThan(1e-9);
    expect(Array.from(fit.predicted.db)).toEqual(Array.from(db));
  });

  it('fits toward a tilt or an LF rise within the rules', () => {
    const room: SyntheticRoom = { highPassHz: 15, lowPassHz: 18000, modes: [{ hz: 80, peakDb: 5, q: 4 }] };
    const measured = measure(room);
    const rise = fitCorrection(measured, { target: houseCurve('lf-rise') });
    // REW's LF rise asks for +6 dB at 20 Hz; boosts give what the limits allow.
    expect(cascadeDb(rise.filters, 25, 48000)).toBeGreaterThan(2);
    expect(rise.residualRmsDb).toBeLessThan(rise.beforeRmsDb);
    expect(boostRuleViolations(rise, rulesFor(room, {}, [20, 500]))).toEqual([]);
    const tilt = fitCorrection(measured, {
      target: tiltTarget(-1),
      matchRangeHz: [20, 20000],
      maxFilters: 12,
    });
    expect(tilt.residualRmsDb).toBeLessThan(tilt.beforeRmsDb / 2);
    expect(boostRuleViolations(tilt, rulesFor(room, {}, [20, 20000]))).toEqual([]);
  });
});

describe('fitCorrection: the "too easy" room made of cookbook peaks (smoke test only)', () => {
  it('inverts it almost exactly (unsmoothed input, so Q up to 10 is allowed)', () => {
    // Peaks only (cuts invert them), kept clear of the 500 Hz-2 kHz band the target is aligned in.
    const room = [
      { type: 'peaking', hz: 52, q: 5, gainDb: 8 },
      { type: 'peaking', hz: 120, q: 8, gainDb: 6 },
      { type: 'peaking', hz: 250, q: 3, gainDb: 4 },
      { type: 'peaking', hz: 8000, q: 2, gainDb: 3 },
    ] as const;
    const db = GRID.map((f) => cascadeDb(room, f, 48000));
    const options = { matchRangeHz: [20, 20000], maxFilters: 8, qRange: [0.5, 10] } as const;
    const fit = fitCorrection({ hz: GRID, db }, options);
    expect(boostRuleViolations(fit, rulesFor({}, options, [20, 20000]))).toEqual([]);
    expect(fit.beforeMaxDb).toBeGreaterThan(7.5);
    expect(fit.residualMaxDb).toBeLessThan(0.5);
    expect(fit.residualRmsDb).toBeLessThan(0.1);
  });
});

describe('fitCorrection: behaviour', () => {
  it('is deterministic', () => {
    const measured = measure(ROLL_OFF_ROOM);
    expect(fitCorrection(measured, { shelves: true })).toEqual(fitCorrection(measured, { shelves: true }));
  });

  it('with no filters allowed, predicts the measurement and needs no preamp', () => {
    const measured = measure(REFERENCE_ROOM);
    const fit = fitCorrection(measured, { maxFilters: 0 });
    expect(fit.filters).toEqual([]);
    expect(fit.preampDb).toBe(0);
    expect(Array.from(fit.predicted.db)).toEqual(Array.from(measured.db));
    expect(fit.residualRmsDb).toBe(fit.beforeRmsDb);
  });

  it('clips the match range to the measurement', () => {
    const hz = logGrid(40, 20000);
    const fit = fitCorrection({ hz, db: hz.map(() => 0) }, { matchRangeHz: [20, 500] });
    expect(fit.matchRangeHz[0]).toBe(40);
  });

  const invalid = expect.objectContaining({ code: 'LATHE_CALIBRATION_INPUT_INVALID' });
  const good = measure(REFERENCE_ROOM);
  it.each([
    ['lengths that differ', { hz: good.hz, db: good.db.subarray(1) }, {}],
    [
      'a level that is not a number',
      { hz: good.hz, db: good.db.map((v, i) => (i === 7 ? Number.NaN : v)) },
      {},
    ],
    ['frequencies that do not increase', { hz: good.hz.slice().reverse(), db: good.db }, {}],
    ['a single point', { hz: Float64Array.of(1000), db: Float64Array.of(0) }, {}],
    ['a match range outside the data', good, { matchRangeHz: [30000, 40000] }],
    ['a match range upside down', good, { matchRangeHz: [500, 20] }],
    ['a negative boost limit', good, { maxBoostDb: -1 }],
    ['a fractional filter count', good, { maxFilters: 2.5 }],
    ['a Q range upside down', good, { qRange: [4, 1] }],
    ['a zero sample rate', good, { sampleRate: 0 }],
    ['a negative speaker point', good, { speakerLowHz: -3 }],
    [
      'no level band in the data',
      { hz: logGrid(20, 300), db: new Float64Array(logGrid(20, 300).length) },
      {},
    ],
  ] as const)('rejects %s', (_, measured, options) => {
    expect(() =>
      fitCorrection(measured as { hz: Float64Array; db: Float64Array }, options as CorrectionOptions),
    ).toThrow(invalid);
  });
});
