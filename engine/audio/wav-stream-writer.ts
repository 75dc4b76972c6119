import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LatheError } from '../errors.ts';
import type { WavSampleFormat } from './wav-file.ts';

/** Loudness of the programme for a BWF version 2 `bext` chunk (EBU Tech 3285 v2). */
export interface BextLoudness {
  /** Integrated loudness, LUFS. */
  readonly integrated?: number;
  /** Loudness range, LU. */
  readonly range?: number;
  /** Maximum true peak, dBTP. */
  readonly maxTruePeak?: number;
  /** Maximum momentary loudness, LUFS. */
  readonly maxMomentary?: number;
  /** Maximum short-term loudness, LUFS. */
  readonly maxShortTerm?: number;
}

/** Broadcast Wave `bext` fields (EBU Tech 3285). Text is printable ASCII; absent fields are empty. */
export interface BextMetadata {
  /** At most 256 characters. */
  readonly description?: string;
  /** At most 32 characters. */
  readonly originator?: string;
  /** At most 32 characters. */
  readonly originatorReference?: string;
  /** yyyy-mm-dd */
  readonly originationDate?: string;
  /** hh:mm:ss */
  readonly originationTime?: string;
  /** First sample's count since midnight, at the file's sample rate (64-bit). */
  readonly timeReference?: number | bigint;
  /** SMPTE 330M UMID, at most 64 bytes (zero-padded). */
  readonly umid?: Uint8Array;
  /** Version 2 carries loudness; default 2 when `loudness` is given, else 1. */
  readonly version?: 1 | 2;
  readonly loudness?: BextLoudness;
  /** Coding history lines (EBU R 98, e.g. "A=PCM,F=48000,W=24,M=stereo,T=Lathe"); stored CR/LF-ended. */
  readonly codingHistory?: string;
}

export interface WavStreamWriterOptions {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** '16' / '24': integer PCM, rounded to nearest and clamped; '32f': IEEE float. */
  readonly format: WavSampleFormat;
  /** Adds a `bext` chunk (a Broadcast Wave file). */
  readonly bext?: BextMetadata;
  /**
   * 'auto' (default): plain RIFF, switched to RF64 at finish if the file passed 4 GiB (a JUNK
   * chunk reserves the room for ds64, per EBU Tech 3306); 'always': RF64 whatever the size.
   */
  readonly rf64?: 'auto' | 'always';
  /** WAVE_FORMAT_EXTENSIBLE speaker mask, used for more than two channels (default 0: no positions). */
  readonly channelMask?: number;
  /** Frames converted per file write (default 8192). */
  readonly blockFrames?: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const U32_MAX = 0xffffffff;
const BEXT_FIXED_BYTES = 602;
/** Tech 3285 v2: a loudness field that is not used (or cannot be represented). */
const LOUDNESS_UNUSED = 0x7fff;
/** Offset of the five loudness fields in the bext body. */
const BEXT_LOUDNESS_AT = 412;
const BEXT_VERSION_AT = 346;

function metadataError(message: string): LatheError {
  return new LatheError('LATHE_AUDIO_METADATA_INVALID', `bext: ${message}`);
}

function checkText(field: string, text: string, max: number, allowLineBreaks = false): void {
  if (text.length > max) throw metadataError(`${field} is ${text.length} characters, at most ${max} fit`);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x20 && c <= 0x7e) || (allowLineBreaks && (c === 0x0a || c === 0x0d));
    if (!ok)
      throw metadataError(
        `${field} must be printable ASCII (character ${i} is U+${c.toString(16).padStart(4, '0')})`,
      );
  }
}

/** round(100 x value), ties away from zero (Tech 3285 §2.4); 0x7FFF when absent or not representable. */
function loudnessField(value: number | undefined, min: number): number {
  if (value === undefined || !Number.isFinite(value)) return LOUDNESS_UNUSED;
  const scaled = value * 100;
  // The nudge makes decimal ties round as written (-1.005 x 100 is -100.49999999999999 in binary).
  const rounded = Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5 + 1e-9);
  return rounded < min || rounded > 9999 ? LOUDNESS_UNUSED : rounded;
}

