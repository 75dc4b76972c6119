import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../engine/audio/audio-file.ts';
import { encodeBextChunk, WavStreamWriter, type BextMetadata } from '../../engine/audio/wav-stream-writer.ts';
import { LatheError } from '../../engine/errors.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'lathe-wav-writer-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});
let dirCount = 0;
function freshDir(): string {
  const dir = path.join(root, `d${dirCount++}`);
  mkdirSync(dir);
  return dir;
}

/** sox's own decoding of a file, as doubles (sox scales integers by 2^-(bits-1), like our reader). */
function soxSamples(file: string): Float64Array {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-e', 'floating-point', '-b', '64', '-L', '-']);
  return new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function ffprobe(file: string): {
  streams: Record<string, unknown>[];
  format: { tags?: Record<string, string>; format_name: string };
} {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  ) as { streams: Record<string, unknown>[]; format: { tags?: Record<string, string>; format_name: string } };
}

/** Writes `channels` in uneven pieces, as a render would. */
async function writeInPieces(writer: WavStreamWriter, channels: Float32Array[]): Promise<void> {
  const frames = channels[0]!.length;
  const pieces = [1, 1000, 77, 12345];
  for (let at = 0, n = 0; at < frames; n++) {
    const count = Math.min(pieces[n % pieces.length]!, frames - at);
    await writer.write(
      channels.map((c) => c.subarray(at, at + count)),
      count,
    );
    at += count;
  }
}

/** wavefile's view of the bext chunk: strings without their NUL padding, loudness fields as int16. */
function readBext(wav: wavefile.WaveFile): Record<string, unknown> {
  const raw = wav.bext as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') out[key] = value.replace(/\0+$/, '');
    else if (/^(loudness|max)/.test(key) && typeof value === 'number') out[key] = (value << 16) >> 16;
    else out[key] = value;
  }
  return out;
}

const BEXT: BextMetadata = {
  description: 'Lathe render: album master, track 3',
  originator: 'Lathe',
  originatorReference: 'LATHE-0000000000000042',
  originationDate: '2024-05-17',
  originationTime: '13:45:09',
  timeReference: 86399n * 96000n + 123n, // beyond 32 bits: both halves matter
  loudness: {
    integrated: -14.004,
    range: 6.5,
    maxTruePeak: -1.005,
    maxMomentary: -9.994,
    maxShortTerm: -11.2,
  },
  codingHistory: 'A=PCM,F=96000,W=24,M=stereo,T=Lathe mix\nA=PCM,F=48000,W=24,M=stereo,T=Lathe render',
};

