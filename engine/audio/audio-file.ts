import { open, type FileHandle } from 'node:fs/promises';
import { PcmDecodeKernel } from '../wasm/pcm-decode-kernel.ts';
import { LatheError } from '../errors.ts';
import { readAiffLayout } from './aiff-file.ts';
import { readWavLayout, type DecodedAudio } from './wav-file.ts';

/** Random access to a file's bytes for the header parsers; `read` returns fewer bytes at the end. */
export interface ByteSource {
  /** The file's path, for error messages. */
  readonly name: string;
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

export type AudioContainer = 'wav' | 'rf64' | 'bw64' | 'aiff' | 'aifc';

/** Where a file's samples are and how they are stored: what a header parser hands the reader. */
export interface AudioDataLayout {
  readonly container: AudioContainer;
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly frames: number;
  /** Significant bits (e.g. 20 in a 24-bit container); 32 or 64 for float. */
  readonly bitDepth: number;
  /** Container bytes per sample: 1..4 for PCM, 4 or 8 for float. */
  readonly bytesPerSample: number;
  readonly encoding: 'pcm' | 'float';
  readonly littleEndian: boolean;
  /** 8-bit samples stored offset-binary (WAV, AIFF-C 'raw '); AIFF's own 8-bit is signed. */
  readonly unsignedBytes: boolean;
  /** Byte offset of the first sample frame. */
  readonly dataOffset: number;
  /** The format tag or AIFF-C compression type as the file names it ('PCM', 'sowt', 'fl32', ...). */
  readonly codec: string;
}

/** What openAudioFile reports about a file. */
export type AudioFileFormat = Omit<AudioDataLayout, 'dataOffset' | 'littleEndian' | 'unsignedBytes'>;

/** A whole decoded file: planar float channels (-1..1 for PCM) and its format. */
export interface AudioFile extends DecodedAudio {
  readonly format: AudioFileFormat;
}

/** Signatures of files that are not WAV or AIFF, so the error can say what the file is. */
const SIGNATURES: readonly { bytes: readonly number[]; what: string; audio: boolean }[] = [
  { bytes: [0x66, 0x4c, 0x61, 0x43], what: 'FLAC', audio: true },
  { bytes: [0x4f, 0x67, 0x67, 0x53], what: 'Ogg (Vorbis/Opus/FLAC)', audio: true },
  { bytes: [0x49, 0x44, 0x33], what: 'MP3 (ID3 tag)', audio: true },
  { bytes: [0x63, 0x61, 0x66, 0x66], what: 'Core Audio Format (CAF)', audio: true },
  { bytes: [0x2e, 0x73, 0x6e, 0x64], what: 'Sun/NeXT audio (.au)', audio: true },
  { bytes: [0x77, 0x76, 0x70, 0x6b], what: 'WavPack', audio: true },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', audio: false },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', audio: false },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', audio: false },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive', audio: false },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive', audio: false },
];

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

/** Why `head` (the file's first bytes) is neither WAV nor AIFF, as an error. */
function notAudio(name: string, head: Uint8Array): LatheError {
  for (const { bytes, what, audio } of SIGNATURES) {
    if (bytes.every((b, i) => head[i] === b)) {
      return audio
        ? new LatheError(
            'LATHE_AUDIO_FORMAT_UNSUPPORTED',
            `${name}: ${what} files are not supported; convert to WAV or AIFF`,
          )
        : new LatheError('LATHE_AUDIO_FILE_INVALID', `${name}: not an audio file (looks like ${what})`);
    }
  }
  // MPEG audio frame sync without a tag.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) {
    return new LatheError(
      'LATHE_AUDIO_FORMAT_UNSUPPORTED',
      `${name}: MPEG audio (MP3) files are not supported; convert to WAV or AIFF`,
    );
  }
  if (ascii(head, 0) === 'RIFF' || ascii(head, 0) === 'FORM') {
    return new LatheError(
      'LATHE_AUDIO_FILE_INVALID',
      `${name}: a ${ascii(head, 0)} file of type '${ascii(head, 8)}', not WAVE or AIFF audio`,
    );
  }
  const text = head.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f));
  return new LatheError(
    'LATHE_AUDIO_FILE_INVALID',
    `${name}: not an audio file (${text ? 'looks like text' : 'no WAV (RIFF/RF64) or AIFF (FORM) header'})`,
  );
}

