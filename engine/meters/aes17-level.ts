/**
 * RMS level in dBFS as AES17 defines it: relative to the RMS of a full-scale sine, so a sine whose
 * peaks touch full scale reads 0 dB FS RMS, and a full-scale square wave +3.01 dB. (A plain
 * 20 log10(rms) would read the same sine at -3.01 dB.) The K-System scales, the stereo-image
 * meter and the spectrum's noise levels all use this reference.
 */

/** Mean square of a sine with peak amplitude 1. */
export const FULL_SCALE_SINE_MEAN_SQUARE = 0.5;

/** Mean square -> dB FS RMS (AES17); 0 gives -Infinity. Allocates nothing. */
export function meanSquareToDbfs(meanSquare: number): number {
  return 10 * Math.log10(meanSquare / FULL_SCALE_SINE_MEAN_SQUARE);
}

/** dB FS RMS (AES17) -> mean square. */
export function dbfsToMeanSquare(dbfs: number): number {
  return FULL_SCALE_SINE_MEAN_SQUARE * Math.pow(10, dbfs / 10);
}
