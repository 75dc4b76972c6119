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

/** Bytes per raw read (about): big enough that syscalls and promise turns cost nothing. */
const READ_BYTES = 1 << 20;
/** Raw buffers: one being converted while the others are read ahead (I/O overlaps compute). */
const READ_BUFFERS = 4;
/** PCM full scale (2^(bits-1)) as its reciprocal: multiplying by a power of two is exact. */
const SCALE_16 = 1 / 32768;
const SCALE_24 = 1 / 8388608;
const SCALE_32 = 1 / 2147483648;
/** Typed-array views read the host's byte order; WAV is little-endian. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A raw buffer and the read filling it. */
interface ReadSlot {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** The same bytes as samples, for the sample type of the file (null for the others). */
  readonly int16: Int16Array | null;
  /** 32-bit PCM samples, or (24-bit stereo) the bytes as 32-bit words: two frames in three. */
  readonly int32: Int32Array | null;
  readonly float32: Float32Array | null;
  readonly float64: Float64Array | null;
  /** First frame of the read, frames asked for, and the read (bytes got) once issued. */
  from: number;
  wanted: number;
  read: Promise<number> | null;
}

/**
 * Streaming WAV reader: parses the RIFF/RF64 chunk list itself with small bounded reads (only
 * chunk headers, `fmt ` and `ds64` are read; everything else is skipped by seeking), then hands
 * out the `data` chunk block by block as planar float32, converting samples exactly as
 * decodeWav in wav-file.ts does. Memory is a few raw buffers of about 1 MB and whatever the
 * caller hands in, whatever the file's length; `wavefile` is not used because it needs the
 * whole file in memory.
 *
 * Reads go to the file in ~1 MB pieces, up to three ahead of the one being converted, so a
 * caller measuring block after block does not wait on the disk (or on the thread pool when the
 * machine is busy); blocks are cut from those pieces.
 *
 * Damaged sizes: streamed writers leave the data size at 0xFFFFFFFF or 0, and truncated files
 * declare more than they hold. In all three cases the data is taken to run to the end of the
 * file (a 0 size only when what follows does not look like another chunk).
 */
export class WavStreamReader {
  readonly format: WavStreamFormat;
  /** Frames that `read` hands out per call at most. */
  readonly blockFrames: number;
  private readonly file: FileHandle;
  private readonly dataOffset: number;
  private readonly blockAlign: number;
  /** Frames per raw read: a whole number of blocks, so a block never spans two reads. */
  private readonly readFrames: number;
  private readonly slots: ReadSlot[];
  /** The slot blocks are cut from, and how many of its frames arrived / were handed out. */
  private current = -1;
  private currentFrames = 0;
  private currentUsed = 0;
  /** The next read to issue: its frame, and its slot. */
  private nextFrom = 0;
  private issueSlot = 0;
  /** Frames that exist: format.frames, or less once a read came back short (the file shrank). */
  private end: number;
  private framesRead = 0;
  private closed = false;

  private constructor(file: FileHandle, format: WavStreamFormat, dataOffset: number, blockFrames: number) {
    this.file = file;
    this.format = format;
    this.dataOffset = dataOffset;
    this.blockAlign = (format.bitDepth / 8) * format.channelCount;
    this.blockFrames = blockFrames;
    this.readFrames = blockFrames * Math.max(1, Math.ceil(READ_BYTES / (blockFrames * this.blockAlign)));
    const { bitDepth, encoding } = format;
    const float = encoding === 'float';
    // Typed views read the host's byte order; a big-endian host takes the DataView path.
    const typed = LITTLE_ENDIAN_HOST;
    this.slots = Array.from({ length: READ_BUFFERS }, () => {
      const bytes = new Uint8Array(this.readFrames * this.blockAlign);
      const buffer = bytes.buffer;
      return {
        bytes,
        view: new DataView(buffer),
        int16: typed && !float && bitDepth === 16 ? new Int16Array(buffer) : null,
        int32:
          typed && !float && (bitDepth === 32 || (bitDepth === 24 && format.channelCount === 2))
            ? new Int32Array(buffer, 0, bytes.length >> 2)
            : null,
        float32: typed && float && bitDepth === 32 ? new Float32Array(buffer) : null,
        float64: typed && float && bitDepth === 64 ? new Float64Array(buffer) : null,
        from: 0,
        wanted: 0,
        read: null,
      };
    });
    this.end = format.frames;
  }