function unreadable(name: string, error: unknown): LatheError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
  return new LatheError('LATHE_AUDIO_FILE_UNREADABLE', `${name}: cannot read: ${reason}`, { cause: error });
}

/**
 * Streaming reader for WAV (RIFF, RF64, BW64; PCM 8..32-bit, float 32/64, extensible) and AIFF /
 * AIFF-C (PCM big- or little-endian, float 32/64), chosen by content, not by file name. Reads
 * only headers at open, then the samples block by block as planar float32 (PCM scaled by
 * 2^-(container bits - 1), so every integer code maps exactly). Memory is one block.
 *
 * Every failure is one LatheError naming the file: LATHE_AUDIO_FILE_UNREADABLE (missing,
 * permissions, a directory, I/O error), LATHE_AUDIO_FILE_INVALID (empty, not audio, damaged or
 * truncated headers, data shorter than declared), LATHE_AUDIO_FORMAT_UNSUPPORTED (compressed
 * encodings, other audio containers).
 */
export class AudioFileReader {
  readonly path: string;
  readonly format: AudioFileFormat;
  private readonly file: FileHandle;
  private readonly layout: AudioDataLayout;
  private readonly blockAlign: number;
  private readonly buffer: Uint8Array;
  /** Little-endian 16- and 24-bit PCM (most files): decoded by a WebAssembly kernel ... */
  private readonly kernel: PcmDecodeKernel | null;
  /** ... every other encoding by decodeFrames, through this view of `buffer`. */
  private readonly view: DataView | null;
  private framesRead = 0;
  private closed = false;

  private constructor(path: string, file: FileHandle, layout: AudioDataLayout, blockFrames: number) {
    this.path = path;
    this.file = file;
    this.layout = layout;
    this.format = {
      container: layout.container,
      sampleRate: layout.sampleRate,
      channelCount: layout.channelCount,
      frames: layout.frames,
      bitDepth: layout.bitDepth,
      bytesPerSample: layout.bytesPerSample,
      encoding: layout.encoding,
      codec: layout.codec,
    };
    this.blockAlign = layout.bytesPerSample * layout.channelCount;
    const bytes = this.blockAlign * blockFrames;
    if (PcmDecodeKernel.decodes(layout.encoding, layout.bytesPerSample, layout.littleEndian)) {
      this.kernel = new PcmDecodeKernel(layout.channelCount, layout.bytesPerSample, blockFrames);
      this.buffer = this.kernel.bytes;
      this.view = null;
    } else {
      this.kernel = null;
      this.buffer = new Uint8Array(bytes);
      this.view = new DataView(this.buffer.buffer);
    }
  }

