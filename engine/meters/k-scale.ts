/**
 * The K-System meter scales K-20, K-14 and K-12 as data and pure functions: what a reading means,
 * not how it is measured (KSystemMeter measures; this maps its dB FS RMS to the scale).
 *
 * Source: Bob Katz, "An Integrated Approach to Metering, Monitoring, and Leveling Practices,
 * Part 1: Two-Channel Metering", J. Audio Eng. Soc. 48(9), 800-809 (2000), and his "Mastering
 * Audio" (2nd ed., 2007), chapter on the K-System:
 * - 0 on the K-N scale sits at -N dB FS RMS, with RMS referenced to a full-scale sine (AES17: a
 *   full-scale sine is 0 dB FS RMS), so K-20 has 20 dB of headroom above 0, K-14 14 dB, K-12 12 dB;
 * - the averaging section is flat (unweighted) RMS with VU-like ballistics (see KSystemMeter for
 *   the numbers chosen), and the scale is coloured green below 0, amber from 0 to +4 and red
 *   above +4 (the "loud" zone);
 * - K-20 for wide-range music and film, K-14 for most popular music, K-12 for broadcast.
 * The same scale carries the peak section, so a peak reads N + dB FS on K-N (0 dB FS = +N).
 */

export type KScaleName = 'K-20' | 'K-14' | 'K-12';

export interface KScale {
  readonly name: KScaleName;
  /** dB FS RMS (AES17) that reads 0 on this scale. */
  readonly referenceDbfs: number;
  /** Reading at digital full scale: the scale's headroom above 0. */
  readonly topReading: number;
}

export const K_SCALES: readonly KScale[] = [
  { name: 'K-20', referenceDbfs: -20, topReading: 20 },
  { name: 'K-14', referenceDbfs: -14, topReading: 14 },
  { name: 'K-12', referenceDbfs: -12, topReading: 12 },
];

/** Looks a scale up by name ('K-20', 'K-14', 'K-12'). */
export function kScale(name: KScaleName): KScale {
  const scale = K_SCALES.find((candidate) => candidate.name === name);
  if (scale === undefined) throw new RangeError(`unknown K scale ${name}`);
  return scale;
}

/** Zone colours, lowest first. */
export type KZone = 'green' | 'amber' | 'red';

/** Readings at or above this (0 on the scale) are amber. */
export const K_AMBER_FROM = 0;
/** Readings above this (+4 on the scale) are red; +4 itself is still amber. */
export const K_RED_ABOVE = 4;

/** dB FS RMS (AES17) or dB FS peak -> reading on `scale`. Allocates nothing. */
export function kReading(scale: KScale, dbfs: number): number {
  return dbfs - scale.referenceDbfs;
}

/** Reading on a K scale -> dB FS. */
export function kReadingToDbfs(scale: KScale, reading: number): number {
  return reading + scale.referenceDbfs;
}

/** Zone of a reading (any K scale: the zones are defined on the scale, not in dB FS). */
export function kZone(reading: number): KZone {
  if (reading > K_RED_ABOVE) return 'red';
  if (reading >= K_AMBER_FROM) return 'amber';
  return 'green';
}

/** Where the zones start on `scale`, in dB FS RMS, for drawing the scale once. */
export function kZoneBoundsDbfs(scale: KScale): {
  readonly amberFromDbfs: number;
  readonly redAboveDbfs: number;
} {
  return {
    amberFromDbfs: kReadingToDbfs(scale, K_AMBER_FROM),
    redAboveDbfs: kReadingToDbfs(scale, K_RED_ABOVE),
  };
}
