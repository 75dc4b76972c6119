import { Type, type Static } from 'typebox';

/**
 * The mix document, version 1 (docs/mix-document.md describes it for users). A JSON file that
 * names stems on strips with all their parameter values and automation, the aux effects and the
 * master chain. Paths are relative to the document's folder; times are in seconds; values are in
 * the parameter's plain unit (enums by choice name or index, booleans as true/false or 0/1).
 */
export const MIX_FORMAT = 'lathe-mix';
export const MIX_VERSION = 1;

const ParamValue = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 200 })]);
const ParamValues = Type.Record(Type.String({ maxLength: 200 }), ParamValue);

export const AutomationModeSchema = Type.Union([
  Type.Literal('off'),
  Type.Literal('read'),
  Type.Literal('write'),
  Type.Literal('touch'),
  Type.Literal('latch'),
]);

const LaneSchema = Type.Object(
  {
    mode: Type.Optional(AutomationModeSchema),
    /** [seconds, value] pairs. */
    points: Type.Array(Type.Tuple([Type.Number({ minimum: 0 }), ParamValue]), { maxItems: 1_000_000 }),
  },
  { additionalProperties: false },
);
const Automation = Type.Record(Type.String({ maxLength: 200 }), LaneSchema);

const StripSchema = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(Type.Union([Type.Literal('mono'), Type.Literal('stereo')])),
    /** Audio file (WAV or AIFF), relative to the document. Without one the strip takes a live input. */
    stem: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    params: Type.Optional(ParamValues),
    automation: Type.Optional(Automation),
  },
  { additionalProperties: false },
);

const AuxSchema = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: 100 })),
    effect: Type.Union([Type.Literal('reverb'), Type.Literal('delay'), Type.Literal('chorus')]),
    params: Type.Optional(ParamValues),
    automation: Type.Optional(Automation),
  },
  { additionalProperties: false },
);

const MasterSchema = Type.Object(
  {
    /** Order of the master chain's stages; every one of eq, multiband, width, limiter once. */
    chain: Type.Optional(Type.Array(Type.String(), { minItems: 4, maxItems: 4 })),
    params: Type.Optional(ParamValues),
    automation: Type.Optional(Automation),
  },
  { additionalProperties: false },
);

export const MixDocumentSchema = Type.Object(
  {
    format: Type.Literal(MIX_FORMAT),
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    /** Rate the mix runs at; stems at other rates are converted. Default: the first stem's rate. */
    sampleRate: Type.Optional(Type.Integer({ minimum: 8000, maximum: 384000 })),
    strips: Type.Array(StripSchema, { minItems: 1, maxItems: 256 }),
    auxes: Type.Optional(Type.Array(AuxSchema, { maxItems: 8 })),
    master: Type.Optional(MasterSchema),
    transport: Type.Optional(
      Type.Object(
        {
          /** Render length in seconds; default: the longest stem. */
          length: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          loop: Type.Optional(
            Type.Object(
              { start: Type.Number({ minimum: 0 }), end: Type.Number({ exclusiveMinimum: 0 }) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type MixDocument = Static<typeof MixDocumentSchema>;
export type MixParamValues = Static<typeof ParamValues>;
export type MixAutomation = Static<typeof Automation>;
