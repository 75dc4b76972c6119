import type { AlbumTimeline } from './album-timeline.ts';
import type { OfflineInput } from './offline-render.ts';
import { TrackSource, type TrackSourceSpec } from './track-source.ts';

/**
 * A whole album as one stereo offline input at the album's rate: each track streamed from its
 * file (faded, at its gain), silence in the gaps, in timeline order. One track file is open at
 * a time, so memory does not grow with the album.
 */
export class AlbumInput implements OfflineInput {
  private readonly specs: readonly TrackSourceSpec[];
  private readonly timeline: AlbumTimeline;
  private readonly sampleRate: number;
  private position = 0;
  private trackIndex = 0;
  private current: TrackSource | null = null;

  constructor(specs: readonly TrackSourceSpec[], timeline: AlbumTimeline, sampleRate: number) {
    this.specs = specs;
    this.timeline = timeline;
    this.sampleRate = sampleRate;
  }

  async read(left: Float32Array, right: Float32Array, frames: number): Promise<number> {
    const track = this.timeline.tracks[this.trackIndex];
    if (track === undefined) return 0;
    if (this.position < track.start) {
      // The gap before the track.
      const count = Math.min(frames, track.start - this.position);
      left.fill(0, 0, count);
      right.fill(0, 0, count);
      this.position += count;
      return count;
    }
    this.current ??= await TrackSource.open(this.specs[this.trackIndex]!, this.sampleRate);
    const got = await this.current.read(
      left,
      right,
      Math.min(frames, track.start + track.frames - this.position),
    );
    this.position += got;
    if (got === 0 || this.position >= track.start + track.frames) {
      await this.close();
      this.trackIndex++;
      if (got === 0) return this.read(left, right, frames);
    }
    return got;
  }

  /** Closes the track file being read, if any (also after a failure). */
  async close(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.close();
  }
}