function writeLoudness(view: DataView, at: number, loudness: BextLoudness | undefined): void {
  const fields = [
    loudnessField(loudness?.integrated, -9999),
    loudnessField(loudness?.range, 0),
    loudnessField(loudness?.maxTruePeak, -9999),
    loudnessField(loudness?.maxMomentary, -9999),
    loudnessField(loudness?.maxShortTerm, -9999),
  ];
  fields.forEach((value, i) => {
    view.setInt16(at + 2 * i, value, true);
  });
}

/** The whole `bext` chunk (id, size, body, pad byte). Throws LATHE_AUDIO_METADATA_INVALID. */
export function encodeBextChunk(bext: BextMetadata): Uint8Array {
  const description = bext.description ?? '';
  const originator = bext.originator ?? '';
  const reference = bext.originatorReference ?? '';
  const date = bext.originationDate ?? '';
  const time = bext.originationTime ?? '';
  checkText('description', description, 256);
  checkText('originator', originator, 32);
  checkText('originatorReference', reference, 32);
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (
    date !== '' &&
    (!dateMatch ||
      !(Number(dateMatch[2]) >= 1 && Number(dateMatch[2]) <= 12) ||
      !(Number(dateMatch[3]) >= 1 && Number(dateMatch[3]) <= 31))
  ) {
    throw metadataError(`originationDate must be yyyy-mm-dd, got '${date}'`);
  }
  const timeMatch = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (
    time !== '' &&
    (!timeMatch || Number(timeMatch[1]) > 23 || Number(timeMatch[2]) > 59 || Number(timeMatch[3]) > 59)
  ) {
    throw metadataError(`originationTime must be hh:mm:ss, got '${time}'`);
  }
  if (typeof bext.timeReference === 'number' && !Number.isSafeInteger(bext.timeReference)) {
    throw metadataError(`timeReference must be a whole number of samples, got ${bext.timeReference}`);
  }
  const timeReference = BigInt(bext.timeReference ?? 0);
  if (timeReference < 0n || timeReference >= 1n << 64n)
    throw metadataError('timeReference must fit in 64 bits unsigned');
  const umid = bext.umid ?? new Uint8Array(0);
  if (umid.length > 64) throw metadataError(`umid is ${umid.length} bytes, at most 64 fit`);
  const history = (bext.codingHistory ?? '')
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => `${line}\r\n`)
    .join('');
  checkText('codingHistory', history, 1 << 20, true);
  const version = bext.version ?? (bext.loudness === undefined ? 1 : 2);

  const bodyBytes = BEXT_FIXED_BYTES + history.length;
  const chunk = new Uint8Array(8 + bodyBytes + (bodyBytes & 1));
  const view = new DataView(chunk.buffer);
  const put = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) chunk[at + i] = text.charCodeAt(i);
  };
  put(0, 'bext');
  view.setUint32(4, bodyBytes, true);
  const body = 8;
  put(body, description);
  put(body + 256, originator);
  put(body + 288, reference);
  put(body + 320, date);
  put(body + 330, time);
  view.setBigUint64(body + 338, timeReference, true);
  view.setUint16(body + BEXT_VERSION_AT, version, true);
  chunk.set(umid, body + 348);
  if (version >= 2) writeLoudness(view, body + BEXT_LOUDNESS_AT, bext.loudness);
  put(body + BEXT_FIXED_BYTES, history);
  return chunk;
}

interface HeaderLayout {
  readonly bytes: Uint8Array;
  /** Offsets of the fields patched at finish. */
  readonly factAt: number;
  readonly bextAt: number;
  readonly dataSizeAt: number;
}

