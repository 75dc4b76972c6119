import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { LatheError, schemaProblem, type ErrorCode } from '../../engine/index.ts';

export type SurfaceDataKind = 'profile' | 'mapping';

/**
 * Checking surface data files (device profiles, user mappings) against their TypeBox schema,
 * with errors that name the file and the JSON path (RFC 6901) of the first problem.
 */
export const SURFACE_DATA_ERROR_CODE: Readonly<Record<SurfaceDataKind, ErrorCode>> = {
  profile: 'LATHE_SURFACE_PROFILE_INVALID',
  mapping: 'LATHE_SURFACE_MAPPING_INVALID',
};

export class SurfaceDataError extends LatheError {
  readonly kind: SurfaceDataKind;
  readonly file: string;
  /** JSON pointer of the offending value ('' = the whole document). */
  readonly path: string;

  constructor(kind: SurfaceDataKind, file: string, path: string, what: string) {
    super(SURFACE_DATA_ERROR_CODE[kind], `${file}: ${path === '' ? 'document' : path} ${what}`);
    this.name = 'SurfaceDataError';
    this.kind = kind;
    this.file = file;
    this.path = path;
  }
}

/** JSON pointer segment (RFC 6901): parameter ids contain slashes. */
export function jsonPointer(...parts: (string | number)[]): string {
  return parts.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** A compiled schema check that throws `SurfaceDataError` on the first problem. */
export function surfaceDataChecker(
  schema: TSchema,
  kind: SurfaceDataKind,
): (text: string, file: string) => unknown {
  const validator = Compile(schema);
  return (text, file) => {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SurfaceDataError(kind, file, '', `is not valid JSON (${(error as Error).message})`);
    }
    if (validator.Check(data)) return data;
    const { where, what } = schemaProblem(validator.Errors(data));
    throw new SurfaceDataError(kind, file, where, what);
  };
}
