import { describe, expect, it } from 'vitest';
import { generateExponentialSweep } from '../../calibration/exponential-sweep.ts';
import {
  applyMicCalibration,
  micResponseDb,
  parseMicCalibration,
  type MicCalibration,
} from '../../calibration/mic-calibration.ts';
import { analyzeRoomMeasurement } from '../../calibration/room-measurement.ts';
import { isLatheError } from '../../engine/index.ts';
import { buildSyntheticRoom } from '../support/synthetic-room-recording.ts';

function errorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return isLatheError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
}

describe('parseMicCalibration', () => {
  it('reads data lines with any separator, ignores the rest, and reads both sensitivity headers', () => {
    const text = [
      '"Sens Factor =-.7423dB, AGain =0dB, SERNO: 7103946"',
      '*1000Hz -40.3',
      '* comment line',
      'Freq(Hz)\tSPL(dB)\tPhase(degrees)',
      '',
      '10\t-1.5\t12',
      '20, -0.5, 6',
      '  100 0 0  ',
      '1000;0.25;-3',
      '1.0e4,\t1.5, -10',
      '; trailing comment',
    ].join('\r\n');
    const cal = parseMicCalibration(text);
    expect(Array.from(cal.hz)).toEqual([10, 20, 100, 1000, 10000]);
    expect(Array.from(cal.db)).toEqual([-1.5, -0.5, 0, 0.25, 1.5]);
    expect(Array.from(cal.phaseDeg!)).toEqual([12, 6, 0, -3, -10]);
    expect(cal.sensFactorDb).toBeCloseTo(-0.7423, 12);
    expect(cal.sensitivity).toEqual({ hz: 1000, db: -40.3 });
  });

  it('has no phase unless every line has one, and no sensitivity without the headers', () => {
    const cal = parseMicCalibration('20 0 5\n1000 1\n');
    expect(cal.phaseDeg).toBeNull();
    expect(cal.sensFactorDb).toBeNull();
    expect(cal.sensitivity).toBeNull();
  });

  it('rejects a file with no data, non-increasing frequencies, or fields that are not numbers, naming the line', () => {
    expect(errorOf(() => parseMicCalibration('* only a header\nFreq SPL\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*no data lines/,
    );
    expect(errorOf(() => parseMicCalibration('* header\n20 0\n100 1\n100 2\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*line 4: .*does not increase/,
    );
    expect(errorOf(() => parseMicCalibration('20 0\n100 abc\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*line 2: /,
    );
    expect(errorOf(() => parseMicCalibration('20 0\n100 NaN\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*line 2: /,
    );
    expect(errorOf(() => parseMicCalibration('20 0\n30\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*line 2: /,
    );
    expect(errorOf(() => parseMicCalibration('-20 0\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*line 1: .*not positive/,
    );
    expect(errorOf(() => parseMicCalibration('20 0 x\n'))).toMatch(
      /^LATHE_CALIBRATION_MIC_FILE_INVALID: .*line 1: .*phase/,
    );
  });
});

describe('applying a mic calibration', () => {
  const cal = parseMicCalibration('100 0\n1000 2\n10000 -4\n');

  it("subtracts the mic's response, linear in log frequency, holding the end values outside the file", () => {
    const response = {
      hz: Float64Array.from([20, 100, Math.sqrt(1e5), 1000, 10 ** 3.5, 20000]),
      db: new Float64Array(6).fill(10),
    };
    const corrected = applyMicCalibration(response, cal);
    expect(Array.from(corrected.db).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([10, 10, 9, 8, 11, 14]);
    expect(Array.from(micResponseDb(cal, [50, 50000]))).toEqual([0, -4]);
  });

  /** The mic's own response written as a cal file: 1/12-octave points, headers, mixed separators. */
  function calFileFor(
    micDb: (hz: ArrayLike<number>) => Float64Array,
    topHz: number,
    sign = 1,
  ): MicCalibration {
    const hz: number[] = [];
    for (let f = 10; f <= topHz; f *= 2 ** (1 / 12)) hz.push(f);
    const db = micDb(hz);
    const lines = ['"Sens Factor =-1.1dB, AGain =18dB"', '*1000Hz -40.3', 'Freq(Hz) dB Phase'];
    hz.forEach((f, i) =>
      lines.push(
        [f.toFixed(3), (sign * db[i]!).toFixed(4), '0'].join(i % 3 === 0 ? '\t' : i % 3 === 1 ? ', ' : ' '),
      ),
    );
    return parseMicCalibration(lines.join('\n'));
  }

  for (const rate of [44100, 96000]) {
    it(`takes a +3 dB high-shelf mic out to within 0.1 dB; the sign-flipped file doubles the error (${rate} Hz)`, () => {
      const sweep = generateExponentialSweep({ sampleRate: rate, seconds: 1 });
      const room = buildSyntheticRoom({
        sampleRate: rate,
        sweep: sweep.samples,
        speaker: false,
        modes: [],
        reflections: [],
        micShelf: { hz: 10000, gainDb: 3 },
        snrDb: 60,
      });
      const analyze = (micCalibration?: MicCalibration) =>
        analyzeRoomMeasurement({
          sweep: sweep.samples,
          sweepRate: rate,
          recording: room.recording,
          recordingRate: rate,
          ...(micCalibration === undefined ? {} : { micCalibration }),
        }).response;
      const worst = (db: Float64Array): number => db.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const top = rate / 2;
      const raw = analyze();
      const corrected = analyze(calFileFor(room.micDb, top));
      const flipped = analyze(calFileFor(room.micDb, top, -1));
      // The path is a pure delay: the truth is 0 dB everywhere. The mic adds up to its shelf.
      const micAt20k = room.micDb([20000])[0]!;
      expect(micAt20k).toBeGreaterThan(2.5);
      expect(Math.abs(worst(raw.db) - micAt20k)).toBeLessThan(0.1);
      // Measured: corrected 0.003 dB (44.1 kHz) and 0.002 dB (96 kHz); flipped 5.99 and 5.77 dB,
      // twice the mic's level at 20 kHz.
      expect(worst(corrected.db)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(worst(flipped.db) - 2 * micAt20k)).toBeLessThan(0.1);
      expect(worst(flipped.db)).toBeGreaterThan(5);
    });
  }
});
