import { readAudioFile } from '../audio/audio-file.ts';
import { PolyphaseResampler, resampledLength } from '../dsp/polyphase-resampler.ts';
import { resolveMix, resolveMixDocument, type ResolvedMix } from './resolve-mix.ts';
import type { MixDocument } from './mix-document.ts';

/** Whole-buffer rate conversion with the mastering resampler (stems are held in memory anyway). */
export function resampleChannels(channels: Float32Array[], from: number, to: number): Float32Array[] {
  const frames = channels[0]?.length ?? 0;
  const resampler = new PolyphaseResampler({
    inputRate: from,
    outputRate: to,
    channelCount: channels.length,
  });
  const length = resampledLength(frames, from, to);
  const output = channels.map(
    () => new Float32Array(length + resampler.maxFlushFrames + resampler.maxOutputFrames(frames)),
  );
  const written = resampler.process(channels, frames, output);
  const tail = output.map((channel) => channel.subarray(written));
  resampler.flush(tail);
  return output.map((channel) => channel.slice(0, length));
}

/** Reads, checks and loads a mix document with the console's audio file reader and resampler. */
export function loadMixFile(file: string, options: { sampleRate?: number } = {}): Promise<ResolvedMix> {
  return resolveMix(file, readAudioFile, resampleChannels, options);
}

/** `loadMixFile` for a document in memory (`label` names it in errors; stems relative to `folder`). */
export function loadMixDocument(
  doc: MixDocument,
  label: string,
  folder: string,
  options: { sampleRate?: number } = {},
): Promise<ResolvedMix> {
  return resolveMixDocument(doc, label, folder, readAudioFile, resampleChannels, options);
}
