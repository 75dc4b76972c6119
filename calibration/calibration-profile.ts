import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { LatheError, schemaProblem } from '../engine/index.ts';

/**
 * The calibration profile, version 1: what a room calibration leaves for sessions to use and to
 * report (reference §7.3): per speaker its output, correction filters and preamp, delay, trim
 * and measured SPL, plus the SPL reference with the K-System monitor-gain marks, the microphone,
 * the number of positions averaged, the date and the sample rate the delays are counted at.
 *
 * The K marks are monitor-gain positions shared by every speaker (trims make the speakers equal,
 * spl-calibration.ts), so they sit once under `spl`; each speaker keeps its own SPL reading.
 * Units: Hz, dB, samples at `sampleRate` (fractional) and ms; outputs are 0-based channels.
 *
 * `parseCalibrationProfile` rejects unknown fields and wrong types, naming the JSON pointer;
 * `serializeCalibrationProfile` writes the keys in the schema's order with two-space indents and
 * JavaScript's shortest round-trip numbers, so parse -> serialize is byte-identical whatever the
 * key order of the input (the session store keeps and exports profiles as this text).
 */
export const CALIBRATION_FORMAT = 'lathe-calibration';
export const CALIBRATION_VERSION = 1;

const FilterSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('peaking'), Type.Literal('lowshelf'), Type.Literal('highshelf')]),
    hz: Type.Number({ exclusiveMinimum: 0, maximum: 192000 }),
    q: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
    gainDb: Type.Number({ minimum: -60, maximum: 24 }),
  },
  { additionalProperties: false },
);

const SpeakerSplSchema = Type.Object(
  {
    method: Type.Union([Type.Literal('meter'), Type.Literal('microphone')]),
    /** C-weighted SPL of -20 dB FS RMS pink noise with no trim and the monitor gain at 0 dB. */
    splDb: Type.Number({ minimum: 0, maximum: 150 }),
  },
  { additionalProperties: false },
);

const SpeakerSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** Output channel, 0-based. */
    output: Type.Integer({ minimum: 0, maximum: 255 }),
    filters: Type.Array(FilterSchema, { maxItems: 64 }),
    /** Gain before the filters so their boosts cannot clip (never a boost). */
    preampDb: Type.Number({ minimum: -60, maximum: 0 }),
    delaySamples: Type.Number({ minimum: 0, maximum: 10_000_000 }),
    delayMs: Type.Number({ minimum: 0, maximum: 10_000 }),
    trimDb: Type.Number({ minimum: -60, maximum: 24 }),
    spl: Type.Optional(SpeakerSplSchema),
    /** Residual error of the correction in its match range, dB. */
    residualRmsDb: Type.Optional(Type.Number({ minimum: 0, maximum: 200 })),
    residualMaxDb: Type.Optional(Type.Number({ minimum: 0, maximum: 200 })),
  },
  { additionalProperties: false },
);

