/**
 * Static curves of the dynamics processors, in dB: input level -> gain change. Pure functions of
 * doubles, small enough that V8 inlines them into the per-sample loops that call them
 * (CompressorCore.computeGains, the scalar reference); the panel uses the same functions to draw
 * the curves. The processors evaluate the same formulas in the dynamics kernel
 * (engine/wasm/dynamics.wat, $targets), held to these by the tests.
 *
 * Compressor: the soft-knee gain computer of Giannoulis, Massberg and Reiss, "Digital dynamic
 * range compressor design: a tutorial and analysis", JAES 60(6), 2012, eq. 4 (quadratic knee):
 *   2(x - T) < -W:      y = x
 *   2|x - T| <= W:      y = x + (1/R - 1) (x - T + W/2)^2 / (2W)
 *   2(x - T) > W:       y = T + (x - T) / R
 * The knee is centred on the threshold T, W dB wide; W = 0 is the hard knee.
 *
 * Expander/gate: below the threshold the output falls R dB per dB of input, so the attenuation
 * is (T - x)(R - 1), limited to the range: a downward expander with hard knee; R = 20 or more
 * behaves as a gate with a `range` floor.
 */

/**
 * Gain reduction (dB, >= 0) of the soft-knee compressor for an input level `levelDb`, with
 * `slope` = 1 - 1/ratio (0 for ratio 1, 1 for limiting) and knee width `kneeDb` (>= 0).
 * Allocates nothing.
 */
export function compressorGainReductionDb(
  levelDb: number,
  thresholdDb: number,
  slope: number,
  kneeDb: number,
): number {
  const over = levelDb - thresholdDb;
  if (2 * over <= -kneeDb) return 0;
  if (2 * over < kneeDb) {
    const t = over + kneeDb / 2;
    return (slope * t * t) / (2 * kneeDb);
  }
  return slope * over;
}

/** Output level (dB) of the compressor's static curve, without make-up gain (panel, docs). */
export function compressorOutputDb(
  levelDb: number,
  thresholdDb: number,
  ratio: number,
  kneeDb: number,
): number {
  return levelDb - compressorGainReductionDb(levelDb, thresholdDb, 1 - 1 / ratio, kneeDb);
}

/**
 * Attenuation (dB, >= 0) of the downward expander for an input level `levelDb`: 0 at or above
 * the threshold, (T - x)(ratio - 1) below it, never more than `rangeDb`. Allocates nothing.
 */
export function expanderAttenuationDb(
  levelDb: number,
  thresholdDb: number,
  ratio: number,
  rangeDb: number,
): number {
  if (levelDb >= thresholdDb) return 0;
  return Math.min(rangeDb, (thresholdDb - levelDb) * (ratio - 1));
}
