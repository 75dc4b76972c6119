/**
 * What a key does to a parameter, in plain units: arrows a fine step, PageUp/PageDown a coarse
 * one, Home/End the ends. Steps are what an engineer expects on a console: 0.5 dB per arrow on
 * faders near unity (1 dB below -20, 3 dB below -40, then off), 0.5 dB on gains, 1 % on pan,
 * 1/100 of the travel on frequencies and times (even in log), one choice on switches. Pure.
 */
import type { ParamInfo } from '../../protocol/index.ts';
import { clampValue, positionOf, valueAt } from './taper.ts';

export const STEP_KEYS = [
  'ArrowUp',
  'ArrowRight',
  'ArrowDown',
  'ArrowLeft',
  'PageUp',
  'PageDown',
  'Home',
  'End',
] as const;
export type StepKey = (typeof STEP_KEYS)[number];

export function isStepKey(key: string): key is StepKey {
  return (STEP_KEYS as readonly string[]).includes(key);
}

/** Lowest finite fader value reached by stepping down; one more step is silence (min). */
const FADER_FLOOR_DB = -60;
const PAGE_ARROWS = 6;

function faderArrowDb(db: number, up: boolean): number {
  // The step of the zone being entered when going down, of the zone left when going up.
  const at = up ? db : db - 1e-9;
  return at >= -20 ? 0.5 : at >= -40 ? 1 : 3;
}

/** `value` moved `count` steps of `step` on the grid of multiples of `step` (so -6.3 goes to -6.0 / -6.5). */
function onGrid(value: number, step: number, count: number): number {
  const eps = 1e-9;
  const index = count > 0 ? Math.floor(value / step + eps) : Math.ceil(value / step - eps);
  return (index + count) * step;
}

function faderStep(info: ParamInfo, value: number, arrows: number): number {
  let v = value;
  const up = arrows > 0;
  for (let i = 0; i < Math.abs(arrows); i++) {
    if (up && v <= info.min) v = FADER_FLOOR_DB;
    else if (!up && v <= FADER_FLOOR_DB) v = info.min;
    else v = onGrid(v, faderArrowDb(v, up), up ? 1 : -1);
  }
  return clampValue(info, v);
}

/** Fine step of a linear parameter in its unit. */
function linearStep(info: ParamInfo): number {
  switch (info.unit) {
    case 'dB':
      return 0.5;
    case 'pan':
      return 0.01;
    case '%':
      return 1;
    default:
      return (info.max - info.min) / 100;
  }
}

/** The new plain value for `key`, from `value` (the value the user last saw or sent). */
export function steppedValue(info: ParamInfo, key: StepKey, value: number): number {
  if (key === 'Home') return info.min;
  if (key === 'End') return info.max;
  const sign = key === 'ArrowUp' || key === 'ArrowRight' || key === 'PageUp' ? 1 : -1;
  const page = key === 'PageUp' || key === 'PageDown';
  if (info.taper === 'stepped') {
    const size = (info.max - info.min) / ((info.steps ?? 2) - 1);
    return clampValue(info, value + sign * size);
  }
  if (info.taper === 'faderdB') return faderStep(info, value, sign * (page ? PAGE_ARROWS : 1));
  if (info.taper === 'log') {
    const position = positionOf(info, value) + sign * (page ? 0.1 : 0.01);
    return valueAt(info, position);
  }
  const step = linearStep(info);
  return clampValue(info, onGrid(value, step, sign * (page ? PAGE_ARROWS : 1)));
}

interface Pending {
  readonly value: number;
  readonly at: number;
}

/** How long a sent value is the base for the next key press if its echo has not arrived yet. */
const PENDING_MS = 800;

/**
 * Key-repeat safe stepping: the next press starts from the value last sent, not from a server
 * value that has not caught up yet (otherwise fast presses would be lost).
 */
export class KeyboardStepper {
  private readonly pending = new Map<string, Pending>();

  /** The value to send for this key, or null when the key is not a step key. */
  next(info: ParamInfo, key: string, now: number = performance.now()): number | null {
    if (!isStepKey(key)) return null;
    const sent = this.pending.get(info.param);
    const base = sent !== undefined && now - sent.at < PENDING_MS ? sent.value : info.value;
    const value = steppedValue(info, key, base);
    this.pending.set(info.param, { value, at: now });
    return value;
  }
}
