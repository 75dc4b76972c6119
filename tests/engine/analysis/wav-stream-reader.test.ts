import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav, WavStreamReader } from '../../../engine/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-wav-stream-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Layout {
  readonly tag: 1 | 3;
  readonly bits: number;
  readonly channels: number;
  readonly extensible?: boolean;
  /** Chunk inserted between `fmt ` and `data` (odd sizes are padded). */
  readonly junkBytes?: number;
  /** Written into the data chunk's size field instead of the real size. */
  readonly declaredDataSize?: number;
  /** A chunk after the data chunk (e.g. LIST metadata). */
  readonly trailer?: boolean;
}

/** A WAV file built byte by byte, so every header variant can be made; random sample bytes. */
function craft(layout: Layout, frames: number, seed = 1): Uint8Array {
  const { tag, bits, channels } = layout;
  const blockAlign = (bits / 8) * channels;
  const dataBytes = frames * blockAlign;
  const fmtBytes = layout.extensible === true ? 40 : 16;
  const junk = layout.junkBytes ?? 0;
  const junkChunk = junk > 0 ? 8 + junk + (junk & 1) : 0;
  const trailer = layout.trailer === true ? 8 + 4 : 0;
  const size = 12 + 8 + fmtBytes + junkChunk + 8 + dataBytes + (dataBytes & 1) + trailer;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, size - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, layout.extensible === true ? 0xfffe : tag, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, 48000, true);
  view.setUint32(28, 48000 * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  let at = 36;
  if (layout.extensible === true) {
    view.setUint16(36, 22, true);
    view.setUint16(38, bits, true);
    view.setUint32(40, channels === 6 ? 0x3f : 0, true);
    view.setUint16(44, tag, true);
    // The rest of the KSDATAFORMAT GUID: 0000-0010-8000-00aa00389b71.
    out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
    at = 60;
  }
  if (junk > 0) {
    ascii(at, 'junk');
    view.setUint32(at + 4, junk, true);
    at += junkChunk;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, layout.declaredDataSize ?? dataBytes, true);
  at += 8;
  let state = seed;
  for (let i = 0; i < frames * channels; i++) {
    const o = at + i * (bits / 8);
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const u = state / 2 ** 32;
    if (tag === 3 && bits === 32) view.setFloat32(o, u * 2 - 1, true);
    else if (tag === 3) view.setFloat64(o, u * 2 - 1, true);
    else for (let b = 0; b < bits / 8; b++) out[o + b] = (state >>> (b * 8)) & 0xff;
  }
  if (layout.trailer === true) {
    at += dataBytes + (dataBytes & 1);
    ascii(at, 'LIST');
    view.setUint32(at + 4, 4, true);
    ascii(at + 8, 'INFO');
  }
  return out;
}

let fileCount = 0;
function save(bytes: Uint8Array): string {
  const file = path.join(dir, `f${fileCount++}.wav`);
  writeFileSync(file, bytes);
  return file;
}

/** Index of the first sample where `a` differs from `b` (over a's length), -1 if none: fast on long arrays. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Every frame through the reader, small blocks so frames cross block boundaries. */
async function readAll(
  file: string,
  blockFrames = 100,
): Promise<{ format: WavStreamReader['format']; channels: Float32Array[] }> {
  const reader = await WavStreamReader.open(file, blockFrames);
  try {
    const { channelCount, frames } = reader.format;
    const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
    const block = Array.from({ length: channelCount }, () => new Float32Array(blockFrames));
    let at = 0;
    for (let n = await reader.read(block); n > 0; n = await reader.read(block)) {
      block.forEach((b, c) => {
        channels[c]!.set(b.subarray(0, n), at);
      });
      at += n;
    }
    expect(at).toBe(frames);
    return { format: reader.format, channels };
  } finally {
    await reader.close();
  }
}

