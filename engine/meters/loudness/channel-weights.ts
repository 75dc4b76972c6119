/**
 * BS.1770 channel weights G_i by channel count, for the layouts the console carries.
 *
 * - 1 channel: mono, weight 1 (one channel, not dual mono: a mono tone reads 3 LU below the
 *   same tone on both channels of a stereo file, as BS.1770 and libebur128 do).
 * - 2: L R (1, 1).
 * - 3: L R C (1, 1, 1).
 * - 4: L R Ls Rs (1, 1, 1.41, 1.41), libebur128's default for 4 channels.
 * - 5: L R C Ls Rs (1, 1, 1, 1.41, 1.41).
 * - 6: L R C LFE Ls Rs, LFE excluded (Tech 3341 §2.10).
 * - 7 or more: the 5.1 order for the first six, then weight 1 for the rest: in 7.1 those are
 *   the back surrounds at about ±135..150°, which BS.1770-5's positional rule (1.41 only for
 *   60°..120° azimuth) weights 1.0. Pass explicit weights for any other layout.
 */
export function defaultChannelWeights(channelCount: number): Float64Array {
  const w = new Float64Array(Math.max(0, channelCount)).fill(1);
  if (channelCount === 4) {
    w[2] = 1.41;
    w[3] = 1.41;
  } else if (channelCount === 5) {
    w[3] = 1.41;
    w[4] = 1.41;
  } else if (channelCount >= 6) {
    w[3] = 0;
    w[4] = 1.41;
    w[5] = 1.41;
  }
  return w;
}
