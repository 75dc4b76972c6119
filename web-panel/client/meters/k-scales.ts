/**
 * The K-System scales for drawing (Bob Katz, JAES 48(9), 2000): 0 on K-N sits at -N dB FS RMS
 * (AES17), green below 0, amber from 0 to +4, red above. The engine's engine/meters/k-scale.ts is
 * the definition; the client may not import the engine, so the three numbers are restated here.
 */
export type KScaleName = 'K-20' | 'K-14' | 'K-12';

export const K_SCALE_NAMES: readonly KScaleName[] = ['K-20', 'K-14', 'K-12'];

/** dB FS RMS that reads 0 on the scale. */
export function kReferenceDbfs(name: KScaleName): number {
  return name === 'K-20' ? -20 : name === 'K-14' ? -14 : -12;
}

/** Readings at or above 0 are amber; above +4 red. */
export const K_AMBER_FROM = 0;
export const K_RED_ABOVE = 4;
/** The bar's bottom, in scale units below 0 (the meter's useful range). */
export const K_BOTTOM = -40;

export type KZone = 'green' | 'amber' | 'red';

export function kZone(reading: number): KZone {
  if (reading > K_RED_ABOVE) return 'red';
  if (reading >= K_AMBER_FROM) return 'amber';
  return 'green';
}