  /** Opens `path` and parses its header. */
  static async open(path: string, blockFrames = 65536): Promise<AudioFileReader> {
    let file: FileHandle;
    let size: number;
    try {
      file = await open(path, 'r');
    } catch (error) {
      throw unreadable(path, error);
    }
    try {
      try {
        const stat = await file.stat();
        if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        size = stat.size;
      } catch (error) {
        throw unreadable(path, error);
      }
      const source: ByteSource = {
        name: path,
        size,
        read: async (position, length) => {
          try {
            return await readAt(file, position, Math.max(0, Math.min(length, size - position)));
          } catch (error) {
            throw unreadable(path, error);
          }
        },
      };
      if (size === 0) throw new LatheError('LATHE_AUDIO_FILE_INVALID', `${path}: empty file (0 bytes)`);
      const head = await source.read(0, 12);
      const kind = ascii(head, 0);
      const form = ascii(head, 8);
      let layout: AudioDataLayout;
      if ((kind === 'RIFF' || kind === 'RF64' || kind === 'BW64') && form === 'WAVE') {
        layout = await readWavLayout(source);
      } else if (kind === 'FORM' && (form === 'AIFF' || form === 'AIFC')) {
        layout = await readAiffLayout(source);
      } else if (size < 12 && !SIGNATURES.some(({ bytes }) => bytes.every((b, i) => head[i] === b))) {
        throw new LatheError('LATHE_AUDIO_FILE_INVALID', `${path}: not an audio file (only ${size} bytes)`);
      } else {
        throw notAudio(path, head);
      }
      return new AudioFileReader(path, file, layout, Math.max(1, Math.floor(blockFrames)));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Frames that `read` hands out per call at most. */
  get blockFrames(): number {
    return this.buffer.length / this.blockAlign;
  }

  /** Frames not read yet. */
  get framesLeft(): number {
    return this.layout.frames - this.framesRead;
  }

  /**
   * Decodes the next frames (at most blockFrames) into `channels[c][offset ...]`; resolves with
   * how many, 0 at the end. A file that turns out shorter than its header said rejects with
   * LATHE_AUDIO_FILE_INVALID.
   */
  async read(channels: readonly Float32Array[], offset = 0): Promise<number> {
    const wanted = Math.min(this.blockFrames, this.layout.frames - this.framesRead);
    if (wanted <= 0) return 0;
    const bytes = wanted * this.blockAlign;
    let got: Uint8Array;
    try {
      got = await readAt(
        this.file,
        this.layout.dataOffset + this.framesRead * this.blockAlign,
        bytes,
        this.buffer,
      );
    } catch (error) {
      throw unreadable(this.path, error);
    }
    if (got.length < bytes) {
      throw new LatheError(
        'LATHE_AUDIO_FILE_INVALID',
        `${this.path}: truncated: the file ended ${this.layout.frames - this.framesRead - Math.floor(got.length / this.blockAlign)} frames early (did it change while being read?)`,
      );
    }
    if (this.kernel !== null) this.kernel.decode(channels, offset, wanted);
    else decodeFrames(this.view!, this.layout, channels, offset, wanted);
    this.framesRead += wanted;
    return wanted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}

/** Opens a WAV/RF64/AIFF/AIFF-C file for block-by-block reading; see AudioFileReader. */
export function openAudioFile(path: string, blockFrames?: number): Promise<AudioFileReader> {
  return AudioFileReader.open(path, blockFrames);
}

/** Reads a whole WAV/RF64/AIFF/AIFF-C file (dispatched by content) into planar float32 channels. */
export async function readAudioFile(path: string): Promise<AudioFile> {
  const reader = await AudioFileReader.open(path);
  try {
    const { frames, channelCount, sampleRate } = reader.format;
    const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
    let at = 0;
    for (;;) {
      const got = await reader.read(channels, at);
      if (got === 0) break;
      at += got;
    }
    return { sampleRate, channels, format: reader.format };
  } finally {
    await reader.close();
  }
}

async function readAt(
  file: FileHandle,
  position: number,
  length: number,
  into?: Uint8Array,
): Promise<Uint8Array> {
  const bytes = into ?? new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(bytes, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return bytes.subarray(0, got);
}

/** Converts `frames` interleaved frames from `view` into planar floats at `offset`. */
function decodeFrames(
  view: DataView,
  layout: AudioDataLayout,
  channels: readonly Float32Array[],
  offset: number,
  frames: number,
): void {
  const { channelCount, bytesPerSample, encoding, littleEndian: le, unsignedBytes } = layout;
  const stride = bytesPerSample * channelCount;
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c]!;
    let at = c * bytesPerSample;
    const end = offset + frames;
    if (encoding === 'float') {
      if (bytesPerSample === 4)
        for (let i = offset; i < end; i++, at += stride) out[i] = view.getFloat32(at, le);
      else for (let i = offset; i < end; i++, at += stride) out[i] = view.getFloat64(at, le);
      continue;
    }
    switch (bytesPerSample) {
      case 1:
        if (unsignedBytes)
          for (let i = offset; i < end; i++, at += stride) out[i] = (view.getUint8(at) - 128) / 128;
        else for (let i = offset; i < end; i++, at += stride) out[i] = view.getInt8(at) / 128;
        break;
      case 2:
        for (let i = offset; i < end; i++, at += stride) out[i] = view.getInt16(at, le) / 32768;
        break;
      case 3:
        // (Little-endian files take PcmDecodeKernel; this serves any other caller.)
        if (le) {
          for (let i = offset; i < end; i++, at += stride) {
            out[i] =
              (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
          }
        } else {
          for (let i = offset; i < end; i++, at += stride) {
            out[i] =
              ((view.getInt8(at) << 16) | (view.getUint8(at + 1) << 8) | view.getUint8(at + 2)) / 8388608;
          }
        }
        break;
      default:
        for (let i = offset; i < end; i++, at += stride) out[i] = view.getInt32(at, le) / 2147483648;
    }
  }
}
