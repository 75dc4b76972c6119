import { describe, expect, it } from 'vitest';
import { isLatheError } from '../../engine/index.ts';
import {
  CALIBRATION_FORMAT,
  CALIBRATION_VERSION,
  checkCalibrationProfile,
  parseCalibrationProfile,
  serializeCalibrationProfile,
  type CalibrationProfile,
} from '../../calibration/calibration-profile.ts';
import { alignmentDelays } from '../../calibration/speaker-alignment.ts';
import { calibrateSpl } from '../../calibration/spl-calibration.ts';

/** A small profile, written out by hand in the order the format documents. */
const STABLE_TEXT = `{
  "format": "lathe-calibration",
  "version": 1,
  "name": "Room A",
  "date": "2026-04-09T14:30:00Z",
  "sampleRate": 48000,
  "microphone": {
    "name": "UMIK-1",
    "calFile": "7001234_90deg.txt",
    "sensitivityDbfs": -18.2
  },
  "positions": 5,
  "spl": {
    "referenceDb": 83,
    "signalDbfs": -20,
    "lowHz": 500,
    "highHz": 2000,
    "marks": {
      "K-20": 4.7,
      "K-14": -1.3,
      "K-12": -3.3
    }
  },
  "speakers": [
    {
      "id": "left",
      "name": "Left",
      "output": 0,
      "filters": [
        {
          "type": "peaking",
          "hz": 52,
          "q": 4,
          "gainDb": -6
        },
        {
          "type": "lowshelf",
          "hz": 105,
          "q": 0.7071,
          "gainDb": 2.5
        }
      ],
      "preampDb": -2.6,
      "delaySamples": 48,
      "delayMs": 1,
      "trimDb": -1.7,
      "spl": {
        "method": "meter",
        "splDb": 80
      },
      "residualRmsDb": 1.2,
      "residualMaxDb": 3.4
    },
    {
      "id": "right",
      "name": "Right",
      "output": 1,
      "filters": [],
      "preampDb": 0,
      "delaySamples": 0,
      "delayMs": 0,
      "trimDb": 0
    }
  ]
}
`;

/** The same document with every object's keys in another order, on one line. */
function shuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffled);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, child]) => [key, shuffled(child)]),
  );
}

function expectProfileError(action: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isLatheError(caught), `expected a LatheError, got ${String(caught)}`).toBe(true);
  if (!isLatheError(caught)) return;
  expect(caught.code).toBe('LATHE_CALIBRATION_PROFILE_INVALID');
  expect(caught.message).toMatch(message);
}

/** The stable text with one edit made to the parsed object. */
function edited(
  edit: (doc: Record<string, unknown> & { speakers: Record<string, unknown>[] }) => void,
): string {
  const doc = JSON.parse(STABLE_TEXT) as Record<string, unknown> & { speakers: Record<string, unknown>[] };
  edit(doc);
  return JSON.stringify(doc);
}

describe('calibration profile: stable text', () => {
  it('parses the documented form and writes it back byte for byte', () => {
    const profile = parseCalibrationProfile(STABLE_TEXT, 'room-a.json');
    expect(profile.format).toBe(CALIBRATION_FORMAT);
    expect(profile.version).toBe(CALIBRATION_VERSION);
    expect(profile.speakers[0]!.filters[1]).toEqual({ type: 'lowshelf', hz: 105, q: 0.7071, gainDb: 2.5 });
    expect(serializeCalibrationProfile(profile)).toBe(STABLE_TEXT);
  });

  it('writes the same bytes whatever the key order it was given', () => {
    const reordered = JSON.stringify(shuffled(JSON.parse(STABLE_TEXT)));
    expect(reordered).not.toBe(JSON.stringify(JSON.parse(STABLE_TEXT)));
    expect(serializeCalibrationProfile(parseCalibrationProfile(reordered))).toBe(STABLE_TEXT);
  });

  it('keeps a profile made from the alignment and SPL maths exactly through a save and load', () => {
    const delays = alignmentDelays([1.7 / 343, 2.1 / 343], { unit: 'seconds', sampleRate: 48000 });
    const spl = calibrateSpl(
      [
        { kind: 'meter', splDb: 80 },
        { kind: 'microphone', recordedDbfs: -31.37, sensitivityDbfs: -18.2 },
      ],
      { referenceSplDb: 85 },
    );
    const profile: CalibrationProfile = {
      format: CALIBRATION_FORMAT,
      version: CALIBRATION_VERSION,
      date: '2026-04-09T14:30:00.123+02:00',
      sampleRate: 48000,
      positions: 1,
      spl: { referenceDb: 85, signalDbfs: -20, lowHz: 500, highHz: 2000, marks: spl.marks },
      speakers: ['left', 'right'].map((id, i) => ({
        id,
        name: id,
        output: i,
        filters: [{ type: 'peaking' as const, hz: 47.123456789, q: 3.3333333333, gainDb: -7.777777777 }],
        preampDb: -0.1 * (i + 1),
        delaySamples: delays[i]!.delaySamples,
        delayMs: delays[i]!.delayMs,
        trimDb: spl.speakers[i]!.trimDb,
        spl: {
          method: i === 0 ? ('meter' as const) : ('microphone' as const),
          splDb: spl.speakers[i]!.splDb,
        },
      })),
    };
    const text = serializeCalibrationProfile(profile);
    const loaded = parseCalibrationProfile(text);
    expect(loaded).toEqual(profile);
    expect(serializeCalibrationProfile(loaded)).toBe(text);
  });
});