function buildHeader(options: WavStreamWriterOptions, bits: number, isFloat: boolean): HeaderLayout {
  const { sampleRate, channelCount } = options;
  const extensible = channelCount > 2;
  const blockAlign = (bits / 8) * channelCount;
  const fmtBytes = extensible ? 40 : isFloat ? 18 : 16;
  const bext = options.bext === undefined ? undefined : encodeBextChunk(options.bext);
  const size = 12 + (8 + 28) + (8 + fmtBytes) + (isFloat ? 12 : 0) + (bext?.length ?? 0) + 8;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const put = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  };
  put(0, 'RIFF');
  put(8, 'WAVE');
  // Room for an RF64 ds64 chunk (riff size, data size, sample count: 3 x 64 bit; table length 0).
  put(12, 'JUNK');
  view.setUint32(16, 28, true);
  let at = 48;
  put(at, 'fmt ');
  view.setUint32(at + 4, fmtBytes, true);
  view.setUint16(at + 8, extensible ? FORMAT_EXTENSIBLE : isFloat ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(at + 10, channelCount, true);
  view.setUint32(at + 12, sampleRate, true);
  view.setUint32(at + 16, sampleRate * blockAlign, true);
  view.setUint16(at + 20, blockAlign, true);
  view.setUint16(at + 22, bits, true);
  if (extensible) {
    view.setUint16(at + 24, 22, true);
    view.setUint16(at + 26, bits, true);
    view.setUint32(at + 28, (options.channelMask ?? 0) >>> 0, true);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: the format tag, then 00000010-8000-00AA00389B71.
    view.setUint16(at + 32, isFloat ? FORMAT_FLOAT : FORMAT_PCM, true);
    bytes.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], at + 34);
  }
  at += 8 + fmtBytes;
  let factAt = -1;
  if (isFloat) {
    put(at, 'fact');
    view.setUint32(at + 4, 4, true);
    factAt = at + 8;
    at += 12;
  }
  let bextAt = -1;
  if (bext !== undefined) {
    bytes.set(bext, at);
    bextAt = at + 8;
    at += bext.length;
  }
  put(at, 'data');
  return { bytes, factAt, bextAt, dataSizeAt: at + 4 };
}

function writeFailed(target: string, action: string, error: unknown): LatheError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'the directory does not exist (any more)'
      : code === 'ENOSPC'
        ? 'no space left on the device'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (error as Error).message;
  return new LatheError('LATHE_AUDIO_WRITE_FAILED', `${target}: cannot ${action}: ${reason}`, {
    cause: error,
  });
}

/**
 * Streaming WAV writer for renders: 16/24-bit PCM or 32-bit float, any channel count, optional
 * Broadcast Wave `bext` chunk, RF64 past 4 GiB. Writes to a hidden temporary file in the target's
 * directory and renames it over the target on `finish` (after fsync), so the target never exists
 * half-written; `abort` (or any failure) deletes the temporary file.
 *
 * Float to integer: x * 2^(bits-1), rounded to nearest, clamped to the integer range; a float
 * that is an exact multiple of 2^-(bits-1) in range is written exactly (dither belongs upstream).
 * NaN is written as 0. Every failure is a LatheError: LATHE_AUDIO_WRITE_FAILED naming the target,
 * LATHE_AUDIO_METADATA_INVALID for bext fields that do not fit. Calls must not overlap (await each).
 */
export class WavStreamWriter {
  readonly path: string;
  readonly tempPath: string;
  readonly format: WavSampleFormat;
  readonly sampleRate: number;
  readonly channelCount: number;
  private readonly file: FileHandle;
  private readonly header: HeaderLayout;
  private readonly bits: number;
  private readonly isFloat: boolean;
  private readonly blockAlign: number;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private readonly forceRf64: boolean;
  private frames = 0;
  private position: number;
  private state: 'open' | 'busy' | 'done' = 'open';

  private constructor(
    target: string,
    tempPath: string,
    file: FileHandle,
    options: WavStreamWriterOptions,
    header: HeaderLayout,
  ) {
    this.path = target;
    this.tempPath = tempPath;
    this.file = file;
    this.format = options.format;
    this.sampleRate = options.sampleRate;
    this.channelCount = options.channelCount;
    this.header = header;
    this.bits = options.format === '16' ? 16 : options.format === '24' ? 24 : 32;
    this.isFloat = options.format === '32f';
    this.blockAlign = (this.bits / 8) * options.channelCount;
    const chunkFrames = Math.max(1, Math.floor(options.blockFrames ?? 8192));
    // One spare byte: 24-bit samples are stored as 4-byte words, each overlapping the next.
    const bytes = this.blockAlign * chunkFrames;
    this.view = new DataView(new ArrayBuffer(bytes + 1));
    this.buffer = new Uint8Array(this.view.buffer, 0, bytes);
    this.forceRf64 = options.rf64 === 'always';
    this.position = header.bytes.length;
  }

