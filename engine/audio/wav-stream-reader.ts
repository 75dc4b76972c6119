import { open, type FileHandle } from 'node:fs/promises';
import { LatheError } from '../errors.ts';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** A 32-bit chunk size of all ones: "unknown" (streamed writers, RF64 placeholders). */
const SIZE_UNKNOWN = 0xffffffff;
/** No sane `fmt ` or `ds64` chunk is bigger; larger ones are skipped unread, not buffered. */
const MAX_HEADER_CHUNK = 4096;
/** Chunks walked before giving up on finding `data`: bounds the header scan of a hostile file. */
const MAX_CHUNKS = 1024;

export type WavSampleEncoding = 'pcm' | 'float';

export interface WavStreamFormat {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** Container bits per sample: 8, 16, 24, 32 (PCM) or 32, 64 (float). */
  readonly bitDepth: number;
  readonly encoding: WavSampleEncoding;
  /** Whole frames in the data chunk (as far as the file really goes). */
  readonly frames: number;
  /**
   * Smallest magnitude that means "full scale" after conversion: 1.0 for float, and for PCM the
   * largest positive code, (2^(b-1) - 1) / 2^(b-1), so symmetric writers (+-32767) count too.
   */
  readonly fullScale: number;
  /** false when the data chunk's declared size was 0xFFFFFFFF, 0 or past the end: the file size was used. */
  readonly dataSizeTrusted: boolean;
}

