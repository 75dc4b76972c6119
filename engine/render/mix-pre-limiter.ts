import type { ResolvedMix } from '../mix/resolve-mix.ts';
import { renderMix, type RenderReport, type RenderSettings } from './render.ts';

/** Limiter settings a target render keeps from the mix (the target owns the ceiling). */
const KEPT_LIMITER_PARAMS = ['master/limiter/release', 'master/limiter/lookahead'];

/** Parameters a target render takes over: the limiter, the output trim after it, the word length. */
function ownedByTarget(id: string): boolean {
  return id.startsWith('master/limiter/') || id.startsWith('master/dither/') || id === 'master/output';
}

export interface PreLimiterBounce {
  readonly report: RenderReport;
  /** The mix's own limiter release and look-ahead, to use when the bounce is limited. */
  readonly limiterValues: ReadonlyMap<string, number>;
}

/**
 * Bounces a mix with everything but the end of its master chain: strips, auxes, master fader and
 * EQ, multiband and width in the mix's order and automation, with the limiter switched off, the
 * output trim at 0 dB, in 32-bit float (no dither). That is the signal a loudness target puts its
 * gain on; the limiter, at the target's ceiling, then runs last, where a ceiling means something.
 * Automation of the parts the target owns (limiter, output trim, word length) is not followed.
 */
export async function bouncePreLimiter(
  mix: ResolvedMix,
  out: string,
  settings: Pick<RenderSettings, 'blockSize' | 'onProgress'>,
): Promise<PreLimiterBounce> {
  const report = await renderMix(
    { ...mix, lanes: mix.lanes.filter((lane) => !ownedByTarget(lane.id)) },
    out,
    {
      ...settings,
      bits: '32f',
      values: new Map([
        ['master/limiter/on', 0],
        ['master/output', 0],
      ]),
    },
  );
  const limiterValues = new Map<string, number>();
  for (const id of KEPT_LIMITER_PARAMS) {
    const value = mix.values.get(id);
    if (value !== undefined) limiterValues.set(id, value);
  }
  return { report, limiterValues };
}