describe('WavStreamWriter', () => {
  it('writes 16/24-bit PCM and 32-bit float that sox, ffprobe and our reader decode to the exact samples: exact LSB multiples kept, others rounded to nearest, clamped', async () => {
    const dir = freshDir();
    const frames = 30001; // odd: 24-bit mono data needs a pad byte
    for (const format of ['16', '24', '32f'] as const) {
      const bits = format === '16' ? 16 : 24;
      const lsb = 2 ** -(bits - 1);
      // Channel 0: exact multiples of the LSB across the whole range, including both ends.
      // Channel 1: arbitrary values, a few out of range, and NaN.
      const exact = new Float32Array(frames).map(
        (_, i) => (Math.round(((i * 7919) % 65536) * 2 ** (bits - 16)) - 2 ** (bits - 1)) * lsb,
      );
      exact[0] = -1;
      exact[1] = 1 - lsb;
      const loose = new Float32Array(frames).map((_, i) => 1.2 * Math.sin(i * 0.001) + 1e-9 * i);
      loose[5] = NaN;
      loose[6] = 1;
      loose[7] = -1.5;
      for (const channelCount of [1, 2, 3]) {
        const channels = [exact, loose, exact.map((x) => -x / 2)].slice(0, channelCount);
        const target = path.join(dir, `out-${format}-${channelCount}.wav`);
        const writer = await WavStreamWriter.create(target, { sampleRate: 48000, channelCount, format });
        await writeInPieces(writer, channels);
        await writer.finish();
        const sox = soxSamples(target);
        const ours = await readAudioFile(target);
        expect(ours.format.frames).toBe(frames);
        expect(ours.format.channelCount).toBe(channelCount);
        expect(sox.length).toBe(frames * channelCount);
        for (let c = 0; c < channelCount; c++) {
          const src = channels[c]!;
          for (let i = 0; i < frames; i++) {
            const x = src[i]!;
            let expected: number;
            if (format === '32f') expected = x;
            else if (Number.isNaN(x)) expected = 0;
            else
              expected =
                Math.min(2 ** (bits - 1) - 1, Math.max(-(2 ** (bits - 1)), Math.round(x / lsb))) * lsb;
            const soxValue = sox[i * channelCount + c]!;
            const oursValue = ours.channels[c]![i]!;
            // sox holds samples as 32-bit integers internally: floats come back clipped to +-1
            // and rounded to 2^-31 (our reader is exact, so it must match bit for bit).
            const soxOk =
              format === '32f'
                ? Number.isNaN(expected) ||
                  Math.abs(soxValue - Math.max(-1, Math.min(1, expected))) <= 2 ** -31
                : soxValue === expected;
            const oursOk = Number.isNaN(expected)
              ? Number.isNaN(oursValue)
              : oursValue === Math.fround(expected);
            if (!soxOk || !oursOk) {
              throw new Error(
                `${format} ch ${c} frame ${i}: wrote ${x}, expected ${expected}, sox ${soxValue}, ours ${ours.channels[c]![i]}`,
              );
            }
          }
        }
        // Exact multiples survive untouched (the exactness promise), whatever the channel count.
        expect(ours.channels[0]).toEqual(exact);
        const probe = ffprobe(target);
        expect(probe.format.format_name).toBe('wav');
        expect(probe.streams[0]!['codec_name']).toBe(
          format === '16' ? 'pcm_s16le' : format === '24' ? 'pcm_s24le' : 'pcm_f32le',
        );
        expect(probe.streams[0]!['channels']).toBe(channelCount);
      }
    }
  });

  it('writes a BWF bext chunk (v2 loudness, 64-bit time reference, coding history) that wavefile, ffprobe and sox read back', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'master.wav');
    const writer = await WavStreamWriter.create(target, {
      sampleRate: 96000,
      channelCount: 2,
      format: '24',
      bext: BEXT,
    });
    const tone = new Float32Array(9600).map((_, i) => 0.5 * Math.sin(i * 0.05));
    await writeInPieces(writer, [tone, tone]);
    await writer.finish();

    const wav = new wavefile.WaveFile(readFileSync(target));
    const bext = readBext(wav);
    console.log(
      'bext as wavefile reads it:',
      JSON.stringify({ ...bext, reserved: undefined, UMID: undefined }),
    );
    expect(bext['description']).toBe(BEXT.description);
    expect(bext['originator']).toBe('Lathe');
    expect(bext['originatorReference']).toBe(BEXT.originatorReference);
    expect(bext['originationDate']).toBe('2024-05-17');
    expect(bext['originationTime']).toBe('13:45:09');
    const [low, high] = bext['timeReference'] as [number, number];
    expect(BigInt(high) * 2n ** 32n + BigInt(low)).toBe(BEXT.timeReference);
    expect(bext['version']).toBe(2);
    // Tech 3285 §2.4: round(100 x value), ties away from zero.
    expect([
      bext['loudnessValue'],
      bext['loudnessRange'],
      bext['maxTruePeakLevel'],
      bext['maxMomentaryLoudness'],
      bext['maxShortTermLoudness'],
    ]).toEqual([-1400, 650, -101, -999, -1120]);
    expect(bext['codingHistory']).toBe(
      'A=PCM,F=96000,W=24,M=stereo,T=Lathe mix\r\nA=PCM,F=48000,W=24,M=stereo,T=Lathe render\r\n',
    );

    // ffmpeg's wav demuxer maps bext onto its own tag names.
    const tags = ffprobe(target).format.tags ?? {};
    expect(tags['comment']).toBe(BEXT.description);
    expect(tags['encoded_by']).toBe('Lathe');
    expect(tags['originator_reference']).toBe(BEXT.originatorReference);
    expect(tags['date']).toBe('2024-05-17');
    expect(tags['creation_time']).toBe('13:45:09');
    expect(tags['time_reference']).toBe(String(BEXT.timeReference));
    expect(tags['coding_history']).toContain('T=Lathe mix');
    const soxi = execFileSync('soxi', [target], { encoding: 'utf8' });
    expect(soxi).toMatch(/Sample Rate\s*:\s*96000/);
    expect(soxi).toMatch(/Duration\s*:\s*00:00:00\.10 = 9600 samples/);
    const soxTone = soxSamples(target);
    for (let i = 0; i < 100; i++) expect(soxTone[2 * i + 1]).toBe(Math.round(tone[i]! * 2 ** 23) / 2 ** 23);
  });

  it('fills loudness measured during the render in at finish (version 1 -> 2); absent or unrepresentable values are 0x7FFF', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'late.wav');
    const writer = await WavStreamWriter.create(target, {
      sampleRate: 48000,
      channelCount: 2,
      format: '32f',
      bext: { description: 'x', version: 1 },
    });
    const silence = new Float32Array(480);
    await writer.write([silence, silence], 480);
    await writer.finish({
      loudness: { integrated: -Infinity, range: 0, maxTruePeak: -120.5, maxMomentary: -70 },
    });
    const bext = readBext(new wavefile.WaveFile(readFileSync(target)));
    expect(bext['version']).toBe(2);
    expect([
      bext['loudnessValue'],
      bext['loudnessRange'],
      bext['maxTruePeakLevel'],
      bext['maxMomentaryLoudness'],
      bext['maxShortTermLoudness'],
    ]).toEqual([0x7fff, 0, 0x7fff, -7000, 0x7fff]);
    // The rounding examples of Tech 3285 §2.4 (ties away from zero, as decimals are written).
    const examples = encodeBextChunk({
      loudness: {
        integrated: -22.645,
        range: 12.765,
        maxTruePeak: -22.644,
        maxMomentary: 12.764,
        maxShortTerm: -22.646,
      },
    });
    const fields = new DataView(examples.buffer, 8 + 412, 10);
    expect([0, 2, 4, 6, 8].map((at) => fields.getInt16(at, true))).toEqual([-2265, 1277, -2264, 1276, -2265]);
    // Version 1 without loudness: the fields stay zero (reserved in v1).
    const v1 = encodeBextChunk({ description: 'v1' });
    expect(new DataView(v1.buffer).getUint16(8 + 346, true)).toBe(1);
    expect(v1.subarray(8 + 412, 8 + 602).every((b) => b === 0)).toBe(true);
  });

  it('rejects bext fields that do not fit with LATHE_AUDIO_METADATA_INVALID, before creating anything', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'bad.wav');
    for (const bext of [
      { description: 'x'.repeat(257) },
      { originator: 'é' },
      { originationDate: '2024-13-01' },
      { originationDate: '17.05.2024' },
      { originationTime: '24:00:00' },
      { timeReference: -1 },
      { timeReference: 1.5 },
      { timeReference: 1n << 64n },
    ] as BextMetadata[]) {
      await expect(
        WavStreamWriter.create(target, { sampleRate: 48000, channelCount: 2, format: '24', bext }),
      ).rejects.toMatchObject({
        code: 'LATHE_AUDIO_METADATA_INVALID',
      });
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the target absent until finish, renames atomically, and abort leaves nothing behind', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'render.wav');
    const writer = await WavStreamWriter.create(target, { sampleRate: 44100, channelCount: 2, format: '16' });
    const block = new Float32Array(4410).fill(0.25);
    await writer.write([block, block], 2205);
    // A sync along the way (the render output worker's) changes nothing in the file.
    await writer.syncData();
    await writer.write([block.subarray(2205), block.subarray(2205)], 2205);
    const during = readdirSync(dir);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^\.render\.wav\.[0-9a-f]+\.partial$/);
    expect(path.join(dir, during[0]!)).toBe(writer.tempPath);
    expect(existsSync(target)).toBe(false);
    await writer.finish();
    expect(readdirSync(dir)).toEqual(['render.wav']);
    expect((await readAudioFile(target)).format.frames).toBe(4410);
    await expect(writer.write([block, block], 10)).rejects.toBeInstanceOf(LatheError);
    await expect(writer.syncData()).rejects.toBeInstanceOf(LatheError);
    expect((await readAudioFile(target)).channels[1]!.every((x) => x === 0.25)).toBe(true);

    // A second render over an existing target: aborted, the old file is untouched.
    const before = readFileSync(target);
    const again = await WavStreamWriter.create(target, { sampleRate: 44100, channelCount: 2, format: '24' });
    await again.write([block, block], 4410);
    expect(readdirSync(dir)).toHaveLength(2);
    await again.abort();
    await again.abort(); // idempotent
    expect(readdirSync(dir)).toEqual(['render.wav']);
    expect(readFileSync(target).equals(before)).toBe(true);
  });

  it('reports write failures as LATHE_AUDIO_WRITE_FAILED naming the file: missing directory, directory removed mid-render', async () => {
    const dir = freshDir();
    const missing = path.join(dir, 'nope', 'x.wav');
    const error = await WavStreamWriter.create(missing, {
      sampleRate: 48000,
      channelCount: 2,
      format: '24',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheError);
    expect(error).toMatchObject({ code: 'LATHE_AUDIO_WRITE_FAILED' });
    expect((error as Error).message).toContain(missing);
    console.log(`missing directory: ${(error as Error).message}`);

    const doomed = freshDir();
    const target = path.join(doomed, 'x.wav');
    const writer = await WavStreamWriter.create(target, { sampleRate: 48000, channelCount: 2, format: '24' });
    const block = new Float32Array(1000);
    await writer.write([block, block], 1000);
    rmSync(doomed, { recursive: true, force: true });
    // The open file still takes writes (Linux keeps the unlinked inode); the rename cannot happen.
    await writer.write([block, block], 1000).catch(() => undefined);
    const failure = await writer.finish().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LatheError);
    expect(failure).toMatchObject({ code: 'LATHE_AUDIO_WRITE_FAILED' });
    expect((failure as Error).message).toContain(target);
    console.log(`directory removed: ${(failure as Error).message}`);
    expect(existsSync(doomed)).toBe(false);
  });

  it('switches to RF64 (ds64 in the reserved JUNK room) when asked; ffprobe, sox and our reader read it', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'big.wav');
    const writer = await WavStreamWriter.create(target, {
      sampleRate: 48000,
      channelCount: 6,
      format: '32f',
      rf64: 'always',
      bext: BEXT,
      channelMask: 0x3f,
    });
    const channels = Array.from({ length: 6 }, (_, c) =>
      new Float32Array(4801).map((_, i) => Math.sin(i * 0.01 * (c + 1)) * 0.5),
    );
    await writeInPieces(writer, channels);
    await writer.finish();
    const bytes = readFileSync(target);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RF64');
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('ds64');
    const probe = ffprobe(target);
    expect(probe.streams[0]!['channels']).toBe(6);
    expect(probe.streams[0]!['duration_ts']).toBe(4801);
    expect(probe.format.tags?.['encoded_by']).toBe('Lathe');
    expect(probe.format.tags?.['time_reference']).toBe(String(BEXT.timeReference));
    const ours = await readAudioFile(target);
    expect(ours.format.container).toBe('rf64');
    channels.forEach((c, i) => {
      expect(ours.channels[i]).toEqual(c);
    });
    const sox = soxSamples(target);
    expect(sox.length).toBe(6 * 4801);
    expect(sox[6 * 100 + 5]).toBe(channels[5]![100]);
  });
});
