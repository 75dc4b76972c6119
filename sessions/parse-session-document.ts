import { Compile } from 'typebox/compile';
import { LatheError, schemaProblem } from '../engine/index.ts';
import { SessionDocumentSchema, type SessionDocument } from './session-document.ts';
import { SESSION_FORMAT, SESSION_SCHEMA_VERSION } from './session-format.ts';
import { migrateV1ToV2, SessionDocumentV1Schema } from './session-document-v1.ts';

const validateV2 = Compile(SessionDocumentSchema);
const validateV1 = Compile(SessionDocumentV1Schema);

function invalid(source: string, where: string, what: string): LatheError {
  return new LatheError('LATHE_SESSION_INVALID', `${source}: ${where === '' ? 'document' : where} ${what}`);
}

/** The first schema error as one message naming the JSON path (unknown fields by their own path). */
function firstError(
  validator: typeof validateV2 | typeof validateV1,
  data: unknown,
  source: string,
): LatheError {
  const { where, what } = schemaProblem(validator.Errors(data));
  return invalid(source, where, what);
}

/** Checks what a schema cannot say: unique ids, lanes in time order. */
function checkSemantics(doc: SessionDocument, source: string): void {
  const unique = (ids: readonly string[], where: string): void => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      if (seen.has(id)) throw invalid(source, `${where}/${index}/id`, `"${id}" is used twice`);
      seen.add(id);
    });
  };
  unique(
    doc.structure.strips.map((s) => s.id),
    '/structure/strips',
  );
  unique(
    doc.structure.auxes.map((a) => a.id),
    '/structure/auxes',
  );
  unique(
    doc.snapshots.map((s) => s.id),
    '/snapshots',
  );
  for (const [id, lane] of Object.entries(doc.automation)) {
    for (let p = 1; p < lane.points.length; p++) {
      if (lane.points[p]![0] < lane.points[p - 1]![0]) {
        throw invalid(
          source,
          `/automation/${id.replaceAll('~', '~0').replaceAll('/', '~1')}/points/${p}`,
          'is earlier than the point before it',
        );
      }
    }
  }
  if (Date.parse(doc.modifiedAt) < Date.parse(doc.createdAt)) {
    throw invalid(source, '/modifiedAt', 'is earlier than /createdAt');
  }
}

/**
 * Parses a session document of any schema version this Lathe knows, migrates it to the current
 * one through the pure migration chain, and checks it strictly: unknown fields and wrong types
 * are errors naming their JSON path; a newer schema version is refused.
 */
export function parseSessionDocument(text: string, source: string): SessionDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(source, '', `is not valid JSON (${(error as Error).message})`);
  }
  return checkSessionDocument(data, source);
}

/** `parseSessionDocument` for an already parsed value (REST bodies). */
export function checkSessionDocument(data: unknown, source: string): SessionDocument {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid(source, '', 'must be a JSON object');
  }
  const record = data as Record<string, unknown>;
  if (record['format'] !== SESSION_FORMAT) {
    throw invalid(source, '/format', `must be "${SESSION_FORMAT}"`);
  }
  const version = record['schemaVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw invalid(source, '/schemaVersion', 'must be a whole number from 1');
  }
  if (version > SESSION_SCHEMA_VERSION) {
    throw new LatheError(
      'LATHE_SESSION_VERSION_UNSUPPORTED',
      `${source}: schema version ${version} is newer than this Lathe reads (${SESSION_SCHEMA_VERSION}); update Lathe`,
    );
  }
  let doc: unknown = data;
  if (version === 1) {
    if (!validateV1.Check(doc)) throw firstError(validateV1, doc, source);
    doc = migrateV1ToV2(doc);
  }
  if (!validateV2.Check(doc)) throw firstError(validateV2, doc, source);
  checkSemantics(doc, source);
  return doc;
}
