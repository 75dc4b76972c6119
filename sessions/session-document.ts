import { Type, type Static } from 'typebox';
import { SESSION_FORMAT, SESSION_SCHEMA_VERSION } from './session-format.ts';

/**
 * The session document, schema version 2: one JSON file per session, what `lathe sessions
 * export` writes and `import` reads (docs/session-document.md describes it for users). Structure
 * (strips, auxes, monitor, surfaces) is kept apart from values; values are plain units keyed by
 * stable parameter id, never normalized positions, so a taper change cannot move a recall.
 */

const Id = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' });
const ParamId = Type.String({ pattern: '^[a-z0-9][a-z0-9/_.-]{0,199}$' });
const Timestamp = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

/** Plain values by parameter id. */
export const ParamValuesSchema = Type.Record(ParamId, Type.Number(), { additionalProperties: false });

/** Modes a session may hold: `write` and `latch` are never stored (a recall must not arm a pass). */
export const StoredAutomationModeSchema = Type.Union([
  Type.Literal('off'),
  Type.Literal('read'),
  Type.Literal('touch'),
]);

export const StoredLaneSchema = Type.Object(
  {
    mode: StoredAutomationModeSchema,
    /** [seconds, plain value] pairs, in time order. */
    points: Type.Array(Type.Tuple([Type.Number({ minimum: 0 }), Type.Number()]), { maxItems: 1_000_000 }),
  },
  { additionalProperties: false },
);
export const AutomationSchema = Type.Record(ParamId, StoredLaneSchema, { additionalProperties: false });

const StripSchema = Type.Object(
  {
    id: Id,
    label: Type.String({ maxLength: 100 }),
    kind: Type.Union([Type.Literal('mono'), Type.Literal('stereo')]),
    /** Audio file the strip plays (absolute path), or null for a live input. */
    stem: Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Null()]),
  },
  { additionalProperties: false },
);

const AuxSchema = Type.Object(
  {
    id: Id,
    label: Type.String({ maxLength: 100 }),
    effect: Type.Union([Type.Literal('reverb'), Type.Literal('delay'), Type.Literal('chorus')]),
  },
  { additionalProperties: false },
);

const SurfaceSchema = Type.Object(
  {
    /** Device profile name (e.g. "x-touch", "fader-board"). */
    profile: Type.String({ minLength: 1, maxLength: 100 }),
    /** MIDI port name or serial device path. */
    port: Type.String({ minLength: 1, maxLength: 4096 }),
    /** User mapping by name; null for the profile's default mapping. */
    mapping: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const StructureSchema = Type.Object(
  {
    sampleRate: Type.Union([Type.Integer({ minimum: 8000, maximum: 384000 }), Type.Null()]),
    strips: Type.Array(StripSchema, { minItems: 1, maxItems: 256 }),
    auxes: Type.Array(AuxSchema, { maxItems: 8 }),
    monitor: Type.Object(
      {
        /** Calibration profile (room calibration) by id, stored beside sessions; null: none. */
        calibrationProfile: Type.Union([Id, Type.Null()]),
      },
      { additionalProperties: false },
    ),
    /** Attached surfaces in the user's order (main unit, then extenders left to right). */
    surfaces: Type.Array(SurfaceSchema, { maxItems: 32 }),
  },
  { additionalProperties: false },
);

export const SnapshotSchema = Type.Object(
  {
    id: Id,
    name: Name,
    createdAt: Timestamp,
    values: ParamValuesSchema,
  },
  { additionalProperties: false },
);

export const SessionDocumentSchema = Type.Object(
  {
    format: Type.Literal(SESSION_FORMAT),
    schemaVersion: Type.Literal(SESSION_SCHEMA_VERSION),
    appVersion: Type.String({ maxLength: 50 }),
    id: Id,
    name: Name,
    notes: Type.String({ maxLength: 100_000 }),
    createdAt: Timestamp,
    modifiedAt: Timestamp,
    structure: StructureSchema,
    /** Parameter ids, or prefixes ending in "/" (a whole strip), that recall never changes. */
    safes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100_000 }),
    values: ParamValuesSchema,
    automation: AutomationSchema,
    snapshots: Type.Array(SnapshotSchema, { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);

export type SessionDocument = Static<typeof SessionDocumentSchema>;
export type SessionStructure = Static<typeof StructureSchema>;
export type SessionSnapshot = Static<typeof SnapshotSchema>;
export type ParamValues = Static<typeof ParamValuesSchema>;
export type SessionAutomation = Static<typeof AutomationSchema>;
export type StoredLane = Static<typeof StoredLaneSchema>;
export type StoredAutomationMode = Static<typeof StoredAutomationModeSchema>;
