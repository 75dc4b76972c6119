import { createHash } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { ParamValues, SessionAutomation, SessionDocument } from './session-document.ts';
import { SESSION_FORMAT, SESSION_SCHEMA_VERSION } from './session-format.ts';

/**
 * Schema version 1: the first session format (flat strips and auxes without ids, values as
 * [id, value] pairs, automation modes as the console had them). Kept so files written by it
 * still import; `migrateV1ToV2` is the first link of the migration chain.
 */
const PairList = Type.Array(Type.Tuple([Type.String({ minLength: 1, maxLength: 200 }), Type.Number()]), {
  maxItems: 1_000_000,
});

export const SessionDocumentV1Schema = Type.Object(
  {
    format: Type.Literal(SESSION_FORMAT),
    schemaVersion: Type.Literal(1),
    lathe: Type.String({ maxLength: 50 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    notes: Type.Optional(Type.String({ maxLength: 100_000 })),
    created: Type.String(),
    modified: Type.String(),
    strips: Type.Array(
      Type.Object(
        {
          label: Type.String({ maxLength: 100 }),
          kind: Type.Union([Type.Literal('mono'), Type.Literal('stereo')]),
          stem: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 256 },
    ),
    auxes: Type.Array(
      Type.Object(
        {
          label: Type.String({ maxLength: 100 }),
          effect: Type.Union([Type.Literal('reverb'), Type.Literal('delay'), Type.Literal('chorus')]),
        },
        { additionalProperties: false },
      ),
      { maxItems: 8 },
    ),
    values: PairList,
    automation: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 200 }),
        Type.Object(
          {
            mode: Type.Union([
              Type.Literal('off'),
              Type.Literal('read'),
              Type.Literal('write'),
              Type.Literal('touch'),
              Type.Literal('latch'),
            ]),
            points: Type.Array(Type.Tuple([Type.Number({ minimum: 0 }), Type.Number()]), {
              maxItems: 1_000_000,
            }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    snapshots: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), created: Type.String(), values: PairList },
          { additionalProperties: false },
        ),
        { maxItems: 10_000 },
      ),
    ),
  },
  { additionalProperties: false },
);

export type SessionDocumentV1 = Static<typeof SessionDocumentV1Schema>;

/** A stable id derived from content, so migrating the same file twice gives the same document. */
function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Version 1 wrote local times without a zone now and then; version 2 wants UTC ISO. */
function isoTimestamp(text: string): string {
  const time = Date.parse(text);
  return Number.isFinite(time) ? new Date(time).toISOString() : '1970-01-01T00:00:00.000Z';
}

const pairsToValues = (pairs: readonly (readonly [string, number])[]): ParamValues =>
  Object.fromEntries(pairs.map(([id, value]) => [id, value]));

/**
 * Version 1 -> 2 (pure): stable ids for the session, strips, auxes and snapshots; structure
 * grouped apart from values; values as an object; `write`/`latch` lanes stored as `touch` (a
 * loaded session must not arm a write pass); no safes, surfaces or calibration profile yet.
 */
export function migrateV1ToV2(v1: SessionDocumentV1): SessionDocument {
  const sessionId = derivedId('session', v1.name, v1.created);
  const automation: SessionAutomation = {};
  for (const [id, lane] of Object.entries(v1.automation ?? {})) {
    const mode = lane.mode === 'write' || lane.mode === 'latch' ? 'touch' : lane.mode;
    automation[id] = { mode, points: lane.points.map(([t, v]) => [t, v] as [number, number]) };
  }
  return {
    format: SESSION_FORMAT,
    schemaVersion: SESSION_SCHEMA_VERSION,
    appVersion: v1.lathe,
    id: sessionId,
    name: v1.name,
    notes: v1.notes ?? '',
    createdAt: isoTimestamp(v1.created),
    modifiedAt: isoTimestamp(v1.modified),
    structure: {
      sampleRate: null,
      strips: v1.strips.map((strip, s) => ({
        id: derivedId(sessionId, 'strip', String(s)),
        label: strip.label,
        kind: strip.kind,
        stem: strip.stem ?? null,
      })),
      auxes: v1.auxes.map((aux, a) => ({
        id: derivedId(sessionId, 'aux', String(a)),
        label: aux.label,
        effect: aux.effect,
      })),
      monitor: { calibrationProfile: null },
      surfaces: [],
    },
    safes: [],
    values: pairsToValues(v1.values),
    automation,
    snapshots: (v1.snapshots ?? []).map((snapshot, n) => ({
      id: derivedId(sessionId, 'snapshot', String(n)),
      name: snapshot.name,
      createdAt: isoTimestamp(snapshot.created),
      values: pairsToValues(snapshot.values),
    })),
  };
}
