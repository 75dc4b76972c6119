export const FADER_MAX_DB = 6;
export const FADER_SMOOTHING_MS = 20;
export const PAN_SMOOTHING_MS = 20;
/** Mute ramps linearly over this time so it never clicks. */
export const MUTE_RAMP_MS = 5;

export function stripName(strip: number): string {
  return `strip/${String(strip + 1).padStart(2, '0')}`;
}
