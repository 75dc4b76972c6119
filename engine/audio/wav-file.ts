import { readFile, writeFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { LatheError } from '../errors.ts';

export interface DecodedAudio {
  readonly sampleRate: number;
  /** Planar channels, floats in -1..1. */
  readonly channels: Float32Array[];
}

export type WavSampleFormat = '16' | '24' | '32f';

/**
 * Decodes a WAV file (PCM 8-32 bit or IEEE float) with the `wavefile` library, which handles
 * the format zoo (extensible headers, 24-bit packing) that a hand-written reader gets wrong.
 */
export async function readWav(path: string): Promise<DecodedAudio> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new LatheError('LATHE_WAV_INVALID', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return decodeWav(bytes, path);
}

export function decodeWav(bytes: Uint8Array, name = 'WAV data'): DecodedAudio {
  try {
    const wav = new wavefile.WaveFile(bytes);
    const fmt = wav.fmt as { sampleRate: number; numChannels: number };
    if (wav.bitDepth !== '32f') wav.toBitDepth('32f');
    const samples = wav.getSamples(false, Float32Array) as unknown as Float32Array[] | Float32Array;
    const channels = fmt.numChannels === 1 ? [samples as Float32Array] : (samples as Float32Array[]);
    return { sampleRate: fmt.sampleRate, channels: channels.map((c) => Float32Array.from(c)) };
  } catch (error) {
    throw new LatheError('LATHE_WAV_INVALID', `${name} is not a readable WAV file: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function encodeWav(audio: DecodedAudio, format: WavSampleFormat = '32f'): Uint8Array {
  const wav = new wavefile.WaveFile();
  const data = audio.channels.map((c) => Float64Array.from(c));
  wav.fromScratch(audio.channels.length, audio.sampleRate, '32f', data);
  if (format !== '32f') wav.toBitDepth(format);
  return wav.toBuffer();
}

export async function writeWav(path: string, audio: DecodedAudio, format: WavSampleFormat = '32f'): Promise<void> {
  await writeFile(path, encodeWav(audio, format));
}
