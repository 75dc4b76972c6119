/**
 * WebSocket message schemas shared by the server and the Lit client. Pure: no Node or DOM imports.
 * Every message is a discriminated union on `type`; unknown fields are rejected.
 * Values are in plain units (dB, pan -1..1, 0/1); `position` is the normalized 0..1 control
 * position, which only the panel (an edge) uses.
 */
import { Type, type Static } from 'typebox';

const ParamId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z0-9/._-]+$' });
const RequestId = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });

export const ParamSetMessage = Type.Object(
  {
    type: Type.Literal('param.set'),
    id: Type.Optional(RequestId),
    param: ParamId,
    value: Type.Number(),
  },
  { additionalProperties: false },
);

export const ParamSetPositionMessage = Type.Object(
  {
    type: Type.Literal('param.setPosition'),
    id: Type.Optional(RequestId),
    param: ParamId,
    position: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);

export const MetersSubscribeMessage = Type.Object(
  {
    type: Type.Literal('meters.subscribe'),
    id: Type.Optional(RequestId),
    enabled: Type.Boolean(),
    /** Also the master-meter frames (loudness, peaks, image, spectrum, goniometer); default false. */
    master: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ClientMessage = Type.Union([ParamSetMessage, ParamSetPositionMessage, MetersSubscribeMessage]);
export type ClientMessage = Static<typeof ClientMessage>;

export const ParamInfo = Type.Object(
  {
    param: ParamId,
    label: Type.String(),
    unit: Type.String(),
    min: Type.Number(),
    max: Type.Number(),
    default: Type.Number(),
    taper: Type.String(),
    value: Type.Number(),
    position: Type.Number(),
    /** Stepped taper: number of positions (bool = 2). */
    steps: Type.Optional(Type.Integer({ minimum: 2 })),
    /** `enum` unit: the name of each value (value = index). */
    choices: Type.Optional(Type.Array(Type.String())),
    /** Processor the parameter belongs to within its owner: `eq`, `comp`, `limiter`, `channel`, ... */
    group: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ParamInfo = Static<typeof ParamInfo>;

export const AudioStatus = Type.Object(
  {
    backend: Type.Union([Type.Literal('portaudio'), Type.Literal('virtual'), Type.Literal('file')]),
    device: Type.String(),
    sampleRate: Type.Number(),
    blockSize: Type.Number(),
    inputChannels: Type.Number(),
    outputChannels: Type.Number(),
    xruns: Type.Number(),
    dspLoad: Type.Number(),
    /** Set when the engine fell back to the virtual clock after the device failed. */
    fault: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type AudioStatus = Static<typeof AudioStatus>;

export const MeterLayoutEntry = Type.Object(
  { name: Type.String(), channels: Type.Number() },
  { additionalProperties: false },
);

/** How to read master-meter frames (master-meter-frame.ts). */
export const MasterMeterLayout = Type.Object(
  {
    /** Readout labels in frame order: MASTER_LABEL values, then the engine's gain-reduction labels. */
    labels: Type.Array(Type.String()),
    /** Spectrum band centres, Hz, in frame order. */
    bandCentresHz: Type.Array(Type.Number()),
    /** Most goniometer points (L/R pairs) one frame carries. */
    pairsPerFrame: Type.Integer({ minimum: 0 }),
    /** Frames per second. */
    rateHz: Type.Number(),
  },
  { additionalProperties: false },
);
export type MasterMeterLayout = Static<typeof MasterMeterLayout>;

/** The loudness target the meters judge against, shared by every panel (GET/PUT /api/meters/target). */
export const MeterTarget = Type.Object(
  {
    preset: Type.String(),
    title: Type.String(),
    /** LUFS; null: the preset has no loudness target (only the ceiling is judged). */
    integratedLufs: Type.Union([Type.Number(), Type.Null()]),
    ceilingDbtp: Type.Number(),
    /** Integrated loudness passes within this many LU of the target. */
    toleranceLu: Type.Number(),
  },
  { additionalProperties: false },
);
export type MeterTarget = Static<typeof MeterTarget>;

export const HelloMessage = Type.Object(
  {
    type: Type.Literal('hello'),
    params: Type.Array(ParamInfo),
    /** Meter slots in frame order: each strip (1 channel), then the master (2 channels). */
    meters: Type.Array(MeterLayoutEntry),
    status: AudioStatus,
    master: Type.Optional(MasterMeterLayout),
    target: Type.Optional(MeterTarget),
  },
  { additionalProperties: false },
);

/** The shared loudness target changed (any panel or REST client set it). */
export const MeterTargetMessage = Type.Object(
  { type: Type.Literal('meters.target'), target: MeterTarget },
  { additionalProperties: false },
);

/**
 * The master measurement was restarted (POST /api/meters/reset, from any panel or REST client):
 * integrated loudness, range, maxima and the history start again, so panels reload the history.
 */
export const MetersResetMessage = Type.Object(
  { type: Type.Literal('meters.reset') },
  { additionalProperties: false },
);

export const ParamChangedMessage = Type.Object(
  {
    type: Type.Literal('param.changed'),
    param: ParamId,
    value: Type.Number(),
    position: Type.Number(),
    source: Type.String(),
  },
  { additionalProperties: false },
);

export const StatusMessage = Type.Object(
  { type: Type.Literal('status'), status: AudioStatus },
  { additionalProperties: false },
);

export const ReplyMessage = Type.Object(
  {
    type: Type.Literal('reply'),
    id: Type.Union([RequestId, Type.Null()]),
    ok: Type.Boolean(),
    error: Type.Optional(
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const ServerMessage = Type.Union([
  HelloMessage,
  ParamChangedMessage,
  StatusMessage,
  ReplyMessage,
  MeterTargetMessage,
  MetersResetMessage,
]);
export type ServerMessage = Static<typeof ServerMessage>;
export type HelloMessage = Static<typeof HelloMessage>;
export type ParamChangedMessage = Static<typeof ParamChangedMessage>;
export type ReplyMessage = Static<typeof ReplyMessage>;