describe('calibration profile: one coded error naming the JSON path', () => {
  it.each([
    ['text that is not JSON', '{"format": ', /room\.json: not valid JSON/],
    ['an unknown top-level field', edited((d) => (d['owner'] = 'me')), /\/owner is not a known field/],
    [
      'an unknown field in a filter',
      edited((d) => ((d.speakers[0]!['filters'] as Record<string, unknown>[])[1]!['slope'] = 6)),
      /\/speakers\/0\/filters\/1\/slope is not a known field/,
    ],
    [
      'a string where a number goes',
      edited((d) => (d.speakers[1]!['trimDb'] = '-3')),
      /\/speakers\/1\/trimDb/,
    ],
    [
      'an unknown filter type',
      edited((d) => ((d.speakers[0]!['filters'] as Record<string, unknown>[])[0]!['type'] = 'notch')),
      /\/speakers\/0\/filters\/0\/type must be "peaking", "lowshelf" or "highshelf"/,
    ],
    ['another format', edited((d) => (d['format'] = 'lathe-mix')), /\/format must be "lathe-calibration"/],
    [
      'a newer version',
      edited((d) => (d['version'] = 2)),
      /\/version 2 is newer than this Lathe reads \(1\)/,
    ],
    ['a missing date', edited((d) => delete d['date']), /profile is missing date/],
    ['a date without a zone', edited((d) => (d['date'] = '2026-04-09 14:30')), /\/date must be an ISO 8601/],
    ['a boosting preamp', edited((d) => (d.speakers[0]!['preampDb'] = 1)), /\/speakers\/0\/preampDb/],
    ['a fractional output', edited((d) => (d.speakers[0]!['output'] = 0.5)), /\/speakers\/0\/output/],
    ['no speakers', edited((d) => (d['speakers'] = [])), /\/speakers/],
    [
      'an id used twice',
      edited((d) => (d.speakers[1]!['id'] = 'left')),
      /\/speakers\/1\/id "left" is used twice/,
    ],
    [
      'an output used twice',
      edited((d) => (d.speakers[1]!['output'] = 0)),
      /\/speakers\/1\/output 0 is used/,
    ],
    ['an id with spaces', edited((d) => (d.speakers[1]!['id'] = 'Right Main')), /\/speakers\/1\/id must be/],
    [
      'a filter above half the sample rate',
      edited((d) => ((d.speakers[0]!['filters'] as Record<string, unknown>[])[0]!['hz'] = 24000)),
      /\/speakers\/0\/filters\/0\/hz 24000 must be below half the sample rate/,
    ],
    [
      'delays in samples and ms that disagree',
      edited((d) => (d.speakers[0]!['delayMs'] = 1.5)),
      /\/speakers\/0\/delayMs 1\.5 does not match delaySamples 48 at 48000 Hz/,
    ],
    [
      'an SPL band upside down',
      edited((d) => ((d['spl'] as Record<string, unknown>)['lowHz'] = 3000)),
      /\/spl\/highHz must be above lowHz/,
    ],
    [
      'an unknown K mark',
      edited((d) => (((d['spl'] as Record<string, unknown>)['marks'] as Record<string, unknown>)['K-6'] = 0)),
      /\/spl\/marks\/K-6 is not a known field/,
    ],
  ])('%s', (_, text, message) => {
    expectProfileError(() => parseCalibrationProfile(text, 'room.json'), message);
  });

  it('refuses to serialize what it would refuse to read (a NaN trim, an undefined rate)', () => {
    const profile = parseCalibrationProfile(STABLE_TEXT);
    expectProfileError(
      () => serializeCalibrationProfile({ ...profile, speakers: [{ ...profile.speakers[0]!, trimDb: NaN }] }),
      /\/speakers\/0\/trimDb/,
    );
    expectProfileError(
      () => checkCalibrationProfile({ ...profile, sampleRate: undefined }),
      /\/sampleRate must be/,
    );
    expectProfileError(() => checkCalibrationProfile(null), /profile/);
  });
});
