import { readFile, writeFile } from 'node:fs/promises';
import wavefile from 'wavefile';
import { LatheError } from '../errors.ts';
import type { AudioDataLayout, ByteSource } from './audio-file.ts';

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
        // x 2^15, rounded, clamped: the exact inverse of the readers' / 2^15, so a quantised
        // (dithered) value is written unchanged.
        view.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(x * 32768))), true);
      } else {
        const v = Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
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

/** A 32-bit RIFF size of all ones: "unknown" (streamed writers, RF64 placeholders). */
const SIZE_UNKNOWN = 0xffffffff;
/** No sane `fmt ` or `ds64` chunk is bigger. */
const MAX_HEADER_CHUNK = 4096;
/** Chunks walked before giving up on `data`: bounds the header scan of a hostile file. */
const MAX_CHUNKS = 1024;

/** Names of the compressed WAVE format tags people meet, for the error message. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'u-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x00ff: 'AAC',
  0x2000: 'AC-3',
  0xf1ac: 'FLAC',
};

function chunkId(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

/**
 * Parses a WAV header (RIFF/WAVE, RF64/WAVE and BW64/WAVE with their ds64 sizes; `fmt ` plain
 * or WAVE_FORMAT_EXTENSIBLE) and locates the samples, reading only chunk headers. For
 * openAudioFile (audio-file.ts); the whole-file readWav/decodeWav above keep their wavefile path.
 *
 * Supported: PCM in 1..4-byte containers (8-bit unsigned, 16/24/32 signed, any valid bit count
 * that fits, e.g. 20 in 24) and IEEE float 32/64, any channel count. Compressed tags are
 * LATHE_AUDIO_FORMAT_UNSUPPORTED.
 *
 * Sizes: a data size of 0xFFFFFFFF (no ds64), or 0 followed by something that is not a chunk, is
 * what a writer leaves when it streams to a pipe or dies before patching the header: the data is
 * taken to run to the end of the file. A real size larger than what the file holds means the file
 * was cut short: LATHE_AUDIO_FILE_INVALID ("truncated"), not a silently shorter render.
 */
export async function readWavLayout(source: ByteSource): Promise<AudioDataLayout> {
  const { name, size } = source;
  const invalid = (message: string): LatheError =>
    new LatheError('LATHE_AUDIO_FILE_INVALID', `${name}: ${message}`);
  const head = await source.read(0, 12);
  const riff = chunkId(head, 0);
  if ((riff !== 'RIFF' && riff !== 'RF64' && riff !== 'BW64') || chunkId(head, 8) !== 'WAVE') {
    throw invalid('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: Uint8Array | undefined;
  let ds64DataSize: number | undefined;
  let position = 12;
  for (let chunks = 0; chunks < MAX_CHUNKS && position + 8 <= size; chunks++) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const id = chunkId(header, 0);
    const chunkSize = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    const body = position + 8;
    if (id === 'fmt ' || id === 'ds64') {
      if (chunkSize > MAX_HEADER_CHUNK) throw invalid(`\`${id}\` chunk of ${chunkSize} bytes`);
      const bytes = await source.read(body, chunkSize);
      if (bytes.length < chunkSize) throw invalid(`truncated: the file ends inside the \`${id}\` chunk`);
      if (id === 'fmt ') {
        fmt = bytes;
      } else if (bytes.length >= 16) {
        ds64DataSize = Number(new DataView(bytes.buffer, bytes.byteOffset, 16).getBigUint64(8, true));
      }
    } else if (id === 'data') {
      if (fmt === undefined) throw invalid('`data` chunk before any `fmt ` chunk');
      const available = size - body;
      let dataBytes = chunkSize;
      if (chunkSize === SIZE_UNKNOWN && ds64DataSize !== undefined) dataBytes = ds64DataSize;
      else if (chunkSize === SIZE_UNKNOWN) dataBytes = available;
      else if (chunkSize === 0 && available > 0) {
        const next = await source.read(body, 4);
        const looksLikeChunk = next.length === 4 && next.every((c) => c >= 0x20 && c <= 0x7e);
        if (!looksLikeChunk) dataBytes = available;
      }
      if (dataBytes > available) {
        throw invalid(
          `truncated: the data chunk declares ${dataBytes} bytes but the file holds only ${available}`,
        );
      }
      return wavLayout(
        fmt,
        riff === 'RIFF' ? 'wav' : riff === 'RF64' ? 'rf64' : 'bw64',
        body,
        dataBytes,
        name,
      );
    }
    if (chunkSize === SIZE_UNKNOWN) break;
    position = body + chunkSize + (chunkSize & 1);
  }
  throw invalid(fmt === undefined ? 'no `fmt ` chunk' : 'no `data` chunk');
}

function wavLayout(
  fmt: Uint8Array,
  container: 'wav' | 'rf64' | 'bw64',
  dataOffset: number,
  dataBytes: number,
  name: string,
): AudioDataLayout {
  const invalid = (message: string): LatheError =>
    new LatheError('LATHE_AUDIO_FILE_INVALID', `${name}: ${message}`);
  if (fmt.length < 16) throw invalid('`fmt ` chunk too short');
  const view = new DataView(fmt.buffer, fmt.byteOffset, fmt.byteLength);
  const formatTag = view.getUint16(0, true);
  const channelCount = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bits = view.getUint16(14, true);
  let tag = formatTag;
  let validBits = bits;
  if (formatTag === FORMAT_EXTENSIBLE) {
    // cbSize, valid bits, channel mask, then the SubFormat GUID whose first two bytes are the tag.
    if (fmt.length < 40) throw invalid('WAVE_FORMAT_EXTENSIBLE `fmt ` chunk too short');
    validBits = view.getUint16(18, true) || bits;
    tag = view.getUint16(24, true);
  }
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    const known = FORMAT_NAMES[tag];
    throw new LatheError(
      'LATHE_AUDIO_FORMAT_UNSUPPORTED',
      `${name}: unsupported WAV encoding, format tag 0x${tag.toString(16).padStart(4, '0')}${known === undefined ? '' : ` (${known})`}; only PCM and IEEE float are read`,
    );
  }
  if (channelCount < 1) throw invalid('`fmt ` declares 0 channels');
  if (sampleRate < 1) throw invalid('`fmt ` declares a sample rate of 0 Hz');
  const bytesPerSample = blockAlign / channelCount;
  const isFloat = tag === FORMAT_FLOAT;
  const fits = isFloat
    ? (bits === 32 || bits === 64) && bytesPerSample === bits / 8
    : Number.isInteger(bytesPerSample) &&
      bytesPerSample >= 1 &&
      bytesPerSample <= 4 &&
      bits <= bytesPerSample * 8 &&
      bits >= 1;
  if (!fits) {
    throw new LatheError(
      'LATHE_AUDIO_FORMAT_UNSUPPORTED',
      `${name}: unsupported WAV sample layout (${isFloat ? 'float' : 'PCM'}, ${bits} bits, block align ${blockAlign} for ${channelCount} channels)`,
    );
  }
  return {
    container,
    sampleRate,
    channelCount,
    frames: Math.floor(dataBytes / blockAlign),
    bitDepth: Math.min(validBits, bits),
    bytesPerSample,
    encoding: isFloat ? 'float' : 'pcm',
    littleEndian: true,
    unsignedBytes: bytesPerSample === 1,
    dataOffset,
    codec: formatTag === FORMAT_EXTENSIBLE ? 'WAVE_FORMAT_EXTENSIBLE' : isFloat ? 'IEEE float' : 'PCM',
  };
}
