/**
 * Material and independent checks for the loudness-target and album tests: programmes that are
 * short (a few seconds), deterministic, and chosen so the limiter has work at streaming targets;
 * and ffmpeg's `ebur128` read for integrated loudness and true peak together.
 */
import { ffmpegEbur128 } from './reference-meters.ts';
import { musicLike, seededRandom } from './true-peak-signals.ts';

/** Adds snare-like hits: 30 ms noise bursts with a sharp attack, `perSecond` of them, peaking at `peak`. */
function addHits(
  channels: Float32Array[],
  sampleRate: number,
  perSecond: number,
  peak: number,
  seed: number,
): void {
  const random = seededRandom(seed);
  const frames = channels[0]!.length;
  const step = Math.round(sampleRate / perSecond);
  const length = Math.round(0.03 * sampleRate);
  for (let start = Math.round(0.1 * sampleRate); start + length < frames; start += step) {
    let previous = 0;
    for (let i = 0; i < length; i++) {
      const white = random() * 2 - 1;
      const v = ((white + previous) / 2) * peak * Math.exp(-i / (0.006 * sampleRate));
      previous = white;
      channels[0]![start + i] = channels[0]![start + i]! + v;
      channels[1]![start + i] = channels[1]![start + i]! + 0.9 * v;
    }
  }
}

/**
 * "Driven hot": music-like material pushed through a soft clipper, dense and loud (about
 * -4 LUFS, true peak about +1.8 dBTP in float, peak-to-loudness ratio about 6 dB). Landing it on
 * a target means turning it down.
 */
export function hotMaster(sampleRate: number, seconds: number): Float32Array[] {
  const channels = musicLike(sampleRate, seconds, 1, 21);
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) channel[i] = Math.tanh(3 * channel[i]!) * 1.05;
  }
  return channels;
}

/**
 * Transient-rich material (music-like bed with loud snare hits: peak-to-loudness ratio about
 * 23 dB): at -14 LUFS its peaks are far above any ceiling, so the limiter must work hard and the
 * gain search cannot land in one linear step. Scale it to the level wanted.
 */
export function transientMaster(sampleRate: number, seconds: number): Float32Array[] {
  const channels = musicLike(sampleRate, seconds, 0.15, 5);
  addHits(channels, sampleRate, 2, 1, 9);
  return channels;
}

/**
 * Very dynamic: 1.5 s of soft material, 1.5 s of a transient-rich loud section 20 dB above it,
 * then 1.5 s 10 dB below the loud part: large level changes and a peak-to-loudness ratio of
 * about 20 dB.
 */
export function dynamicMaster(sampleRate: number): Float32Array[] {
  const channels = transientMaster(sampleRate, 4.5);
  const soft = Math.round(1.5 * sampleRate);
  const loud = Math.round(3 * sampleRate);
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) {
      channel[i] = channel[i]! * (i < soft ? 0.1 : i < loud ? 1 : 0.32);
    }
  }
  return channels;
}

/** Scales channels (in place) so `measure` reads `lufs`; returns them. */
export function scaleToLufs(
  channels: Float32Array[],
  lufs: number,
  measure: (channels: Float32Array[]) => number,
): Float32Array[] {
  const gain = Math.pow(10, (lufs - measure(channels)) / 20);
  for (const channel of channels) for (let i = 0; i < channel.length; i++) channel[i] = channel[i]! * gain;
  return channels;
}

export interface FfmpegReading {
  /** Integrated loudness, LUFS: the last `lavfi.r128.I` (3 decimals). */
  readonly integrated: number;
  /** True peak, dBTP: the largest `lavfi.r128.true_peak` (linear, 3 decimals; about 0.005 dB at -1 dBTP). */
  readonly truePeakDbtp: number;
}

/**
 * ffmpeg's `ebur128` filter (peak=true) on a file: integrated loudness and true peak from one run,
 * independent of engine/meters. ffmpeg converts anything but 48 kHz to 48 kHz first.
 */
export async function ffmpegReading(path: string): Promise<FfmpegReading> {
  const { values } = await ffmpegEbur128(path, 'true');
  const integrated = values('I').at(-1);
  const peaks = values('true_peak');
  if (integrated === undefined || peaks.length === 0)
    throw new Error(`ffmpeg printed no loudness for ${path}`);
  return { integrated, truePeakDbtp: 20 * Math.log10(Math.max(...peaks)) };
}
