/** CUE sheets (and CDs) count time in frames of 1/75 s. */
export const CUE_FRAMES_PER_SECOND = 75;

export interface TimelineTrack {
  /** First frame of the track in the album file. */
  readonly start: number;
  readonly frames: number;
  /** Where the silence before it starts (the previous track's end); equal to `start` without a gap. */
  readonly gapStart: number;
}

export interface AlbumTimeline {
  readonly tracks: readonly TimelineTrack[];
  /** Length of the album file, frames. */
  readonly frames: number;
}

/**
 * Where each track sits in the continuous album file. Tracks follow each other in order; a gap
 * is silence of at least the asked length, lengthened (by less than 1/75 s) so the next track
 * starts exactly on a CUE frame and its INDEX 01 is exact. Without a gap the tracks abut sample
 * for sample (gapless albums must not get a sliver of silence), and the CUE time is the nearest
 * frame.
 */
export function albumTimeline(
  trackFrames: readonly number[],
  gapSecondsBefore: readonly number[],
  sampleRate: number,
): AlbumTimeline {
  const tracks: TimelineTrack[] = [];
  let end = 0;
  trackFrames.forEach((frames, t) => {
    const gap = t === 0 ? 0 : Math.round((gapSecondsBefore[t] ?? 0) * sampleRate);
    let start = end;
    if (gap > 0) {
      const cueFrame = Math.ceil(((end + gap) * CUE_FRAMES_PER_SECOND) / sampleRate - 1e-9);
      start = Math.ceil((cueFrame * sampleRate) / CUE_FRAMES_PER_SECOND - 1e-9);
    }
    tracks.push({ start, frames, gapStart: end });
    end = start + frames;
  });
  return { tracks, frames: end };
}
