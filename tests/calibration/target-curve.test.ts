import { describe, expect, it } from 'vitest';
import {
  HOUSE_CURVES,
  TARGET_NAMES,
  alignTarget,
  flatTarget,
  houseCurve,
  namedTarget,
  parseTargetFile,
  targetShapeDb,
  tiltTarget,
} from '../../calibration/target-curve.ts';

/** A measurement whose level is a straight line on the log axis: db = level + slope * log2(f / 1 kHz). */
function lineMeasurement(levelDb: number, slopeDbPerOctave: number) {
  const hz = Float64Array.from({ length: 11 * 48 + 1 }, (_, i) => 20 * Math.pow(2, i / 48));
  return { hz, db: hz.map((f) => levelDb + slopeDbPerOctave * Math.log2(f / 1000)) };
}

const invalidTarget = expect.objectContaining({ code: 'LATHE_CALIBRATION_TARGET_INVALID' });

describe('target shapes', () => {
  it('flat is 0 dB everywhere', () => {
    for (const f of [1, 20, 1000, 20000, 96000]) expect(targetShapeDb(flatTarget(), f)).toBe(0);
  });

  it('a tilt falls its slope per octave through 0 dB at the pivot', () => {
    const tilt = tiltTarget(-1, 1000);
    expect(targetShapeDb(tilt, 1000)).toBeCloseTo(0, 12);
    expect(targetShapeDb(tilt, 2000)).toBeCloseTo(-1, 12);
    expect(targetShapeDb(tilt, 250)).toBeCloseTo(2, 12);
    expect(targetShapeDb(tiltTarget(0.5, 100), 25)).toBeCloseTo(-1, 12);
    expect(() => tiltTarget(Number.NaN)).toThrow(invalidTarget);
    expect(() => tiltTarget(-1, 0)).toThrow(invalidTarget);
  });

  it("B&K curves reach DRC's published points (target/44.1 kHz/bk*.txt list 12800 Hz at -5, -3 and -3.5 dB)", () => {
    expect(targetShapeDb(houseCurve('bk'), 100)).toBe(0);
    expect(targetShapeDb(houseCurve('bk'), 400)).toBeCloseTo(0, 12);
    expect(targetShapeDb(houseCurve('bk'), 800)).toBeCloseTo(-1, 12);
    expect(targetShapeDb(houseCurve('bk'), 12800)).toBeCloseTo(-5, 12);
    expect(targetShapeDb(houseCurve('bk-2'), 200)).toBeCloseTo(0, 12);
    expect(targetShapeDb(houseCurve('bk-2'), 12800)).toBeCloseTo(-3, 12);
    expect(targetShapeDb(houseCurve('bk-3'), 100)).toBeCloseTo(0, 12);
    expect(targetShapeDb(houseCurve('bk-3'), 12800)).toBeCloseTo(-3.5, 12);
  });

  it("the LF rise is REW's example: +6 dB at 20 Hz and below, 0 dB from 80 Hz, straight on the log axis", () => {
    const rise = houseCurve('lf-rise');
    expect(targetShapeDb(rise, 10)).toBe(6);
    expect(targetShapeDb(rise, 20)).toBeCloseTo(6, 12);
    expect(targetShapeDb(rise, 40)).toBeCloseTo(3, 12);
    expect(targetShapeDb(rise, 80)).toBeCloseTo(0, 12);
    expect(targetShapeDb(rise, 1000)).toBe(0);
  });

  it('names resolve, unknown names do not', () => {
    expect(TARGET_NAMES).toEqual(['flat', ...Object.keys(HOUSE_CURVES)]);
    for (const name of TARGET_NAMES) expect(namedTarget(name)?.name).toBe(name);
    expect(namedTarget('nope')).toBeUndefined();
    expect(namedTarget('toString')).toBeUndefined();
  });
});

describe('target files', () => {
  it('reads frequency/dB pairs, skipping lines that do not start with a number', () => {
    const text = [
      '* House curve exported by hand',
      '"Sens Factor =-1.2dB"',
      'Frequency  dB',
      '0 -20.0',
      '  100\t0.0',
      '400, -4.0',
      '1600 -4.0 12.5',
      '; trailing comment',
      '',
    ].join('\r\n');
    const target = parseTargetFile(text, 'mine.txt');
    expect(target.name).toBe('mine.txt');
    expect(Array.from(target.hz)).toEqual([100, 400, 1600]);
    expect(Array.from(target.db)).toEqual([0, -4, -4]);
    // Straight lines on the log axis, held beyond the ends.
    expect(targetShapeDb(target, 200)).toBeCloseTo(-2, 12);
    expect(targetShapeDb(target, 50)).toBe(0);
    expect(targetShapeDb(target, 800)).toBeCloseTo(-4, 12);
    expect(targetShapeDb(target, 20000)).toBe(-4);
  });

  it.each([
    ['a number line without a level', '100\n200 1\n', /line 1/],
    ['a level that is not a number', '100 0\n200 abc\n', /line 2/],
    ['frequencies that do not increase', '100 0\n100 1\n', /line 2/],
    ['frequencies that go down', '100 0\n200 1\n150 2\n', /line 3/],
    ['a negative frequency', '-5 0\n200 1\n', /line 1/],
    ['one point', '# header\n100 0\n', /fewer than two/],
    ['only a 0 Hz point and one more', '0 0\n100 1\n', /fewer than two/],
    ['nothing', '', /fewer than two/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseTargetFile(text)).toThrow(invalidTarget);
    expect(() => parseTargetFile(text)).toThrow(message);
  });
});

describe('alignTarget', () => {
  it("puts the target's 500 Hz-2 kHz mean on the measurement's", () => {
    // A line through +3 dB at 1 kHz: its log-axis mean over 500 Hz-2 kHz (symmetric about 1 kHz) is 3 dB.
    const measured = lineMeasurement(3, 2);
    const flat = alignTarget(flatTarget(), measured);
    expect(flat.hz).toBe(measured.hz);
    for (const level of flat.db) expect(level).toBeCloseTo(3, 9);
    // A -1 dB/oct tilt about 1 kHz also averages 0 there, so it passes through 3 dB at 1 kHz.
    const tilted = alignTarget(tiltTarget(-1), measured, undefined, Float64Array.of(1000, 4000));
    expect(tilted.db[0]).toBeCloseTo(3, 9);
    expect(tilted.db[1]).toBeCloseTo(1, 9);
  });

  it('takes another band when asked, and the lowest level for a 0 Hz point', () => {
    const measured = lineMeasurement(0, -1);
    // Over 100-400 Hz the line's mean is its value at 200 Hz: log2(1000/200) = 2.32 dB.
    const aligned = alignTarget(flatTarget(), measured, [100, 400], Float64Array.of(0, 50));
    expect(aligned.db[0]).toBeCloseTo(Math.log2(1000 / 200), 9);
    const rise = alignTarget(houseCurve('lf-rise'), measured, [100, 400], Float64Array.of(0, 10, 20));
    expect(rise.db[0]! - aligned.db[0]!).toBeCloseTo(6, 9);
    expect(rise.db[1]).toBeCloseTo(rise.db[2]!, 9);
  });

  it('fails clearly when the measurement does not reach the level band', () => {
    const hz = Float64Array.of(20, 100, 300);
    expect(() => alignTarget(flatTarget(), { hz, db: new Float64Array(3) })).toThrow(
      expect.objectContaining({ code: 'LATHE_CALIBRATION_INPUT_INVALID' }),
    );
  });
});
