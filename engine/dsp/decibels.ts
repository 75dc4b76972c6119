/** Level below which a gain in dB is treated as silence (the fader's "-inf"). */
export const SILENCE_DB = -144;

/** dB -> linear gain; SILENCE_DB and below give exactly 0. Audio thread: allocates nothing. */
export function dbToGain(db: number): number {
  return db <= SILENCE_DB ? 0 : Math.pow(10, db / 20);
}

/** Linear gain -> dB, floored at SILENCE_DB. Allocates nothing. */
export function gainToDb(gain: number): number {
  const magnitude = Math.abs(gain);
  if (magnitude <= 0) return SILENCE_DB;
  return Math.max(SILENCE_DB, 20 * Math.log10(magnitude));
}