  /** Creates the temporary file and writes the header. */
  static async create(target: string, options: WavStreamWriterOptions): Promise<WavStreamWriter> {
    const { sampleRate, channelCount, format } = options;
    if (!Number.isSafeInteger(sampleRate) || sampleRate < 1 || sampleRate > U32_MAX) {
      throw new LatheError('LATHE_AUDIO_CONFIG_INVALID', `${target}: invalid sample rate ${sampleRate}`);
    }
    if (!Number.isSafeInteger(channelCount) || channelCount < 1 || channelCount > 1024) {
      throw new LatheError('LATHE_AUDIO_CONFIG_INVALID', `${target}: invalid channel count ${channelCount}`);
    }
    // Checked at run time too: the CLI passes user input.
    if (!(['16', '24', '32f'] as readonly string[]).includes(format)) {
      throw new LatheError('LATHE_AUDIO_CONFIG_INVALID', `${target}: unknown sample format '${format}'`);
    }
    const bits = format === '16' ? 16 : format === '24' ? 24 : 32;
    const header = buildHeader(options, bits, format === '32f');
    const tempPath = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`,
    );
    let file: FileHandle;
    try {
      file = await open(tempPath, 'wx');
    } catch (error) {
      throw writeFailed(target, 'create the file', error);
    }
    const writer = new WavStreamWriter(target, tempPath, file, options, header);
    try {
      await writer.writeAll(header.bytes, 0);
    } catch (error) {
      await writer.discard();
      throw writeFailed(target, 'write', error);
    }
    return writer;
  }

  get framesWritten(): number {
    return this.frames;
  }

  /** Appends `frames` frames of planar `channels` (channelCount arrays). */
  async write(channels: readonly Float32Array[], frames: number): Promise<void> {
    this.enter('write');
    try {
      const chunkFrames = this.buffer.length / this.blockAlign;
      for (let done = 0; done < frames;) {
        const count = Math.min(chunkFrames, frames - done);
        this.convert(channels, done, count);
        await this.writeAll(this.buffer.subarray(0, count * this.blockAlign), this.position);
        this.position += count * this.blockAlign;
        this.frames += count;
        done += count;
      }
    } catch (error) {
      await this.discard();
      throw writeFailed(this.path, 'write', error);
    }
    this.state = 'open';
  }

  /**
   * Completes the file: patches sizes (RF64 if needed), optionally the bext loudness (measured
   * during the render, so known only now), syncs, closes, and renames it onto `path`.
   */
  async finish(final: { readonly loudness?: BextLoudness } = {}): Promise<void> {
    this.enter('finish');
    if (final.loudness !== undefined && this.header.bextAt < 0) {
      await this.discard();
      throw new LatheError(
        'LATHE_AUDIO_METADATA_INVALID',
        `${this.path}: loudness given at finish, but the file has no bext chunk`,
      );
    }
    try {
      const dataBytes = this.frames * this.blockAlign;
      if (dataBytes & 1) {
        await this.writeAll(new Uint8Array(1), this.position);
        this.position += 1;
      }
      const riffBytes = this.position - 8;
      const rf64 = this.forceRf64 || riffBytes > U32_MAX;
      const patch = new DataView(new ArrayBuffer(8));
      const put32 = async (at: number, value: number): Promise<void> => {
        patch.setUint32(0, value, true);
        await this.writeAll(new Uint8Array(patch.buffer, 0, 4), at);
      };
      if (rf64) {
        const ds64 = new Uint8Array(36);
        const view = new DataView(ds64.buffer);
        ds64.set([0x64, 0x73, 0x36, 0x34]); // 'ds64'
        view.setUint32(4, 28, true);
        view.setBigUint64(8, BigInt(riffBytes), true);
        view.setBigUint64(16, BigInt(dataBytes), true);
        view.setBigUint64(24, BigInt(this.frames), true);
        await this.writeAll(new Uint8Array([0x52, 0x46, 0x36, 0x34]), 0); // 'RF64'
        await put32(4, U32_MAX);
        await this.writeAll(ds64, 12);
        await put32(this.header.dataSizeAt, U32_MAX);
        if (this.header.factAt >= 0)
          await put32(this.header.factAt, this.frames > U32_MAX ? U32_MAX : this.frames);
      } else {
        await put32(4, riffBytes);
        await put32(this.header.dataSizeAt, dataBytes);
        if (this.header.factAt >= 0) await put32(this.header.factAt, this.frames);
      }
      if (final.loudness !== undefined) {
        const fields = new Uint8Array(10);
        writeLoudness(new DataView(fields.buffer), 0, final.loudness);
        await this.writeAll(fields, this.header.bextAt + BEXT_LOUDNESS_AT);
        patch.setUint16(0, 2, true);
        await this.writeAll(new Uint8Array(patch.buffer, 0, 2), this.header.bextAt + BEXT_VERSION_AT);
      }
      await this.file.sync();
      await this.file.close();
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.discard();
      throw writeFailed(this.path, 'finish', error);
    }
    this.state = 'done';
  }

  /**
   * Asks the disk to store what has been written so far (fdatasync). Optional: finish() syncs
   * anyway, but a writer that syncs as it goes leaves finish() little to wait for.
   */
  async syncData(): Promise<void> {
    this.enter('sync');
    try {
      await this.file.datasync();
    } catch (error) {
      await this.discard();
      throw writeFailed(this.path, 'sync', error);
    }
    this.state = 'open';
  }

  /** Stops and deletes the temporary file; the target is left as it was. Never throws. */
  async abort(): Promise<void> {
    if (this.state === 'done') return;
    await this.discard();
  }

  private enter(action: string): void {
    if (this.state !== 'open') {
      throw new LatheError(
        'LATHE_AUDIO_WRITE_FAILED',
        `${this.path}: cannot ${action}: the writer is ${this.state === 'busy' ? 'busy (await each call)' : 'finished or aborted'}`,
      );
    }
    this.state = 'busy';
  }

  private async discard(): Promise<void> {
    this.state = 'done';
    await this.file.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }

  private async writeAll(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.file.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }

  /** Interleaves frames [from, from + count) into the byte buffer. */
  private convert(channels: readonly Float32Array[], from: number, count: number): void {
    if (this.bits === 24 && !this.isFloat && this.blockAlign === 3 * this.channelCount) {
      this.convert24(channels, from, count);
      return;
    }
    const view = this.view;
    const buffer = this.buffer;
    const channelCount = this.channelCount;
    const step = this.bits / 8;
    for (let c = 0; c < channelCount; c++) {
      const input = channels[c]!;
      let at = c * step;
      const stride = this.blockAlign;
      const end = from + count;
      if (this.isFloat) {
        for (let i = from; i < end; i++, at += stride) view.setFloat32(at, input[i]!, true);
      } else if (this.bits === 16) {
        for (let i = from; i < end; i++, at += stride) {
          const v = Math.round(input[i]! * 32768);
          view.setInt16(at, v > 32767 ? 32767 : v < -32768 ? -32768 : v, true);
        }
      } else {
        for (let i = from; i < end; i++, at += stride) {
          let v = Math.round(input[i]! * 8388608);
          v = v > 8388607 ? 8388607 : v < -8388608 ? -8388608 : v;
          buffer[at] = v & 0xff;
          buffer[at + 1] = (v >> 8) & 0xff;
          buffer[at + 2] = (v >> 16) & 0xff;
        }
      }
    }
  }
  /**
   * 24-bit: samples in ascending byte order, each stored as a little-endian 4-byte word whose top
   * byte the next sample then overwrites (the buffer has one spare byte for the last one): one
   * store per sample instead of three, a third less time for a render's output.
   */
  private convert24(channels: readonly Float32Array[], from: number, count: number): void {
    const view = this.view;
    const channelCount = this.channelCount;
    let at = 0;
    for (let i = from, end = from + count; i < end; i++) {
      for (let c = 0; c < channelCount; c++, at += 3) {
        let v = Math.round(channels[c]![i]! * 8388608);
        v = v > 8388607 ? 8388607 : v < -8388608 ? -8388608 : v;
        view.setInt32(at, v, true);
      }
    }
  }
}