function invalid(name: string, message: string, cause?: unknown): LatheError {
  return new LatheError(
    'LATHE_WAV_INVALID',
    `${name}: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

/** Four printable ASCII characters: what a following chunk id looks like. */
function looksLikeChunkId(bytes: Uint8Array): boolean {
  for (let i = 0; i < 4; i++) {
    const c = bytes[i] ?? 0;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Streaming WAV reader: parses the RIFF/RF64 chunk list itself with small bounded reads (only
 * chunk headers, `fmt ` and `ds64` are read; everything else is skipped by seeking), then hands
 * out the `data` chunk block by block as planar float32, converting samples exactly as
 * decodeWav in wav-file.ts does. Memory is one block, whatever the file's length; `wavefile`
 * is not used because it needs the whole file in memory.
 *
 * Damaged sizes: streamed writers leave the data size at 0xFFFFFFFF or 0, and truncated files
 * declare more than they hold. In all three cases the data is taken to run to the end of the
 * file (a 0 size only when what follows does not look like another chunk).
 */
export class WavStreamReader {
  readonly format: WavStreamFormat;
  private readonly file: FileHandle;
  private readonly dataOffset: number;
  private readonly blockAlign: number;
  /** Two blocks: one is converted while the next is read into the other (read-ahead). */
  private readonly buffers: readonly [Uint8Array, Uint8Array];
  private readonly views: readonly [DataView, DataView];
  /** The read of the block after the one last handed out, in flight. */
  private prefetch: { readonly from: number; readonly slot: 0 | 1; readonly bytes: Promise<number> } | null =
    null;
  private framesRead = 0;
  private closed = false;

  private constructor(file: FileHandle, format: WavStreamFormat, dataOffset: number, blockFrames: number) {
    this.file = file;
    this.format = format;
    this.dataOffset = dataOffset;
    this.blockAlign = (format.bitDepth / 8) * format.channelCount;
    this.buffers = [
      new Uint8Array(this.blockAlign * blockFrames),
      new Uint8Array(this.blockAlign * blockFrames),
    ];
    this.views = [new DataView(this.buffers[0].buffer), new DataView(this.buffers[1].buffer)];
  }

  /** Opens `path` and parses its header; throws LatheError LATHE_WAV_INVALID on anything unreadable. */
  static async open(path: string, blockFrames = 65536): Promise<WavStreamReader> {
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw invalid(path, `cannot open: ${reason}`, error);
    }
    try {
      const { format, dataOffset } = await parseHeader(file, path);
      return new WavStreamReader(file, format, dataOffset, blockFrames);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Frames that `read` hands out per call at most. */
  get blockFrames(): number {
    return this.buffers[0].length / this.blockAlign;
  }

  /**
   * Fills `channels` (one Float32Array of at least blockFrames per channel) with the next
   * frames; resolves with how many (0 at the end).
   */
  async read(channels: readonly Float32Array[]): Promise<number> {
    const wanted = Math.min(this.blockFrames, this.format.frames - this.framesRead);
    if (wanted <= 0) return 0;
    const prefetch = this.prefetch;
    this.prefetch = null;
    let slot: 0 | 1 = 0;
    let got: number;
    if (prefetch !== null && prefetch.from === this.framesRead) {
      slot = prefetch.slot;
      got = await prefetch.bytes;
    } else {
      got = await this.fill(slot, this.framesRead, wanted);
    }
    const frames = Math.floor(got / this.blockAlign);
    const next = this.framesRead + frames;
    const nextWanted = Math.min(this.blockFrames, this.format.frames - next);
    if (frames === wanted && nextWanted > 0) {
      // Read the next block while this one is converted and measured.
      const other = slot === 0 ? 1 : 0;
      const bytes = this.fill(other, next, nextWanted);
      // Its error is taken by the read that awaits it; until then it must not count as unhandled.
      bytes.catch(() => undefined);
      this.prefetch = { from: next, slot: other, bytes };
    }
    this.convert(this.views[slot], channels, frames);
    this.framesRead = next;
    // A file that shrank under us: stop rather than loop on a short read.
    if (frames < wanted) this.framesRead = this.format.frames;
    return frames;
  }

  /** Reads up to `wanted` frames from frame `from` into buffer `slot`; resolves with the bytes read. */
  private async fill(slot: 0 | 1, from: number, wanted: number): Promise<number> {
    const buffer = this.buffers[slot];
    const bytes = wanted * this.blockAlign;
    let got = 0;
    while (got < bytes) {
      const { bytesRead } = await this.file.read(
        buffer,
        got,
        bytes - got,
        this.dataOffset + from * this.blockAlign + got,
      );
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got;
  }

  private convert(view: DataView, channels: readonly Float32Array[], frames: number): void {
    const { channelCount, bitDepth, encoding } = this.format;
    const bytesPerSample = bitDepth / 8;
    const stride = this.blockAlign;
    for (let c = 0; c < channelCount; c++) {
      const out = channels[c]!;
      let at = c * bytesPerSample;
      if (encoding === 'float') {
        if (bitDepth === 32)
          for (let i = 0; i < frames; i++, at += stride) out[i] = view.getFloat32(at, true);
        else for (let i = 0; i < frames; i++, at += stride) out[i] = view.getFloat64(at, true);
        continue;
      }
      switch (bitDepth) {
        case 8:
          for (let i = 0; i < frames; i++, at += stride) out[i] = (view.getUint8(at) - 128) / 128;
          break;
        case 16:
          for (let i = 0; i < frames; i++, at += stride) out[i] = view.getInt16(at, true) / 32768;
          break;
        case 24:
          for (let i = 0; i < frames; i++, at += stride) {
            out[i] =
              (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
          }
          break;
        default:
          for (let i = 0; i < frames; i++, at += stride) out[i] = view.getInt32(at, true) / 2147483648;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A read-ahead still in flight must finish before its file handle closes.
    await this.prefetch?.bytes.catch(() => undefined);
    this.prefetch = null;
    await this.file.close();
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(bytes, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return bytes.subarray(0, got);
}

interface RawFormat {
  tag: number;
  channelCount: number;
  sampleRate: number;
  bits: number;
}

function parseFmt(bytes: Uint8Array, name: string): RawFormat {
  if (bytes.length < 16) throw invalid(name, '`fmt ` chunk too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const audioFormat = view.getUint16(0, true);
  const channelCount = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const bits = view.getUint16(14, true);
  let tag = audioFormat;
  if (audioFormat === FORMAT_EXTENSIBLE) {
    // cbSize, validBits, channelMask, then the SubFormat GUID whose first two bytes are the tag.
    if (bytes.length < 26) throw invalid(name, 'WAVE_FORMAT_EXTENSIBLE `fmt ` chunk too short');
    tag = view.getUint16(24, true);
  }
  return { tag, channelCount, sampleRate, bits };
}

async function parseHeader(
  file: FileHandle,
  name: string,
): Promise<{ format: WavStreamFormat; dataOffset: number }> {
  const fileSize = (await file.stat()).size;
  const head = await readAt(file, 0, 12);
  if (head.length < 12) throw invalid(name, `not a WAV file (${fileSize} bytes, no RIFF header)`);
  const riff = ascii(head, 0);
  if ((riff !== 'RIFF' && riff !== 'RF64') || ascii(head, 8) !== 'WAVE') {
    throw invalid(name, 'not a WAV file (no RIFF/WAVE header)');
  }
  let raw: RawFormat | undefined;
  let ds64DataSize: number | undefined;
  let position = 12;
  for (let chunks = 0; chunks < MAX_CHUNKS && position + 8 <= fileSize; chunks++) {
    const header = await readAt(file, position, 8);
    if (header.length < 8) break;
    const id = ascii(header, 0);
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    const body = position + 8;
    if (id === 'fmt ' || id === 'ds64') {
      if (size > MAX_HEADER_CHUNK) throw invalid(name, `\`${id}\` chunk of ${size} bytes`);
      const bytes = await readAt(file, body, size);
      if (id === 'fmt ') {
        raw = parseFmt(bytes, name);
      } else if (bytes.length >= 16) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        ds64DataSize = Number(view.getBigUint64(8, true));
      }
    } else if (id === 'data') {
      if (raw === undefined) throw invalid(name, '`data` chunk before any `fmt ` chunk');
      const available = fileSize - body;
      let declared = size === SIZE_UNKNOWN && ds64DataSize !== undefined ? ds64DataSize : size;
      let trusted = true;
      if (declared === SIZE_UNKNOWN || declared > available) {
        declared = available;
        trusted = false;
      } else if (declared === 0 && available > 0) {
        const next = await readAt(file, body, 4);
        if (!looksLikeChunkId(next)) {
          declared = available;
          trusted = false;
        }
      }
      return { format: checkFormat(raw, declared, trusted, name), dataOffset: body };
    }
    // Chunks are padded to even sizes (RIFF); an unknown size cannot be skipped.
    if (size === SIZE_UNKNOWN) break;
    position = body + size + (size & 1);
  }
  throw invalid(name, raw === undefined ? 'no `fmt ` chunk' : 'no `data` chunk');
}

function checkFormat(raw: RawFormat, dataBytes: number, trusted: boolean, name: string): WavStreamFormat {
  const { tag, channelCount, sampleRate, bits } = raw;
  const isFloat = tag === FORMAT_FLOAT;
  const supported = isFloat
    ? bits === 32 || bits === 64
    : tag === FORMAT_PCM && [8, 16, 24, 32].includes(bits);
  if (!supported || channelCount < 1 || sampleRate < 1) {
    throw invalid(
      name,
      `unsupported WAV format (format ${tag}, ${bits} bit, ${channelCount} channels, ${sampleRate} Hz)`,
    );
  }
  const levels = 2 ** (bits - 1);
  return {
    sampleRate,
    channelCount,
    bitDepth: bits,
    encoding: isFloat ? 'float' : 'pcm',
    frames: Math.floor(dataBytes / ((bits / 8) * channelCount)),
    fullScale: isFloat ? 1 : Math.fround((levels - 1) / levels),
    dataSizeTrusted: trusted,
  };
}
