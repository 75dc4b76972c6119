import { FADER_MAX_DB } from '../params/mix-params.ts';

/** The mastering strip's input trim range, dB (strip/NN/input/trim). */
const TRIM_MAX_DB = 24;

/**
 * The most gain a master render can put in front of the limiter: the mastering strip's trim and
 * fader, then the master fader. Every one of them sits before the master chain, and nothing in
 * between is switched on in a master render, so they add up exactly.
 */
export const MAX_PRE_LIMITER_GAIN_DB = TRIM_MAX_DB + 2 * FADER_MAX_DB;

/**
 * Parameter values (for `RenderSettings.values` of a render on MASTERING_LAYOUT) that apply
 * `gainDb` before the master chain: the trim takes it first (-24..+24), the strip fader the rest
 * (down to -144 = silence, up to +6), then the master fader (up to +6).
 */
export function preLimiterGainValues(gainDb: number): Map<string, number> {
  const trim = Math.max(-TRIM_MAX_DB, Math.min(TRIM_MAX_DB, gainDb));
  let rest = gainDb - trim;
  const stripFader = Math.min(FADER_MAX_DB, rest);
  rest -= stripFader;
  const masterFader = Math.min(FADER_MAX_DB, rest);
  return new Map([
    ['strip/01/input/trim', trim],
    ['strip/01/fader', stripFader],
    ['master/fader', masterFader],
  ]);
}
