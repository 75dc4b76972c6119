import { CUE_FRAMES_PER_SECOND } from './album-timeline.ts';

/** The CUE frame (1/75 s) of an album frame: the nearest one, or the first at or after it. */
export function cueFrame(frame: number, sampleRate: number, rounding: 'nearest' | 'up' = 'nearest'): number {
  const exact = (frame * CUE_FRAMES_PER_SECOND) / sampleRate;
  return rounding === 'nearest' ? Math.round(exact) : Math.ceil(exact - 1e-9);
}

/** `mm:ss:ff` (75 frames per second) of a CUE frame count. */
export function cueTime(total: number): string {
  const minutes = Math.floor(total / (60 * CUE_FRAMES_PER_SECOND));
  const seconds = Math.floor(total / CUE_FRAMES_PER_SECOND) % 60;
  const frames = total % CUE_FRAMES_PER_SECOND;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(minutes)}:${two(seconds)}:${two(frames)}`;
}

export interface CueTrack {
  readonly title: string;
  readonly performer?: string;
  readonly start: number;
  /**
   * Start of the silence before the track. INDEX 00 goes on the first CUE frame at or after it
   * (never inside the previous track), and only if that is before INDEX 01.
   */
  readonly gapStart: number;
}

/**
 * A CUE sheet for one album WAV file: TITLE/PERFORMER, then per track INDEX 00 at the start of
 * the gap before it (when there is one) and INDEX 01 where it starts. Text is written as given
 * (the album document refuses quotes and control characters); lines end in CR LF, as most
 * burning tools write them.
 */
export function cueSheet(options: {
  readonly file: string;
  readonly sampleRate: number;
  readonly title?: string;
  readonly performer?: string;
  readonly tracks: readonly CueTrack[];
}): string {
  const lines = ['REM COMMENT "Lathe"'];
  if (options.performer !== undefined) lines.push(`PERFORMER "${options.performer}"`);
  if (options.title !== undefined) lines.push(`TITLE "${options.title}"`);
  lines.push(`FILE "${options.file}" WAVE`);
  options.tracks.forEach((track, t) => {
    lines.push(`  TRACK ${String(t + 1).padStart(2, '0')} AUDIO`);
    lines.push(`    TITLE "${track.title}"`);
    if (track.performer !== undefined) lines.push(`    PERFORMER "${track.performer}"`);
    const index01 = cueFrame(track.start, options.sampleRate);
    const index00 = cueFrame(track.gapStart, options.sampleRate, 'up');
    if (index00 < index01) lines.push(`    INDEX 00 ${cueTime(index00)}`);
    lines.push(`    INDEX 01 ${cueTime(index01)}`);
  });
  return lines.join('\r\n') + '\r\n';
}
