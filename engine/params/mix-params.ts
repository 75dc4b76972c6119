import { SILENCE_DB } from '../dsp/decibels.ts';
import type { ParamSpec } from './param-spec.ts';

/** Parameters of one strip (and of the master), in table order. */
export const STRIP_PARAM_KINDS = ['fader', 'pan', 'mute'] as const;
export type StripParamKind = (typeof STRIP_PARAM_KINDS)[number];
export const PARAMS_PER_STRIP = STRIP_PARAM_KINDS.length;

export const FADER_MAX_DB = 6;
export const FADER_SMOOTHING_MS = 20;
export const PAN_SMOOTHING_MS = 20;
/** Mute ramps linearly over this time so it never clicks. */
export const MUTE_RAMP_MS = 5;

export function stripName(strip: number): string {
  return `strip/${String(strip + 1).padStart(2, '0')}`;
}

function specsFor(prefix: string, label: string, panLabel: string): ParamSpec[] {
  return [
    {
      id: `${prefix}/fader`,
      label: `${label} fader`,
      unit: 'dB',
      min: SILENCE_DB,
      max: FADER_MAX_DB,
      default: 0,
      taper: 'faderdB',
      smoothingMs: FADER_SMOOTHING_MS,
    },
    {
      id: `${prefix}/pan`,
      label: `${label} ${panLabel}`,
      unit: 'pan',
      min: -1,
      max: 1,
      default: 0,
      taper: 'linear',
      smoothingMs: PAN_SMOOTHING_MS,
    },
    {
      id: `${prefix}/mute`,
      label: `${label} mute`,
      unit: 'bool',
      min: 0,
      max: 1,
      default: 0,
      taper: 'stepped',
      steps: 2,
      smoothingMs: MUTE_RAMP_MS,
    },
  ];
}

/**
 * The parameter table of the first graph: per strip fader/pan/mute, then the master's
 * fader/balance/mute. Index of strip s, kind k = s * PARAMS_PER_STRIP + k.
 */
export function createMixParamSpecs(stripCount: number, stripLabels: readonly string[] = []): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (let s = 0; s < stripCount; s++) {
    specs.push(...specsFor(stripName(s), stripLabels[s] ?? `Ch ${s + 1}`, 'pan'));
  }
  specs.push(...specsFor('master', 'Master', 'balance'));
  return specs;
}

export function stripParamIndex(strip: number, kind: StripParamKind): number {
  return strip * PARAMS_PER_STRIP + STRIP_PARAM_KINDS.indexOf(kind);
}

export function masterParamIndex(stripCount: number, kind: StripParamKind): number {
  return stripParamIndex(stripCount, kind);
}
