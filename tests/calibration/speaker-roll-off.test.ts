import { describe, expect, it } from 'vitest';
import { speakerRollOff } from '../../calibration/speaker-roll-off.ts';
import {
  REFERENCE_ROOM,
  butterworthHighPassMinus6Hz,
  butterworthLowPassMinus6Hz,
  logGrid,
  smoothedRoom,
  type SyntheticRoom,
} from '../support/synthetic-room.ts';

const GRID = logGrid(10, 22000);
const measure = (room: SyntheticRoom, grid = GRID) => smoothedRoom(room, grid);
/** Octaves between two frequencies. */
const octaves = (a: number, b: number) => Math.abs(Math.log2(a / b));
/** A roll-off point read from a 1/6-octave-smoothed measurement, within 1/24 octave of the speaker's. */
const TOLERANCE_OCTAVES = 1 / 24;

describe('speakerRollOff', () => {
  it.each([
    ['45 Hz high-pass, 18 kHz first-order low-pass', { highPassHz: 45, lowPassHz: 18000 }],
    ['80 Hz high-pass, 8 kHz second-order low-pass', { highPassHz: 80, lowPass2Hz: 8000 }],
    [
      '30 Hz high-pass under a broad room dip of -10 dB at 90 Hz',
      { highPassHz: 30, modes: [{ hz: 90, peakDb: -10, q: 1.5 }] },
    ],
  ] as [string, SyntheticRoom][])("finds the speaker's -6 dB points: %s", (_, room) => {
    const found = speakerRollOff(measure(room));
    expect(found.passBandDb).toBeCloseTo(0, 1);
    expect(octaves(found.lowHz!, butterworthHighPassMinus6Hz(room.highPassHz!))).toBeLessThan(
      TOLERANCE_OCTAVES,
    );
    if (room.lowPass2Hz === undefined) {
      // A first-order 18 kHz low-pass is -6 dB only at 31 kHz, beyond the data.
      expect(found.highHz).toBeNull();
    } else {
      expect(octaves(found.highHz!, butterworthLowPassMinus6Hz(room.lowPass2Hz))).toBeLessThan(
        TOLERANCE_OCTAVES,
      );
    }
  });

  it("errs toward the pass band where the room takes bass away (the reference room's reflections)", () => {
    const found = speakerRollOff(measure(REFERENCE_ROOM));
    expect(found.lowHz!).toBeGreaterThanOrEqual(butterworthHighPassMinus6Hz(45));
    expect(found.lowHz!).toBeLessThan(45);
  });

  it('finds no point when the roll-off is not in the data', () => {
    expect(speakerRollOff(measure({ highPassHz: 30 }, logGrid(60, 22000)))).toMatchObject({
      lowHz: null,
      highHz: null,
    });
  });

  it('takes another drop and pass band when asked', () => {
    // A Butterworth high-pass is -3 dB at its corner.
    const found = speakerRollOff(measure({ highPassHz: 45 }), { dropDb: 3 });
    expect(octaves(found.lowHz!, 45)).toBeLessThan(TOLERANCE_OCTAVES);
    const band = speakerRollOff(measure({ highPassHz: 45, levelDb: -10 }), { passBandHz: [200, 400] });
    expect(band.passBandDb).toBeCloseTo(-10, 1);
    expect(octaves(band.lowHz!, butterworthHighPassMinus6Hz(45))).toBeLessThan(TOLERANCE_OCTAVES);
  });

  it('rejects a response that does not reach the pass band', () => {
    const short = measure({ highPassHz: 45 }, logGrid(20, 300));
    expect(() => speakerRollOff(short)).toThrow(
      expect.objectContaining({ code: 'LATHE_CALIBRATION_INPUT_INVALID' }),
    );
  });
});
