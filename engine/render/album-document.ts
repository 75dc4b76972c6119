import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblem } from '../schema/schema-problem.ts';
import { LatheError } from '../errors.ts';

/**
 * The album document, version 1 (docs/album-document.md describes it for users): tracks in
 * order, each a stereo file or a mix document, with the gap before it and its fades, and the
 * loudness target the album is normalised to. Paths are relative to the document's folder;
 * times are in seconds.
 */
export const ALBUM_FORMAT = 'lathe-album';
export const ALBUM_VERSION = 1;

/** A CUE sheet has no escape for quotes, and its lines end at control characters. */
const CueText = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^"\\u0000-\\u001f\\u007f]*$' });

const TrackSchema = Type.Object(
  {
    title: CueText(200),
    performer: Type.Optional(CueText(200)),
    /** A stereo (or mono) WAV/AIFF file: the track as mixed, before the limiter. */
    input: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** Or a mix document, bounced up to its limiter (the album's limiter runs last). */
    mix: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** Silence before this track, seconds (default: the album's `gap`); not on the first track. */
    gapBefore: Type.Optional(Type.Number({ minimum: 0, maximum: 60 })),
    fadeIn: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
    fadeOut: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
  },
  { additionalProperties: false },
);

export const AlbumDocumentSchema = Type.Object(
  {
    format: Type.Literal(ALBUM_FORMAT),
    version: Type.Integer({ minimum: 1 }),
    title: Type.Optional(CueText(200)),
    performer: Type.Optional(CueText(200)),
    /** A preset name (docs/loudness-targets.md) or integrated LUFS for the loudest track. */
    target: Type.Union([Type.String({ maxLength: 40 }), Type.Number()]),
    /** dBTP; default: the target's. */
    ceiling: Type.Optional(Type.Number({ minimum: -12, maximum: 0 })),
    /** Silence between tracks, seconds (default 2). */
    gap: Type.Optional(Type.Number({ minimum: 0, maximum: 60 })),
    sampleRate: Type.Optional(Type.Integer({ minimum: 8000, maximum: 384000 })),
    bits: Type.Optional(Type.Union([Type.Literal('16'), Type.Literal('24'), Type.Literal('32f')])),
    dither: Type.Optional(Type.Union([Type.Literal('tpdf'), Type.Literal('shaped'), Type.Literal('none')])),
    tracks: Type.Array(TrackSchema, { minItems: 1, maxItems: 99 }),
  },
  { additionalProperties: false },
);

export type AlbumDocument = Static<typeof AlbumDocumentSchema>;
export type AlbumTrack = Static<typeof TrackSchema>;

/** Gap between tracks when the document gives none, seconds (the Red Book's usual pause). */
export const DEFAULT_GAP_SECONDS = 2;

const validator = Compile(AlbumDocumentSchema);

/** The schema validator's words for a failed union or literal ("must be string") say too little. */
const CHOICES: Readonly<Record<string, string>> = {
  '/format': `must be "${ALBUM_FORMAT}"`,
  '/target': 'must be a preset name (docs/loudness-targets.md) or a number of LUFS',
  '/bits': 'must be "16", "24" or "32f"',
  '/dither': 'must be "tpdf", "shaped" or "none"',
};

export function albumInvalid(file: string, where: string, what: string): LatheError {
  return new LatheError('LATHE_ALBUM_INVALID', `${file}: ${where === '' ? 'document' : where} ${what}`);
}

/**
 * Parses and checks an album document's text: the schema (unknown fields rejected), then what a
 * schema cannot say (exactly one source per track, no gap before the first). Every problem is
 * one LatheError naming the file and the JSON pointer.
 */
export function parseAlbumDocument(text: string, file: string): AlbumDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LatheError('LATHE_ALBUM_INVALID', `${file}: not valid JSON (${(error as Error).message})`);
  }
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
  if (record !== null && typeof record['version'] === 'number' && record['version'] > ALBUM_VERSION) {
    throw new LatheError(
      'LATHE_ALBUM_VERSION_UNSUPPORTED',
      `${file}: version ${record['version']} is newer than this Lathe reads (${ALBUM_VERSION})`,
    );
  }
  if (!validator.Check(data)) {
    const { where, what } = schemaProblem(validator.Errors(data), {
      byPath: CHOICES,
      byKeyword: {
        pattern: 'must not contain double quotes or control characters (a CUE sheet cannot carry them)',
      },
    });
    throw albumInvalid(file, where, what);
  }
  data.tracks.forEach((track, t) => {
    if ((track.input === undefined) === (track.mix === undefined)) {
      throw albumInvalid(
        file,
        `/tracks/${t}`,
        'needs exactly one of "input" (an audio file) or "mix" (a mix document)',
      );
    }
  });
  if (data.tracks[0]?.gapBefore !== undefined) {
    throw albumInvalid(file, '/tracks/0/gapBefore', 'is not allowed: the first track has no track before it');
  }
  return data;
}
