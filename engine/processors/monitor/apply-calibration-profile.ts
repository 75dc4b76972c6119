/**
 * Puts a room calibration on the monitor path (main thread, pure apart from `set`). The engine
 * imports nothing from calibration/, so the shape it needs is written here; calibration's
 * CalibrationProfile satisfies it structurally.
 *
 * Mapping, per profile speaker (its `output`, 0-based, is monitor speaker output + 1):
 *   filters[k] -> monitor/speaker/N/eq/(k+1)/{on = 1, type, freq = hz, gain = gainDb, q}
 *   preampDb   -> monitor/speaker/N/preamp
 *   delayMs    -> monitor/speaker/N/delay-ms (the engine rounds to whole samples at its own rate)
 *   trimDb     -> monitor/speaker/N/trim
 * Sections past a speaker's filters are switched off and flat; speakers the profile does not
 * name get no correction (EQ off, preamp, trim and delay 0), so nothing of an earlier profile is
 * left behind. Set membership, source, dim, mono and mute are the engineer's, not touched. With
 * `mark`, monitor/level goes to the profile's K-System mark (spl.marks[mark]).
 *
 * Everything is checked before anything is set: a profile that does not fit (an output past the
 * last speaker, more filters than sections, a delay past 50 ms, a value outside a parameter's
 * range, a missing mark) throws LATHE_CALIBRATION_PROFILE_INVALID naming the JSON pointer.
 */
import { LatheError } from '../../errors.ts';
import {
  MONITOR_PATH_PARAMS,
  MONITOR_SPEAKERS,
  MONITOR_EQ_SECTIONS,
  monitorParamIndex,
} from './monitor-params.ts';

export interface MonitorProfileFilter {
  readonly type: 'peaking' | 'lowshelf' | 'highshelf';
  readonly hz: number;
  readonly q: number;
  readonly gainDb: number;
}

export interface MonitorProfileSpeaker {
  /** Device output, 0-based. */
  readonly output: number;
  readonly filters: readonly MonitorProfileFilter[];
  readonly preampDb: number;
  readonly delayMs: number;
  readonly trimDb: number;
}

export type MonitorMarkName = 'K-20' | 'K-14' | 'K-12';

/** The part of a calibration profile (calibration/calibration-profile.ts) the monitor path uses. */
export interface MonitorCalibrationProfile {
  readonly speakers: readonly MonitorProfileSpeaker[];
  readonly spl?: { readonly marks: Readonly<Record<MonitorMarkName, number>> };
}

export interface ApplyCalibrationOptions {
  /** Set monitor/level to this K-System mark of the profile. */
  readonly mark?: MonitorMarkName;
}

/** Receives full parameter ids (`monitor/speaker/1/trim`) and plain values, e.g. ParamStore.set. */
export type MonitorParamSetter = (id: string, value: number) => void;

const TYPE_INDEX: Readonly<Record<MonitorProfileFilter['type'], number>> = {
  peaking: 0,
  lowshelf: 1,
  highshelf: 2,
};

function fail(where: string, what: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_PROFILE_INVALID', `calibration profile: ${where} ${what}`);
}

/** The monitor parameter changes a profile makes, as [full id, value] in order; throws if it does not fit. */
export function calibrationProfileValues(
  profile: MonitorCalibrationProfile,
  options: ApplyCalibrationOptions = {},
): [string, number][] {
  const values: [string, number][] = [];
  const put = (where: string, key: string, value: number): void => {
    const spec = MONITOR_PATH_PARAMS[monitorParamIndex(key)]!;
    if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
      throw fail(where, `${value} is outside the monitor path's range ${spec.min}..${spec.max} ${spec.unit}`);
    }
    values.push([`monitor/${key}`, value]);
  };
  const bySpeaker = new Map<number, { speaker: MonitorProfileSpeaker; index: number }>();
  profile.speakers.forEach((speaker, index) => {
    if (!Number.isInteger(speaker.output) || speaker.output < 0 || speaker.output >= MONITOR_SPEAKERS) {
      throw fail(
        `/speakers/${index}/output`,
        `${speaker.output} is past the monitor path's ${MONITOR_SPEAKERS} speakers`,
      );
    }
    if (bySpeaker.has(speaker.output))
      throw fail(`/speakers/${index}/output`, `${speaker.output} is used twice`);
    if (speaker.filters.length > MONITOR_EQ_SECTIONS) {
      throw fail(
        `/speakers/${index}/filters`,
        `has ${speaker.filters.length} filters; the monitor path runs ${MONITOR_EQ_SECTIONS} per speaker`,
      );
    }
    bySpeaker.set(speaker.output, { speaker, index });
  });
  for (let s = 0; s < MONITOR_SPEAKERS; s++) {
    const entry = bySpeaker.get(s);
    const prefix = `speaker/${s + 1}/`;
    const at = entry === undefined ? '' : `/speakers/${entry.index}`;
    const speaker = entry?.speaker;
    for (let k = 0; k < MONITOR_EQ_SECTIONS; k++) {
      const filter = speaker?.filters[k];
      const section = `${prefix}eq/${k + 1}/`;
      const where = `${at}/filters/${k}`;
      if (filter === undefined) {
        put(where, `${section}on`, 0);
        put(where, `${section}gain`, 0);
        continue;
      }
      put(`${where}/type`, `${section}type`, TYPE_INDEX[filter.type]);
      put(`${where}/hz`, `${section}freq`, filter.hz);
      put(`${where}/gainDb`, `${section}gain`, filter.gainDb);
      put(`${where}/q`, `${section}q`, filter.q);
      put(where, `${section}on`, 1);
    }
    put(`${at}/preampDb`, `${prefix}preamp`, speaker?.preampDb ?? 0);
    put(`${at}/delayMs`, `${prefix}delay-ms`, speaker?.delayMs ?? 0);
    put(`${at}/trimDb`, `${prefix}trim`, speaker?.trimDb ?? 0);
  }
  if (options.mark !== undefined) {
    const marks = profile.spl?.marks;
    if (marks === undefined) throw fail('/spl', `is missing: no ${options.mark} mark to set the level to`);
    put(`/spl/marks/${options.mark}`, 'level', marks[options.mark]);
  }
  return values;
}

/**
 * Applies `profile` to the monitor path through `set` (see the file comment). Main thread; checks
 * the whole profile first, so a profile that does not fit changes nothing.
 */
export function applyCalibrationProfile(
  profile: MonitorCalibrationProfile,
  set: MonitorParamSetter,
  options: ApplyCalibrationOptions = {},
): void {
  for (const [id, value] of calibrationProfileValues(profile, options)) set(id, value);
}
