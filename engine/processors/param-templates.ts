import type { ParamTemplate } from './block-processor.ts';

/** An on/off parameter (0/1, stepped); `smoothingMs` > 0 ramps what it switches. */
export function toggleTemplate(key: string, label: string, on: boolean, smoothingMs = 0): ParamTemplate {
  return {
    key,
    label,
    unit: 'bool',
    min: 0,
    max: 1,
    default: on ? 1 : 0,
    taper: 'stepped',
    steps: 2,
    smoothingMs,
  };
}

/** A choice among names, stored as the index of `value` (stepped, never smoothed). */
export function choiceTemplate(
  key: string,
  label: string,
  choices: readonly string[],
  value: number,
): ParamTemplate {
  return {
    key,
    label,
    unit: 'enum',
    min: 0,
    max: choices.length - 1,
    default: value,
    taper: 'stepped',
    steps: choices.length,
    choices,
    smoothingMs: 0,
  };
}
