import { LoudnessMeter, type LoudnessMeterOptions } from './loudness-meter.ts';

export interface LoudnessMeasurement {
  /** Integrated loudness, LUFS (-Infinity if everything is gated out). */
  readonly integrated: number;
  /** Loudness range, LU (-Infinity for programmes shorter than 3 s). */
  readonly range: number;
  readonly maxMomentary: number;
  readonly maxShortTerm: number;
}

export interface MeasureLoudnessOptions extends LoudnessMeterOptions {
  /**
   * Silence appended before the final loudness range, seconds. Default 1.5 (Tech 3342 §3.1,
   * file-based meters); 0 reproduces meters that do not pad (ffmpeg ebur128, libebur128).
   */
  readonly rangeTailSeconds?: number;
}

/** Frames per `process` call: a bounded working set, as a live meter would see. */
const CHUNK_FRAMES = 65536;
/** Tech 3342 §3.1, file-based meters: append at least 1.5 s of silence before the final LRA. */
const DEFAULT_RANGE_TAIL_SECONDS = 1.5;

/**
 * Offline measurement of a whole buffer with the live meter's code. Integrated loudness and the
 * maxima are read at the programme's end. The loudness range is read after 1.5 s of appended
 * silence, as Tech 3342 asks of file meters: that lets the short-term windows reaching the
 * programme's last 1.5 s count (a live meter sees them as the programme continues). The
 * padding changes short programmes noticeably (official case 12, 10 s: 1.19 LU padded, 0.46
 * unpadded, as ffmpeg reads it) and long ones little. The
 * silence is not allowed to touch the other readings: BS.1770 discards incomplete final
 * blocks, and padding would add blocks partly outside the programme.
 */
export function measureLoudness(
  audio: { readonly sampleRate: number; readonly channels: readonly Float32Array[] },
  options: MeasureLoudnessOptions = {},
): LoudnessMeasurement {
  const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length, options);
  const frames = Math.min(...audio.channels.map((channel) => channel.length));
  for (let start = 0; start < frames; start += CHUNK_FRAMES) {
    const end = Math.min(frames, start + CHUNK_FRAMES);
    meter.process(
      audio.channels.map((channel) => channel.subarray(start, end)),
      end - start,
    );
  }
  const integrated = meter.integrated();
  const maxMomentary = meter.maxMomentary();
  const maxShortTerm = meter.maxShortTerm();
  const tail = new Float32Array(
    Math.round((options.rangeTailSeconds ?? DEFAULT_RANGE_TAIL_SECONDS) * audio.sampleRate),
  );
  meter.process(
    audio.channels.map(() => tail),
    tail.length,
  );
  return { integrated, range: meter.loudnessRange(), maxMomentary, maxShortTerm };
}
