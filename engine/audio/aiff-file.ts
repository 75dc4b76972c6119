import { LatheError } from '../errors.ts';
import type { AudioDataLayout, ByteSource } from './audio-file.ts';

/** Chunks walked before giving up: bounds the header scan of a hostile file. */
const MAX_CHUNKS = 1024;
/** No sane COMM chunk is bigger (AIFC's carries a Pascal-string codec name). */
const MAX_COMM_BYTES = 4096;

/** AIFF-C compression types whose samples are plain PCM or IEEE float (case as Apple writes them). */
const CODECS: Readonly<
  Record<string, { encoding: 'pcm' | 'float'; littleEndian: boolean; bytes?: number; unsigned?: boolean }>
> = {
  NONE: { encoding: 'pcm', littleEndian: false },
  twos: { encoding: 'pcm', littleEndian: false },
  sowt: { encoding: 'pcm', littleEndian: true },
  in24: { encoding: 'pcm', littleEndian: false, bytes: 3 },
  in32: { encoding: 'pcm', littleEndian: false, bytes: 4 },
  '42ni': { encoding: 'pcm', littleEndian: true, bytes: 3 },
  '23ni': { encoding: 'pcm', littleEndian: true, bytes: 4 },
  fl32: { encoding: 'float', littleEndian: false, bytes: 4 },
  FL32: { encoding: 'float', littleEndian: false, bytes: 4 },
  fl64: { encoding: 'float', littleEndian: false, bytes: 8 },
  FL64: { encoding: 'float', littleEndian: false, bytes: 8 },
  'raw ': { encoding: 'pcm', littleEndian: false, bytes: 1, unsigned: true },
};

/** Names for the compressed AIFF-C codecs we refuse, so the error says what the file is. */
const KNOWN_COMPRESSED: Readonly<Record<string, string>> = {
  ulaw: 'u-law',
  ULAW: 'u-law',
  alaw: 'A-law',
  ALAW: 'A-law',
  ima4: 'IMA ADPCM',
  MAC3: 'MACE 3:1',
  MAC6: 'MACE 6:1',
  'GSM ': 'GSM',
  QDM2: 'QDesign',
  Qclp: 'QCELP',
};

function fourCc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

/**
 * The IEEE 754 80-bit extended value at `at` (big-endian: sign and 15-bit exponent, then a
 * 64-bit mantissa with an explicit integer bit), as AIFF stores its sample rate.
 */
export function readExtended80(bytes: Uint8Array, at: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 10);
  const signExponent = view.getUint16(0);
  const high = view.getUint32(2);
  const low = view.getUint32(6);
  const exponent = signExponent & 0x7fff;
  if (exponent === 0x7fff) return NaN;
  const mantissa = high * 2 ** 32 + low;
  const value = mantissa * 2 ** (exponent - 16383 - 63);
  return signExponent & 0x8000 ? -value : value;
}

/** Writes `value` (a non-negative integer below 2^53, e.g. a sample rate) as an 80-bit extended. */
export function writeExtended80(value: number, bytes: Uint8Array, at: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 10);
  if (value === 0) {
    for (let i = 0; i < 10; i++) view.setUint8(i, 0);
    return;
  }
  const shift = Math.floor(Math.log2(value));
  const mantissa = BigInt(value) << BigInt(63 - shift);
  view.setUint16(0, 16383 + shift);
  view.setBigUint64(2, mantissa);
}

/**
 * Parses an AIFF or AIFF-C header (FORM/AIFF or FORM/AIFC, big-endian chunks padded to even
 * sizes): the COMM chunk (channels, frames, sample size, 80-bit extended rate and, for AIFF-C,
 * the compression type) and where the SSND chunk's samples start. Supported: AIFF PCM of 8..32
 * bits (signed, big-endian); AIFF-C 'NONE'/'twos', 'sowt' (little-endian), 'in24'/'in32',
 * 'raw ' (unsigned 8-bit), 'fl32'/'FL32', 'fl64'/'FL64'. Anything else compressed is
 * LATHE_AUDIO_FORMAT_UNSUPPORTED.
 *
 * Truncation is an error (LATHE_AUDIO_FILE_INVALID): COMM states the frame count, so an SSND
 * chunk or file that holds fewer bytes than that means the file was cut short, and rendering half
 * a song silently is worse than refusing.
 */
