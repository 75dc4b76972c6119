import { Type, type Static } from 'typebox';
import { fromNormalized, type ParamSpec } from '../../engine/index.ts';
import { MidiSourceSchema, sourcesOverlap, type MidiSourceKind } from './midi-source.ts';

/**
 * A learned binding, as stored in the mapping document's `learned` section: a MIDI source, the
 * console parameter it drives, and how (reference §4.2, ReaLearn's source -> glue -> target).
 * Modes:
 * - absolute: the control's travel covers min..max, in the parameter's `plain` units (dB, Hz)
 *   or `normalized` positions 0..1; `taper` is how the travel is spread: the parameter's own
 *   (`param`: its fader law, log frequency), or `linear` / `log` in plain units. max < min inverts.
 * - relative: each encoder detent moves by `step` (plain units or normalized), within min..max
 *   when given, else the parameter's range; with `acceleration` the encoder's own magnitude
 *   counts (a fast turn sends 3 detents at once), without it every message is one step.
 * - toggle: each press flips between the parameter's minimum and maximum (releases ignored).
 * - momentary: maximum while held, minimum on release.
 */
const Terms = Type.Union([Type.Literal('plain'), Type.Literal('normalized')]);
const Bound = Type.Number({ minimum: -1e9, maximum: 1e9 });

export const LearnedModeSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('absolute'),
      terms: Terms,
      min: Bound,
      max: Bound,
      taper: Type.Union([Type.Literal('param'), Type.Literal('linear'), Type.Literal('log')]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('relative'),
      terms: Terms,
      step: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
      acceleration: Type.Boolean(),
      min: Type.Optional(Bound),
      max: Type.Optional(Bound),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('toggle') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('momentary') }, { additionalProperties: false }),
]);

export const LearnedBindingSchema = Type.Object(
  {
    param: Type.String({ pattern: '^[a-z0-9/_.-]+$', minLength: 1, maxLength: 200 }),
    source: MidiSourceSchema,
    mode: LearnedModeSchema,
    /** Input port the control was learned on; absent = any generic controller. */
    port: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    label: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export type LearnedBinding = Static<typeof LearnedBindingSchema>;
export type LearnedMode = Static<typeof LearnedModeSchema>;
export type LearnedModeKind = LearnedMode['kind'];

/** Which modes make sense for which source (a pitch-bend toggle does not). */
export const MODES_FOR_SOURCE: Readonly<Record<MidiSourceKind, readonly LearnedModeKind[]>> = {
  note: ['toggle', 'momentary', 'absolute'],
  cc: ['absolute', 'toggle', 'momentary'],
  cc14: ['absolute'],
  relativeCc: ['relative'],
  nrpn: ['absolute', 'relative'],
  pitchBend: ['absolute'],
};

export interface BindingProblem {
  /** JSON path under the binding. */
  readonly path: readonly (string | number)[];
  readonly what: string;
}

/** What is wrong with a binding that passed the schema, or null (checks that need no console). */
export function learnedBindingProblem(binding: LearnedBinding): BindingProblem | null {
  const mode = binding.mode;
  if (!MODES_FOR_SOURCE[binding.source.kind].includes(mode.kind))
    return { path: ['mode', 'kind'], what: `is not a mode for a ${binding.source.kind} source` };
  if (mode.kind === 'absolute') {
    if (mode.min === mode.max) return { path: ['mode', 'max'], what: 'must differ from min' };
    if (mode.terms === 'normalized')
      for (const key of ['min', 'max'] as const)
        if (mode[key] < 0 || mode[key] > 1) return { path: ['mode', key], what: 'must be within 0..1' };
    if (mode.taper === 'log' && mode.terms === 'plain' && !(mode.min * mode.max > 0))
      return { path: ['mode', 'taper'], what: 'log needs min and max of the same sign, not zero' };
  }
  if (mode.kind === 'relative') {
    if ((mode.min === undefined) !== (mode.max === undefined))
      return {
        path: ['mode', mode.min === undefined ? 'min' : 'max'],
        what: 'is needed with the other bound',
      };
    if (mode.terms === 'normalized') {
      if (mode.step > 1) return { path: ['mode', 'step'], what: 'must be at most 1 (normalized)' };
      for (const key of ['min', 'max'] as const) {
        const value = mode[key];
        if (value !== undefined && (value < 0 || value > 1))
          return { path: ['mode', key], what: 'must be within 0..1' };
      }
    }
  }
  return null;
}

/**
 * Two bindings would fight: the same wire address on the same port (a binding without a port
 * listens on every port). A mapping holds no clashing pair: one control drives one parameter.
 */
export function learnedBindingsClash(a: LearnedBinding, b: LearnedBinding): boolean {
  const samePort = a.port === undefined || b.port === undefined || a.port === b.port;
  return samePort && sourcesOverlap(a.source, b.source);
}

/** What keeps a binding from working on this parameter, or null. */
export function learnedBindingSpecProblem(binding: LearnedBinding, spec: ParamSpec): string | null {
  const mode = binding.mode;
  if (mode.kind === 'absolute' && mode.taper === 'log') {
    const lo = mode.terms === 'plain' ? mode.min : fromNormalized(spec, mode.min);
    const hi = mode.terms === 'plain' ? mode.max : fromNormalized(spec, mode.max);
    if (!(lo * hi > 0)) return `log taper needs plain ends of the same sign, not zero (${lo}..${hi})`;
  }
  return null;
}

/** One step of a stepped parameter (an enum choice, a boolean), or null for continuous ones. */
function plainStepOf(spec: ParamSpec): number | null {
  if (spec.taper !== 'stepped') return null;
  const steps = spec.steps ?? 2;
  return steps > 1 ? (spec.max - spec.min) / (steps - 1) : null;
}

/** Normalized move per detent for continuous parameters (100 detents end to end). */
export const DEFAULT_RELATIVE_STEP = 0.01;

/** How a control behaved while it was learned. */
export type ControlShape = 'continuous' | 'button' | 'encoder';

/**
 * The mode a freshly learned control gets: buttons toggle, continuous controls cover the whole
 * range with the parameter's own taper, encoders move 1 % of the travel per detent (one choice
 * per detent on stepped parameters) with the encoder's acceleration.
 */
export function defaultLearnedMode(spec: ParamSpec, shape: ControlShape): LearnedMode {
  if (shape === 'button') return { kind: 'toggle' };
  if (shape === 'encoder') {
    const plainStep = plainStepOf(spec);
    return plainStep === null
      ? { kind: 'relative', terms: 'normalized', step: DEFAULT_RELATIVE_STEP, acceleration: true }
      : { kind: 'relative', terms: 'plain', step: plainStep, acceleration: false };
  }
  return { kind: 'absolute', terms: 'plain', min: spec.min, max: spec.max, taper: 'param' };
}