  /** Opens `path` and parses its header; throws LatheError LATHE_WAV_INVALID on anything unreadable. */
  static async open(path: string, blockFrames = 65536): Promise<WavStreamReader> {
    if (!Number.isInteger(blockFrames) || blockFrames < 1)
      throw new RangeError(`block of ${blockFrames} frames`);
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

  /**
   * Fills `channels` (one Float32Array of at least blockFrames per channel) with the next
   * frames; resolves with how many (0 at the end). Every block is full but the last.
   */
  async read(channels: readonly Float32Array[]): Promise<number> {
    if (this.framesRead >= this.end) return 0;
    if (this.current < 0 || this.currentUsed === this.currentFrames) {
      if (!(await this.advance())) return 0;
    }
    const slot = this.slots[this.current]!;
    const frames = Math.min(this.blockFrames, this.currentFrames - this.currentUsed);
    this.convert(slot, this.currentUsed, channels, frames);
    this.currentUsed += frames;
    this.framesRead += frames;
    return frames;
  }

  /** Moves on to the next raw read (issuing reads into every free slot first); false at the end. */
  private async advance(): Promise<boolean> {
    // The slot just used up is free again.
    if (this.current >= 0) this.slots[this.current]!.read = null;
    this.issueReads();
    const index = this.current < 0 ? 0 : (this.current + 1) % READ_BUFFERS;
    const slot = this.slots[index]!;
    if (slot.read === null || slot.from !== this.framesRead) return false;
    const got = await slot.read;
    this.current = index;
    this.currentFrames = Math.min(Math.floor(got / this.blockAlign), this.end - slot.from);
    this.currentUsed = 0;
    // A file that shrank under us: stop after what arrived rather than loop on short reads.
    if (this.currentFrames < slot.wanted) this.end = slot.from + this.currentFrames;
    this.issueReads();
    return this.currentFrames > 0;
  }

  /** Starts reads into the free slots, in file order. */
  private issueReads(): void {
    for (;;) {
      // A slot's read stays set until its frames are all handed out.
      const slot = this.slots[this.issueSlot]!;
      if (slot.read !== null || this.nextFrom >= this.end) return;
      slot.from = this.nextFrom;
      slot.wanted = Math.min(this.readFrames, this.end - this.nextFrom);
      const read = this.fill(slot.bytes, slot.from, slot.wanted);
      // Its error is taken by the read() that awaits it; until then it must not count as unhandled.
      read.catch(() => undefined);
      slot.read = read;
      this.nextFrom += slot.wanted;
      this.issueSlot = (this.issueSlot + 1) % READ_BUFFERS;
    }
  }

  /** Reads up to `wanted` frames from frame `from` into `buffer`; resolves with the bytes read. */
  private async fill(buffer: Uint8Array, from: number, wanted: number): Promise<number> {
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

  /** Frames `first .. first + frames` of `slot`, planar, into `channels`. */
  private convert(slot: ReadSlot, first: number, channels: readonly Float32Array[], frames: number): void {
    const { channelCount, bitDepth } = this.format;
    if (bitDepth === 24 && slot.int32 !== null && (first & 1) === 0) {
      this.convertStereo24(slot.int32, slot.bytes, first, channels[0]!, channels[1]!, frames);
      return;
    }
    const bytesPerSample = bitDepth / 8;
    const stride = this.blockAlign;
    const { bytes, view, int16, int32, float32, float64 } = slot;
    for (let c = 0; c < channelCount; c++) {
      const out = channels[c]!;
      let at = first * stride + c * bytesPerSample;
      // Index into the typed views: samples are interleaved, channelCount apart.
      let index = first * channelCount + c;
      // Scaling by a power of two is exact: the same floats as decodeWav's divisions.
      if (float32 !== null) {
        for (let i = 0; i < frames; i++, index += channelCount) out[i] = float32[index]!;
      } else if (float64 !== null) {
        for (let i = 0; i < frames; i++, index += channelCount) out[i] = float64[index]!;
      } else if (int16 !== null) {
        for (let i = 0; i < frames; i++, index += channelCount) out[i] = int16[index]! * SCALE_16;
      } else if (int32 !== null && bitDepth === 32) {
        for (let i = 0; i < frames; i++, index += channelCount) out[i] = int32[index]! * SCALE_32;
      } else if (bitDepth === 24) {
        for (let i = 0; i < frames; i++, at += stride) {
          // Three bytes, little-endian; << 8 >> 8 sign-extends the 24-bit value.
          out[i] = (((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) << 8) >> 8) * SCALE_24;
        }
      } else if (bitDepth === 8) {
        for (let i = 0; i < frames; i++, at += stride) out[i] = (bytes[at]! - 128) / 128;
      } else if (this.format.encoding === 'float') {
        // Big-endian hosts.
        if (bitDepth === 32)
          for (let i = 0; i < frames; i++, at += stride) out[i] = view.getFloat32(at, true);
        else for (let i = 0; i < frames; i++, at += stride) out[i] = view.getFloat64(at, true);
      } else if (bitDepth === 16) {
        for (let i = 0; i < frames; i++, at += stride) out[i] = view.getInt16(at, true) * SCALE_16;
      } else {
        for (let i = 0; i < frames; i++, at += stride) out[i] = view.getInt32(at, true) * SCALE_32;
      }
    }
  }

  /**
   * Stereo 24-bit from an even frame: two frames (12 bytes) are three little-endian 32-bit words
   * [L0 R0.lo] [R0.hi L1.lo] [L1.hi R1], so four samples cost three loads and some shifts
   * instead of twelve byte loads.
   */
  private convertStereo24(
    words: Int32Array,
    bytes: Uint8Array,
    first: number,
    left: Float32Array,
    right: Float32Array,
    frames: number,
  ): void {
    let w = (first * 6) >> 2;
    const pairs = frames & ~1;
    for (let i = 0; i < pairs; i += 2, w += 3) {
      const w0 = words[w]!;
      const w1 = words[w + 1]!;
      const w2 = words[w + 2]!;
      // << 8 >> 8 and the like sign-extend bit 23 of each sample.
      left[i] = ((w0 << 8) >> 8) * SCALE_24;
      right[i] = ((w0 >>> 24) | ((w1 << 16) >> 8)) * SCALE_24;
      left[i + 1] = ((w1 >>> 16) | ((w2 << 24) >> 8)) * SCALE_24;
      right[i + 1] = (w2 >> 8) * SCALE_24;
    }
    if (pairs < frames) {
      const at = (first + pairs) * 6;
      left[pairs] = (((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) << 8) >> 8) * SCALE_24;
      right[pairs] =
        (((bytes[at + 3]! | (bytes[at + 4]! << 8) | (bytes[at + 5]! << 16)) << 8) >> 8) * SCALE_24;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Reads still in flight must finish before the file handle closes.
    for (const slot of this.slots) {
      await slot.read?.catch(() => undefined);
      slot.read = null;
    }
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