export async function readAiffLayout(source: ByteSource): Promise<AudioDataLayout> {
  const { name, size } = source;
  const invalid = (message: string): LatheError =>
    new LatheError('LATHE_AUDIO_FILE_INVALID', `${name}: ${message}`);
  const head = await source.read(0, 12);
  const form = fourCc(head, 8);
  if (fourCc(head, 0) !== 'FORM' || (form !== 'AIFF' && form !== 'AIFC')) {
    throw invalid('not an AIFF file (no FORM/AIFF or FORM/AIFC header)');
  }
  const isAifc = form === 'AIFC';
  let comm: Uint8Array | undefined;
  let ssnd: { body: number; declared: number } | undefined;
  let position = 12;
  for (
    let chunks = 0;
    chunks < MAX_CHUNKS && position + 8 <= size && (comm === undefined || ssnd === undefined);
    chunks++
  ) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const id = fourCc(header, 0);
    const chunkSize = new DataView(header.buffer, header.byteOffset, 8).getUint32(4);
    const body = position + 8;
    if (id === 'COMM') {
      if (chunkSize < 18 || chunkSize > MAX_COMM_BYTES) throw invalid(`COMM chunk of ${chunkSize} bytes`);
      comm = await source.read(body, chunkSize);
      if (comm.length < chunkSize) throw invalid('truncated: the file ends inside the COMM chunk');
    } else if (id === 'SSND') {
      ssnd = { body, declared: chunkSize };
    }
    position = body + chunkSize + (chunkSize & 1);
  }
  if (comm === undefined) throw invalid('no COMM chunk');
  const view = new DataView(comm.buffer, comm.byteOffset, comm.byteLength);
  const channelCount = view.getInt16(0);
  const frames = view.getUint32(2);
  const sampleBits = view.getInt16(6);
  const rate = readExtended80(comm, 8);
  const sampleRate = Math.round(rate);
  let codecId = 'NONE';
  if (isAifc) {
    if (comm.length < 22) throw invalid('AIFF-C COMM chunk without a compression type');
    codecId = fourCc(comm, 18);
  }
  const codec = CODECS[codecId];
  if (codec === undefined) {
    const known = KNOWN_COMPRESSED[codecId];
    throw new LatheError(
      'LATHE_AUDIO_FORMAT_UNSUPPORTED',
      `${name}: unsupported AIFF-C compression '${codecId}'${known === undefined ? '' : ` (${known})`}; only uncompressed PCM and float are read`,
    );
  }
  if (channelCount < 1) throw invalid(`COMM declares ${channelCount} channels`);
  if (!Number.isFinite(rate) || sampleRate < 1) throw invalid(`COMM declares a sample rate of ${rate} Hz`);
  const bytesPerSample = codec.bytes ?? Math.ceil(sampleBits / 8);
  const bitDepth = codec.encoding === 'float' ? bytesPerSample * 8 : sampleBits;
  if (codec.encoding === 'pcm' && (sampleBits < 1 || sampleBits > 32 || sampleBits > bytesPerSample * 8)) {
    throw new LatheError(
      'LATHE_AUDIO_FORMAT_UNSUPPORTED',
      `${name}: unsupported AIFF sample size of ${sampleBits} bits`,
    );
  }
  const { encoding, littleEndian } = codec;
  const unsignedBytes = codec.unsigned === true;
  const blockAlign = bytesPerSample * channelCount;
  const needed = frames * blockAlign;
  if (ssnd === undefined) {
    if (frames === 0) {
      return layout(0);
    }
    throw invalid(`no SSND chunk, though COMM declares ${frames} frames`);
  }
  const ssndHead = await source.read(ssnd.body, 8);
  if (ssndHead.length < 8) throw invalid('truncated: the file ends inside the SSND chunk header');
  const offset = new DataView(ssndHead.buffer, ssndHead.byteOffset, 8).getUint32(0);
  const dataOffset = ssnd.body + 8 + offset;
  const inChunk = ssnd.declared - 8 - offset;
  const inFile = size - dataOffset;
  const available = Math.min(inChunk, inFile);
  if (available < needed) {
    throw invalid(
      `truncated: COMM declares ${frames} frames (${needed} bytes of samples) but the ${inFile < inChunk ? 'file' : 'SSND chunk'} holds only ${Math.max(0, available)}`,
    );
  }
  return layout(dataOffset);

  function layout(dataOffset: number): AudioDataLayout {
    return {
      container: isAifc ? 'aifc' : 'aiff',
      sampleRate,
      channelCount,
      frames,
      bitDepth,
      bytesPerSample,
      encoding,
      littleEndian,
      unsignedBytes,
      dataOffset,
      codec: isAifc ? codecId : 'PCM',
    };
  }
}
