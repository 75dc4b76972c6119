/**
 * The monitor path's parameters, defined once, in plain units with explicit tapers. The console
 * prefixes every key with `monitor/` (`monitor/level`, `monitor/speaker/3/eq/10/gain`).
 *
 * Layout of `values[base + i]`: the globals (MONITOR_LEVEL .. MONITOR_CEILING), then
 * MONITOR_SPEAKERS blocks of SPEAKER_PARAMS values; speaker `s` (0-based) starts at
 * `speakerParamBase(s)` and holds SPEAKER_* offsets, its EQ section `k` (0-based) at
 * `SPEAKER_EQ + k * EQ_PARAMS` with EQ_* offsets. `monitorParamIndex(key)` finds any key.
 */
import { FADER_SMOOTHING_MS, MUTE_RAMP_MS } from '../../params/mix-params.ts';
import { choiceTemplate, toggleTemplate } from '../param-templates.ts';
import type { ParamTemplate } from '../block-processor.ts';

/** Speakers the monitor path can drive; speaker N (1-based) plays on device output N. */
export const MONITOR_SPEAKERS = 8;
/** Correction sections per speaker (a calibration profile's filters, in order). */
export const MONITOR_EQ_SECTIONS = 10;

/** Globals. */
export const MONITOR_LEVEL = 0;
export const MONITOR_DIM = 1;
export const MONITOR_DIM_DB = 2;
export const MONITOR_MONO = 3;
export const MONITOR_MUTE = 4;
export const MONITOR_SET = 5;
export const MONITOR_CEILING = 6;
const GLOBALS = 7;

/** Per speaker, from speakerParamBase(s). */
export const SPEAKER_SOURCE = 0;
export const SPEAKER_SET_A = 1;
export const SPEAKER_SET_B = 2;
export const SPEAKER_TRIM = 3;
export const SPEAKER_DELAY_MS = 4;
export const SPEAKER_PREAMP = 5;
export const SPEAKER_EQ = 6;

/** Per EQ section, from SPEAKER_EQ + k * EQ_PARAMS. */
export const EQ_ON = 0;
export const EQ_TYPE = 1;
export const EQ_FREQ = 2;
export const EQ_GAIN = 3;
export const EQ_Q = 4;
export const EQ_PARAMS = 5;

export const SPEAKER_PARAMS = SPEAKER_EQ + MONITOR_EQ_SECTIONS * EQ_PARAMS;

/** `monitor/set` choices. */
export const MONITOR_SET_CHOICES = ['A', 'B'] as const;
/** `monitor/speaker/N/source` choices: which side of the master feeds the speaker. */
export const SPEAKER_SOURCE_CHOICES = ['left', 'right', 'mono'] as const;
/** `monitor/speaker/N/eq/K/type` choices, in the cookbook's Q form (as calibration's filters). */
export const EQ_TYPE_CHOICES = ['peaking', 'low shelf', 'high shelf'] as const;

/** Longest speaker delay. */
export const MONITOR_MAX_DELAY_MS = 50;
/** Default hard ceiling on every speaker output, dBFS (sample peak). */
export const MONITOR_DEFAULT_CEILING_DB = -0.1;
/** Dim, mono and EQ glides. */
const GLIDE_MS = 20;

/** First index of speaker `s` (0-based) relative to the monitor path's base. */
export function speakerParamBase(s: number): number {
  return GLOBALS + s * SPEAKER_PARAMS;
}

function decibels(
  key: string,
  label: string,
  min: number,
  max: number,
  value: number,
  smoothingMs: number,
): ParamTemplate {
  return { key, label, unit: 'dB', min, max, default: value, taper: 'linear', smoothingMs };
}

function sectionParams(prefix: string, label: string): ParamTemplate[] {
  return [
    toggleTemplate(`${prefix}on`, `${label} on`, false, 0),
    choiceTemplate(`${prefix}type`, `${label} type`, EQ_TYPE_CHOICES, 0),
    {
      key: `${prefix}freq`,
      label: `${label} freq`,
      unit: 'Hz',
      min: 10,
      max: 24000,
      default: 1000,
      taper: 'log',
      smoothingMs: GLIDE_MS,
    },
    decibels(`${prefix}gain`, `${label} gain`, -60, 24, 0, GLIDE_MS),
    {
      key: `${prefix}q`,
      label: `${label} Q`,
      unit: 'Q',
      min: 0.1,
      max: 100,
      default: 1,
      taper: 'log',
      smoothingMs: GLIDE_MS,
    },
  ];
}

function speakerParams(s: number): ParamTemplate[] {
  const prefix = `speaker/${s + 1}/`;
  const label = `speaker ${s + 1}`;
  return [
    choiceTemplate(`${prefix}source`, `${label} source`, SPEAKER_SOURCE_CHOICES, s % 2),
    // Set membership changes crossfade in the monitor path itself (no smoothing here).
    toggleTemplate(`${prefix}set-a`, `${label} in set A`, s < 2, 0),
    toggleTemplate(`${prefix}set-b`, `${label} in set B`, s === 2 || s === 3, 0),
    // Ranges as the calibration profile's, so a profile never has to be clamped.
    decibels(`${prefix}trim`, `${label} trim`, -60, 24, 0, FADER_SMOOTHING_MS),
    // Whole samples; a change crossfades between the old and the new tap (no smoothing here).
    {
      key: `${prefix}delay-ms`,
      label: `${label} delay`,
      unit: 'ms',
      min: 0,
      max: MONITOR_MAX_DELAY_MS,
      default: 0,
      taper: 'linear',
      smoothingMs: 0,
    },
    decibels(`${prefix}preamp`, `${label} preamp`, -60, 0, 0, FADER_SMOOTHING_MS),
    ...Array.from({ length: MONITOR_EQ_SECTIONS }, (_, k) =>
      sectionParams(`${prefix}eq/${k + 1}/`, `${label} EQ ${k + 1}`),
    ).flat(),
  ];
}

/** The monitor path's parameters, in the order of `values[base + i]`. */
export const MONITOR_PATH_PARAMS: readonly ParamTemplate[] = [
  // The engineer's volume; the K-20/K-14/K-12 marks of a calibration are values of it.
  decibels('level', 'level', -80, 24, 0, FADER_SMOOTHING_MS),
  toggleTemplate('dim', 'dim', false, GLIDE_MS),
  decibels('dim-db', 'dim amount', -60, 0, -20, FADER_SMOOTHING_MS),
  toggleTemplate('mono', 'mono', false, GLIDE_MS),
  toggleTemplate('mute', 'mute', false, MUTE_RAMP_MS),
  choiceTemplate('set', 'speaker set', MONITOR_SET_CHOICES, 0),
  // A safety ceiling must act at once when lowered: no smoothing.
  decibels('ceiling', 'output ceiling', -20, 0, MONITOR_DEFAULT_CEILING_DB, 0),
  ...Array.from({ length: MONITOR_SPEAKERS }, (_, s) => speakerParams(s)).flat(),
];

const INDEX_BY_KEY = new Map(MONITOR_PATH_PARAMS.map((param, index) => [param.key, index]));

/** Index of `key` (e.g. `speaker/2/eq/3/gain`) in MONITOR_PATH_PARAMS; throws on an unknown key. */
export function monitorParamIndex(key: string): number {
  const index = INDEX_BY_KEY.get(key);
  if (index === undefined) throw new RangeError(`unknown monitor parameter: ${key}`);
  return index;
}