const Mark = Type.Number({ minimum: -60, maximum: 60 });
const SplSchema = Type.Object(
  {
    /** dB SPL that -20 dB FS RMS pink noise reads at the K-20 mark (83, 85, 79, …). */
    referenceDb: Type.Number({ minimum: 60, maximum: 100 }),
    /** Calibration noise: level (dB FS RMS, AES17) and band. */
    signalDbfs: Type.Number({ minimum: -60, maximum: 0 }),
    lowHz: Type.Number({ exclusiveMinimum: 0, maximum: 192000 }),
    highHz: Type.Number({ exclusiveMinimum: 0, maximum: 192000 }),
    /** Monitor gain (dB) at each mark. */
    marks: Type.Object({ 'K-20': Mark, 'K-14': Mark, 'K-12': Mark }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

const MicrophoneSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    /** Calibration file name as the engineer gave it. */
    calFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** dB FS recorded at 94 dB SPL. */
    sensitivityDbfs: Type.Optional(Type.Number({ minimum: -200, maximum: 0 })),
  },
  { additionalProperties: false },
);

const ISO_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

export const CalibrationProfileSchema = Type.Object(
  {
    format: Type.Literal(CALIBRATION_FORMAT),
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    /** When the calibration was made, ISO 8601 with a zone (e.g. 2026-04-09T14:30:00Z). */
    date: Type.String({ pattern: ISO_DATE_TIME }),
    sampleRate: Type.Integer({ minimum: 8000, maximum: 384000 }),
    microphone: Type.Optional(MicrophoneSchema),
    /** Microphone positions averaged. */
    positions: Type.Integer({ minimum: 1, maximum: 64 }),
    spl: Type.Optional(SplSchema),
    speakers: Type.Array(SpeakerSchema, { minItems: 1, maxItems: 64 }),
  },
  { additionalProperties: false },
);

export type CalibrationProfile = Static<typeof CalibrationProfileSchema>;
export type CalibrationSpeaker = Static<typeof SpeakerSchema>;

const validator = Compile(CalibrationProfileSchema);
const DEFAULT_SOURCE = 'calibration profile';
/** Delays are stored twice (samples and ms); they must agree to this many ms. */
const DELAY_AGREEMENT_MS = 1e-6;

/** The schema validator's words for a failed union or pattern say too little; by path, indices as *. */
const CHOICES: Readonly<Record<string, string>> = {
  '/format': `must be "${CALIBRATION_FORMAT}"`,
  '/date': 'must be an ISO 8601 date and time with a zone, e.g. 2026-04-09T14:30:00Z',
  '/speakers/*/id': 'must be 1-32 lowercase letters, digits or "-", starting with a letter or digit',
  '/speakers/*/filters/*/type': 'must be "peaking", "lowshelf" or "highshelf"',
  '/speakers/*/spl/method': 'must be "meter" or "microphone"',
};

function invalid(source: string, where: string, what: string): LatheError {
  return new LatheError(
    'LATHE_CALIBRATION_PROFILE_INVALID',
    `${source}: ${where === '' ? 'profile' : where} ${what}`,
  );
}

/** Checks an already-parsed value (e.g. a JSON column) against the format; returns it typed. */
export function checkCalibrationProfile(data: unknown, source = DEFAULT_SOURCE): CalibrationProfile {
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
  if (record !== null && typeof record['version'] === 'number' && record['version'] > CALIBRATION_VERSION) {
    throw invalid(
      source,
      '/version',
      `${record['version']} is newer than this Lathe reads (${CALIBRATION_VERSION})`,
    );
  }
  if (!validator.Check(data)) {
    const { where, what } = schemaProblem(validator.Errors(data), { byPath: CHOICES });
    throw invalid(source, where, what);
  }
  const ids = new Set<string>();
  const outputs = new Set<number>();
  data.speakers.forEach((speaker, s) => {
    if (ids.has(speaker.id)) throw invalid(source, `/speakers/${s}/id`, `"${speaker.id}" is used twice`);
    ids.add(speaker.id);
    if (outputs.has(speaker.output)) {
      throw invalid(source, `/speakers/${s}/output`, `${speaker.output} is used by another speaker`);
    }
    outputs.add(speaker.output);
    speaker.filters.forEach((filter, f) => {
      if (filter.hz >= data.sampleRate / 2) {
        throw invalid(
          source,
          `/speakers/${s}/filters/${f}/hz`,
          `${filter.hz} must be below half the sample rate`,
        );
      }
    });
    if (Math.abs((speaker.delaySamples / data.sampleRate) * 1000 - speaker.delayMs) > DELAY_AGREEMENT_MS) {
      throw invalid(
        source,
        `/speakers/${s}/delayMs`,
        `${speaker.delayMs} does not match delaySamples ${speaker.delaySamples} at ${data.sampleRate} Hz`,
      );
    }
  });
  if (data.spl !== undefined && !(data.spl.lowHz < data.spl.highHz)) {
    throw invalid(source, '/spl/highHz', 'must be above lowHz');
  }
  return data;
}

/** Parses and checks a profile's JSON text; errors name the source and the JSON pointer. */
export function parseCalibrationProfile(text: string, source = DEFAULT_SOURCE): CalibrationProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LatheError(
      'LATHE_CALIBRATION_PROFILE_INVALID',
      `${source}: not valid JSON (${(error as Error).message})`,
    );
  }
  return checkCalibrationProfile(data, source);
}

/** A copy of `value` with object keys in the order `schema` declares them. */
function ordered(schema: TSchema, value: unknown): unknown {
  const { properties, items } = schema as { properties?: Record<string, TSchema>; items?: TSchema };
  if (Array.isArray(value)) return items === undefined ? value : value.map((item) => ordered(items, item));
  if (properties === undefined || typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(properties)) {
    if (record[key] !== undefined) out[key] = ordered(child, record[key]);
  }
  return out;
}

/** Checks the profile, then writes it in the stable form (see the file comment). */
export function serializeCalibrationProfile(profile: CalibrationProfile): string {
  checkCalibrationProfile(profile);
  return JSON.stringify(ordered(CalibrationProfileSchema, profile), null, 2) + '\n';
}
