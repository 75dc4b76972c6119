import { openAudioFile, type AudioFileReader } from '../audio/audio-file.ts';
import { LatheError } from '../errors.ts';
import { FileInput } from './file-input.ts';
import type { OfflineInput } from './offline-render.ts';

/** How a track is read into an album: its file, its length at the album's rate, fades and gain. */
export interface TrackSourceSpec {
  /** A stereo (or mono) WAV/AIFF file: the track before the limiter. */
  readonly file: string;
  /** Frames at the album rate: round(file frames x rate / file rate). */
  readonly frames: number;
  readonly fadeInFrames: number;
  readonly fadeOutFrames: number;
  /** dB, applied with the fades. */
  readonly gainDb: number;
}

/**
 * Fade gain at `frame` of a track `frames` long: raised-cosine (half a cosine period) fades, so
 * the gain has no corner at either end of a fade. A fade-in starts at exactly 0 on the track's
 * first frame and reaches 1 after `fadeIn` frames; a fade-out reaches 0 on the frame after the
 * track's last. docs/album-document.md gives the formula to users.
 */
export function fadeGain(frame: number, frames: number, fadeIn: number, fadeOut: number): number {
  let gain = 1;
  if (frame < fadeIn) gain *= 0.5 - 0.5 * Math.cos((Math.PI * frame) / fadeIn);
  const fromEnd = frames - frame;
  if (fromEnd <= fadeOut) gain *= 0.5 - 0.5 * Math.cos((Math.PI * fromEnd) / fadeOut);
  return gain;
}

/**
 * One track as a stereo offline input at the album's rate: streamed from its file (converted by
 * the mastering resampler when the rate differs), exactly `frames` long (the resampler's last
 * few frames are cut or padded with silence), faded and scaled.
 */
export class TrackSource implements OfflineInput {
  readonly spec: TrackSourceSpec;
  private readonly reader: AudioFileReader;
  private readonly input: FileInput;
  private readonly gain: number;
  private position = 0;

  private constructor(spec: TrackSourceSpec, reader: AudioFileReader, rate: number) {
    this.spec = spec;
    this.reader = reader;
    this.input = new FileInput(reader, rate);
    this.gain = Math.pow(10, spec.gainDb / 20);
  }

  static async open(spec: TrackSourceSpec, rate: number): Promise<TrackSource> {
    const reader = await openAudioFile(spec.file, 8192);
    if (reader.format.channelCount > 2) {
      await reader.close();
      throw new LatheError(
        'LATHE_RENDER_FAILED',
        `${spec.file}: has ${reader.format.channelCount} channels; an album track is stereo (or mono)`,
      );
    }
    return new TrackSource(spec, reader, rate);
  }

  /** The track's length at `rate` for a file of `frames` frames at `fileRate`. */
  static framesAt(frames: number, fileRate: number, rate: number): number {
    return Math.round((frames * rate) / fileRate);
  }

  async read(left: Float32Array, right: Float32Array, frames: number): Promise<number> {
    const { frames: length, fadeInFrames, fadeOutFrames } = this.spec;
    const wanted = Math.min(frames, length - this.position);
    if (wanted <= 0) return 0;
    let got = await this.input.read(left, right, wanted);
    if (got === 0) {
      // The resampler delivered a frame or two less than the rounded length: pad with silence.
      left.fill(0, 0, wanted);
      right.fill(0, 0, wanted);
      got = wanted;
    }
    for (let i = 0; i < got; i++) {
      const frame = this.position + i;
      const inFade = frame < fadeInFrames || length - frame <= fadeOutFrames;
      const g = inFade ? this.gain * fadeGain(frame, length, fadeInFrames, fadeOutFrames) : this.gain;
      left[i] = left[i]! * g;
      right[i] = right[i]! * g;
    }
    this.position += got;
    return got;
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
