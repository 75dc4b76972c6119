import { readFile, writeFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { LatheError } from '../errors.ts';

export interface DecodedAudio {
  readonly sampleRate: number;
  /** Planar channels, floats in -1..1. */
  readonly channels: Float32Array[];
}

export type WavSampleFormat = '16' | '24' | '32f';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

/**
 * WAV I/O. Chunk parsing (RIFF/RF64 quirks, extensible headers, odd chunk padding) is left to
 * the `wavefile` library; its per-sample pack/unpack is far too slow for multitracks (seconds
 * per stem), so samples are converted here with typed arrays, and the canonical header we write
 * is built directly. Checked against sox in the tests.
 */
export async function readWav(path: string): Promise<DecodedAudio> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new LatheError('LATHE_WAV_INVALID', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return decodeWav(bytes, path);
}

interface ParsedFormat {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
  subformat?: number[];
}

export function decodeWav(bytes: Uint8Array, name = 'WAV data'): DecodedAudio {
  let fmt: ParsedFormat;
  let data: Uint8Array;
  try {
    const wav = new wavefile.WaveFile(bytes);
    fmt = wav.fmt as ParsedFormat;
    data = (wav as unknown as { data: { samples: Uint8Array } }).data.samples;
  } catch (error) {
    throw new LatheError(
      'LATHE_WAV_INVALID',
      `${name} is not a readable WAV file: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const { numChannels: channelCount, sampleRate, bitsPerSample: bits } = fmt;
  const tag = fmt.audioFormat === FORMAT_EXTENSIBLE ? (fmt.subformat?.[0] ?? 0) : fmt.audioFormat;
  const isFloat = tag === FORMAT_FLOAT;
  const supported = isFloat
    ? bits === 32 || bits === 64
    : tag === FORMAT_PCM && [8, 16, 24, 32].includes(bits);
  if (!supported || channelCount < 1 || sampleRate < 1) {
    throw new LatheError(
      'LATHE_WAV_INVALID',
      `${name}: unsupported WAV format (format ${tag}, ${bits} bit, ${channelCount} channels)`,
    );
  }
  const bytesPerSample = bits / 8;
  const frames = Math.floor(data.length / (bytesPerSample * channelCount));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c]!;
    let at = c * bytesPerSample;
    const stride = channelCount * bytesPerSample;
    for (let i = 0; i < frames; i++, at += stride) out[i] = readSample(view, at, bits, isFloat);
  }
  return { sampleRate, channels };
}

function readSample(view: DataView, at: number, bits: number, isFloat: boolean): number {
  if (isFloat) return bits === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (view.getUint8(at) - 128) / 128;
    case 16:
      return view.getInt16(at, true) / 32768;
    case 24:
      return (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
    default:
      return view.getInt32(at, true) / 2147483648;
  }
}

/**
 * The canonical header (RIFF, fmt, fact for float, data) of a WAV with `frames` frames; the sample
 * bytes follow it. On its own for writers that stream long files a block at a time.
 */
export function encodeWavHeader(
  sampleRate: number,
  channelCount: number,
  format: WavSampleFormat,
  frames: number,
): Uint8Array {
  const bits = format === '16' ? 16 : format === '24' ? 24 : 32;
  const isFloat = format === '32f';
  const blockAlign = (bits / 8) * channelCount;
  const dataBytes = frames * blockAlign;
  const fmtBytes = isFloat ? 18 : 16;
  const header = new Uint8Array(12 + 8 + fmtBytes + (isFloat ? 12 : 0) + 8);
  const view = new DataView(header.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, header.length - 8 + dataBytes + (dataBytes & 1), true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, isFloat ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  let at = 36;
  if (isFloat) {
    view.setUint16(at, 0, true);
    at += 2;
    ascii(at, 'fact');
    view.setUint32(at + 4, 4, true);
    view.setUint32(at + 8, frames, true);
    at += 12;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, dataBytes, true);
  return header;
}

/** Encodes planar audio as a canonical WAV (PCM 16/24 bit or IEEE float 32); PCM clips at full scale. */
export function encodeWav(audio: DecodedAudio, format: WavSampleFormat = '32f'): Uint8Array {
  const channelCount = audio.channels.length;
  const frames = audio.channels[0]?.length ?? 0;
  const bits = format === '16' ? 16 : format === '24' ? 24 : 32;
  const isFloat = format === '32f';
  const header = encodeWavHeader(audio.sampleRate, channelCount, format, frames);
  const dataBytes = frames * (bits / 8) * channelCount;
  const out = new Uint8Array(header.length + dataBytes + (dataBytes & 1));
  out.set(header);
  const view = new DataView(out.buffer);
  let at = header.length;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++, at += bits / 8) {
      const x = audio.channels[c]![i]!;
      if (isFloat) {
        view.setFloat32(at, x, true);
      } else if (bits === 16) {
        view.setInt16(at, Math.round(Math.max(-1, Math.min(1, x)) * 32767), true);
      } else {
        const v = Math.round(Math.max(-1, Math.min(1, x)) * 8388607);
        view.setUint8(at, v & 0xff);
        view.setUint8(at + 1, (v >> 8) & 0xff);
        view.setUint8(at + 2, (v >> 16) & 0xff);
      }
    }
  }
  return out;
}

export async function writeWav(
  path: string,
  audio: DecodedAudio,
  format: WavSampleFormat = '32f',
): Promise<void> {
  await writeFile(path, encodeWav(audio, format));
}