describe('WavStreamReader', () => {
  const layouts: [string, Layout][] = [
    ['PCM 8-bit mono', { tag: 1, bits: 8, channels: 1 }],
    ['PCM 16-bit stereo', { tag: 1, bits: 16, channels: 2 }],
    ['PCM 24-bit stereo', { tag: 1, bits: 24, channels: 2 }],
    ['PCM 32-bit stereo', { tag: 1, bits: 32, channels: 2 }],
    ['float 32 stereo', { tag: 3, bits: 32, channels: 2 }],
    ['float 64 mono', { tag: 3, bits: 64, channels: 1 }],
    ['extensible PCM 24-bit 5.1', { tag: 1, bits: 24, channels: 6, extensible: true }],
    ['extensible float 32 stereo', { tag: 3, bits: 32, channels: 2, extensible: true }],
    ['an odd-sized chunk before data', { tag: 1, bits: 16, channels: 2, junkBytes: 3 }],
    ['a chunk after data', { tag: 1, bits: 8, channels: 1, trailer: true }],
  ];
  it.each(layouts)('reads %s exactly as decodeWav does', async (_name, layout) => {
    const bytes = craft(layout, 1001);
    const { format, channels } = await readAll(save(bytes));
    const expected = decodeWav(bytes);
    expect(format.frames).toBe(1001);
    expect(format.channelCount).toBe(layout.channels);
    expect(format.bitDepth).toBe(layout.bits);
    expect(format.encoding).toBe(layout.tag === 3 ? 'float' : 'pcm');
    expect(format.dataSizeTrusted).toBe(true);
    channels.forEach((channel, c) => {
      // wavefile counts an odd-sized data chunk's pad byte as a sample: compare the real frames.
      expect(channel).toEqual(expected.channels[c]!.subarray(0, 1001));
    });
  });

  it.each([
    ['0xFFFFFFFF', 0xffffffff],
    ['larger than the file', 10_000_000],
    ['0', 0],
  ])('trusts the file size when the data size is %s', async (_name, declared) => {
    const bytes = craft({ tag: 1, bits: 16, channels: 2, declaredDataSize: declared }, 777);
    const { format, channels } = await readAll(save(bytes));
    expect(format.frames).toBe(777);
    expect(format.dataSizeTrusted).toBe(false);
    expect(channels[1]).toEqual(decodeWav(craft({ tag: 1, bits: 16, channels: 2 }, 777)).channels[1]);
  });

  it('stops at a frame boundary when the file ends mid-frame', async () => {
    const bytes = craft({ tag: 1, bits: 24, channels: 2 }, 50);
    const { format } = await readAll(save(bytes.subarray(0, bytes.length - 4)));
    expect(format.frames).toBe(49);
    expect(format.dataSizeTrusted).toBe(false);
  });

  it('reads a file of many read-ahead buffers exactly as decodeWav, for odd and even block sizes', async () => {
    // 24-bit stereo (two frames per three 32-bit words, so odd blocks start mid-word), 1.1 M
    // frames: seven ~1 MB reads, more than the ring of buffers holds at once.
    const frames = 1_100_001;
    const bytes = craft({ tag: 1, bits: 24, channels: 2 }, frames, 5);
    const file = save(bytes);
    const expected = decodeWav(bytes);
    for (const blockFrames of [777, 4097, 65536]) {
      const { channels } = await readAll(file, blockFrames);
      channels.forEach((channel, c) => {
        expect(firstDifference(channel, expected.channels[c]!)).toBe(-1);
      });
    }
  }, 60_000);

  it('stops at what is there when the file shrinks after it was opened', async () => {
    const frames = 600_000; // 3.6 MB of 24-bit stereo: four reads
    const bytes = craft({ tag: 1, bits: 24, channels: 2 }, frames, 9);
    const file = save(bytes);
    const reader = await WavStreamReader.open(file, 8192);
    try {
      expect(reader.format.frames).toBe(frames);
      const kept = 250_000;
      truncateSync(file, bytes.length - (frames - kept) * 6 - 3); // mid-frame, too
      const block = [new Float32Array(8192), new Float32Array(8192)];
      const expected = decodeWav(bytes).channels[1]!;
      let at = 0;
      for (let n = await reader.read(block); n > 0; n = await reader.read(block)) {
        expect(firstDifference(block[1]!.subarray(0, n), expected.subarray(at, at + n))).toBe(-1);
        at += n;
      }
      expect(at).toBe(kept - 1);
      expect(await reader.read(block)).toBe(0);
    } finally {
      await reader.close();
    }
  });

  it('gives full scale as the largest positive code', async () => {
    const pcm16 = await WavStreamReader.open(save(craft({ tag: 1, bits: 16, channels: 1 }, 1)));
    expect(pcm16.format.fullScale).toBe(32767 / 32768);
    await pcm16.close();
    const float = await WavStreamReader.open(save(craft({ tag: 3, bits: 32, channels: 1 }, 1)));
    expect(float.format.fullScale).toBe(1);
    await float.close();
  });

  it.each([
    ['a text file', new TextEncoder().encode('hello, this is not audio at all\n'), /not a WAV file/],
    ['an empty file', new Uint8Array(0), /not a WAV file/],
    [
      'a RIFF header and nothing else',
      craft({ tag: 1, bits: 16, channels: 2 }, 0).subarray(0, 12),
      /no `fmt ` chunk/,
    ],
    [
      'an unsupported format (A-law)',
      (() => {
        const b = craft({ tag: 1, bits: 16, channels: 1 }, 4);
        b[20] = 6;
        return b;
      })(),
      /unsupported WAV format \(format 6/,
    ],
  ])('rejects %s with LATHE_WAV_INVALID', async (_name, bytes, message) => {
    await expect(WavStreamReader.open(save(bytes))).rejects.toMatchObject({
      code: 'LATHE_WAV_INVALID',
      message: expect.stringMatching(message) as unknown,
    });
  });

  it('says clearly when the file does not exist', async () => {
    await expect(WavStreamReader.open(path.join(dir, 'missing.wav'))).rejects.toMatchObject({
      code: 'LATHE_WAV_INVALID',
      message: `${path.join(dir, 'missing.wav')}: cannot open: no such file`,
    });
  });
});
