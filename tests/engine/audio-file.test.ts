import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readExtended80, writeExtended80 } from '../../engine/audio/aiff-file.ts';
import { openAudioFile, readAudioFile } from '../../engine/audio/audio-file.ts';
import { LatheError } from '../../engine/errors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-audio-file-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string): string => path.join(dir, name);

/** sox's decoding of any file it reads, interleaved doubles (integers scaled by 2^-(bits-1)). */
function soxSamples(input: string): Float64Array {
  const raw = execFileSync('sox', [input, '-t', 'raw', '-e', 'floating-point', '-b', '64', '-L', '-']);
  return new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** A sox-synthesised test file: a different tone per channel, near full scale, no dither. */
function soxSynth(
  name: string,
  args: { rate?: number; channels: number; bits: number; encoding: string },
  seconds = 0.2,
): string {
  const tones = Array.from({ length: args.channels }, (_, c) => [
    'sine',
    String(97 * (c + 1) + 13 * c * c),
  ]).flat();
  execFileSync('sox', [
    '-D',
    '-n',
    '-r',
    String(args.rate ?? 44100),
    '-c',
    String(args.channels),
    '-b',
    String(args.bits),
    '-e',
    args.encoding,
    file(name),
    'synth',
    String(seconds),
    ...tones,
    'vol',
    '0.99',
  ]);
  return file(name);
}

/** Our decoding equals sox's: exactly for integers (float32 holds every 24-bit code; 32-bit rounds once). */
function expectSameAsSox(target: string, channels: Float32Array[], float: boolean): void {
  const sox = soxSamples(target);
  const count = channels.length;
  expect(sox.length).toBe(channels[0]!.length * count);
  let mismatches = 0;
  for (let i = 0; i < sox.length; i++) {
    const ours = channels[i % count]![Math.floor(i / count)]!;
    const theirs = sox[i]!;
    // sox keeps samples as 32-bit integers: float files come back rounded to 2^-31.
    const ok = float
      ? Math.abs(ours - theirs) <= Math.max(2 ** -31, Math.abs(theirs) * 2 ** -24)
      : ours === Math.fround(theirs);
    if (!ok) mismatches++;
  }
  expect(mismatches).toBe(0);
}

describe('readAudioFile / openAudioFile', () => {
  it('reads WAV PCM 8/16/24/32-bit and float 32/64, mono to 6 channels, plain and WAVE_FORMAT_EXTENSIBLE, and RF64, sample for sample as sox decodes them', async () => {
    const rows: string[] = [];
    for (const [bits, encoding] of [
      [8, 'unsigned-integer'],
      [16, 'signed-integer'],
      [24, 'signed-integer'],
      [32, 'signed-integer'],
      [32, 'floating-point'],
      [64, 'floating-point'],
    ] as const) {
      for (const channels of [1, 2, 6]) {
        const target = soxSynth(`w-${bits}-${encoding}-${channels}.wav`, { channels, bits, encoding });
        const audio = await readAudioFile(target);
        const float = encoding === 'floating-point';
        expect(audio.sampleRate).toBe(44100);
        expect(audio.format).toMatchObject({
          container: 'wav',
          channelCount: channels,
          frames: 8820,
          bitDepth: bits,
          encoding: float ? 'float' : 'pcm',
        });
        expectSameAsSox(target, audio.channels, float);
        rows.push(`${bits}-bit ${encoding} x${channels}: ${audio.format.codec}`);
      }
    }
    console.log(`WAV variants read (fmt tag as sox wrote it):\n${rows.join('\n')}`);
    expect(rows.some((r) => r.endsWith('WAVE_FORMAT_EXTENSIBLE'))).toBe(true);
    expect(rows.some((r) => r.endsWith(': PCM'))).toBe(true);

    const source = soxSynth('rf-src.wav', { channels: 2, bits: 24, encoding: 'signed-integer' });
    const rf64 = file('rf64.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', source, '-rf64', 'always', '-c:a', 'pcm_s24le', rf64]);
    const audio = await readAudioFile(rf64);
    expect(audio.format.container).toBe('rf64');
    expect(audio.channels).toEqual((await readAudioFile(source)).channels);
  });

  it('reads AIFF (8/16/24/32-bit big-endian) and AIFF-C (NONE, sowt, fl32, fl64) exactly as the WAV they were converted from, and as sox decodes them', async () => {
    const source24 = soxSynth('a-src24.wav', { channels: 2, bits: 24, encoding: 'signed-integer' });
    const source16 = soxSynth('a-src16.wav', { channels: 2, bits: 16, encoding: 'signed-integer' });
    const six = soxSynth('a-six.wav', { channels: 6, bits: 24, encoding: 'signed-integer' });
    const reference24 = (await readAudioFile(source24)).channels;
    const reference16 = (await readAudioFile(source16)).channels;
    const reference6 = (await readAudioFile(six)).channels;
    const sox = (from: string, to: string, ...args: string[]): string => {
      execFileSync('sox', ['-D', from, ...args, file(to)]);
      return file(to);
    };
    const ffmpeg = (from: string, to: string, codec: string): string => {
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', from, '-c:a', codec, '-f', 'aiff', file(to)]);
      return file(to);
    };
    const cases: {
      target: string;
      container: string;
      codec: string;
      reference: Float32Array[] | null;
      float: boolean;
    }[] = [
      {
        target: sox(source16, 'p16.aiff', '-b', '16'),
        container: 'aiff',
        codec: 'PCM',
        reference: reference16,
        float: false,
      },
      {
        target: sox(source24, 'p24.aiff', '-b', '24'),
        container: 'aiff',
        codec: 'PCM',
        reference: reference24,
        float: false,
      },
      {
        target: sox(source24, 'p32.aiff', '-b', '32'),
        container: 'aiff',
        codec: 'PCM',
        reference: reference24,
        float: false,
      },
      {
        target: sox(six, 'p24x6.aiff', '-b', '24'),
        container: 'aiff',
        codec: 'PCM',
        reference: reference6,
        float: false,
      },
      {
        target: sox(source16, 'p8.aiff', '-b', '8'),
        container: 'aiff',
        codec: 'PCM',
        reference: null,
        float: false,
      },
      {
        target: sox(source24, 'f32.aifc', '-e', 'floating-point', '-b', '32'),
        container: 'aifc',
        codec: 'fl32',
        reference: reference24,
        float: true,
      },
      {
        target: sox(source24, 'f64.aifc', '-e', 'floating-point', '-b', '64'),
        container: 'aifc',
        codec: 'fl64',
        reference: reference24,
        float: true,
      },
      {
        target: ffmpeg(source16, 'sowt.aiff', 'pcm_s16le'),
        container: 'aifc',
        codec: 'sowt',
        reference: reference16,
        float: false,
      },
      {
        target: ffmpeg(source16, 'none16.aifc', 'pcm_s16be'),
        container: 'aiff',
        codec: 'PCM',
        reference: reference16,
        float: false,
      },
      {
        target: ffmpeg(source24, 'ffmpeg-fl32.aiff', 'pcm_f32be'),
        container: 'aifc',
        codec: 'fl32',
        reference: reference24,
        float: true,
      },
    ];
    for (const { target, container, codec, reference, float } of cases) {
      const audio = await readAudioFile(target);
      expect(audio.format.container, target).toBe(container);
      expect(audio.format.codec, target).toBe(codec);
      expect(audio.sampleRate).toBe(44100);
      if (reference !== null) expect(audio.channels, target).toEqual(reference);
      expectSameAsSox(target, audio.channels, float);
    }
  });

  it('decodes the 80-bit extended sample rate of AIFF', async () => {
    const bytes = new Uint8Array(10);
    writeExtended80(44100, bytes, 0);
    expect(Array.from(bytes)).toEqual([0x40, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0]);
    expect(readExtended80(Uint8Array.from([0x40, 0x0e, 0xbb, 0x80, 0, 0, 0, 0, 0, 0]), 0)).toBe(48000);
    expect(readExtended80(Uint8Array.from([0x3f, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]), 0)).toBe(1);
    expect(readExtended80(Uint8Array.from([0xc0, 0x00, 0xc0, 0, 0, 0, 0, 0, 0, 0]), 0)).toBe(-3);
    for (const rate of [
      1, 8000, 11025, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 2822400,
    ]) {
      writeExtended80(rate, bytes, 0);
      expect(readExtended80(bytes, 0)).toBe(rate);
    }
    for (const rate of [8000, 22050, 88200, 96000, 176400, 192000]) {
      execFileSync('sox', [
        '-n',
        '-r',
        String(rate),
        '-b',
        '16',
        file(`r${rate}.aiff`),
        'synth',
        '0.01',
        'sine',
        '440',
      ]);
      const audio = await readAudioFile(file(`r${rate}.aiff`));
      expect(audio.sampleRate).toBe(rate);
      expect(audio.format.frames).toBe(
        Number(execFileSync('soxi', ['-s', file(`r${rate}.aiff`)], { encoding: 'utf8' })),
      );
    }
  });

  it('streams a file in blocks: the same samples as reading it whole', async () => {
    const target = soxSynth('stream.wav', { channels: 6, bits: 24, encoding: 'signed-integer' }, 1);
    const whole = await readAudioFile(target);
    const reader = await openAudioFile(target, 999);
    expect(reader.blockFrames).toBe(999);
    expect(reader.format.frames).toBe(44100);
    const got = whole.channels.map(() => new Float32Array(44100));
    let at = 0;
    for (;;) {
      const n = await reader.read(got, at);
      if (n === 0) break;
      expect(n).toBeLessThanOrEqual(999);
      at += n;
      expect(reader.framesLeft).toBe(44100 - at);
    }
    await reader.close();
    expect(at).toBe(44100);
    expect(got).toEqual(whole.channels);
  });

  it('takes an unfinalised streamed WAV (data size 0xFFFFFFFF or 0) to the end of the file', async () => {
    const source = soxSynth('placeholder-src.wav', { channels: 2, bits: 16, encoding: 'signed-integer' });
    const bytes = readFileSync(source);
    const dataAt = bytes.indexOf('data');
    const reference = await readAudioFile(source);
    for (const size of [0xffffffff, 0]) {
      const copy = Buffer.from(bytes);
      copy.writeUInt32LE(size, dataAt + 4);
      writeFileSync(file('placeholder.wav'), copy);
      expect((await readAudioFile(file('placeholder.wav'))).channels).toEqual(reference.channels);
    }
  });

  describe('bad input: one LatheError naming the file and the problem', () => {
    const cases: { name: string; make: () => string; code: string; says: RegExp }[] = [
      {
        name: 'missing file',
        make: () => file('no-such.wav'),
        code: 'LATHE_AUDIO_FILE_UNREADABLE',
        says: /no such file/,
      },
      {
        name: 'a directory',
        make: () => {
          mkdirSync(file('a-dir.wav'), { recursive: true });
          return file('a-dir.wav');
        },
        code: 'LATHE_AUDIO_FILE_UNREADABLE',
        says: /is a directory/,
      },
      {
        name: 'zero-length file',
        make: () => write('empty.wav', new Uint8Array(0)),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /empty file/,
      },
      {
        name: 'PNG image',
        make: () =>
          write(
            'picture.wav',
            Uint8Array.from([
              0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
            ]),
          ),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /not an audio file \(looks like a PNG image\)/,
      },
      {
        name: 'text file',
        make: () => write('notes.wav', new TextEncoder().encode('title,artist\nSong,Band\n')),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /looks like text/,
      },
      {
        name: 'tiny file',
        make: () => write('tiny.wav', Uint8Array.from([1, 2, 3])),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /only 3 bytes/,
      },
      {
        name: 'RIFF that is not WAVE',
        make: () =>
          write('movie.wav', new TextEncoder().encode('RIFF\x10\x00\x00\x00AVI LIST\x00\x00\x00\x00')),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /type 'AVI ', not WAVE or AIFF/,
      },
      {
        name: 'truncated WAV (data shorter than declared)',
        make: () => cut(soxSynth('t.wav', { channels: 2, bits: 24, encoding: 'signed-integer' }), 0.5),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /truncated: the data chunk declares 52920 bytes but the file holds only/,
      },
      {
        name: 'WAV cut inside its header',
        make: () => cut(soxSynth('th.wav', { channels: 2, bits: 16, encoding: 'signed-integer' }), 30),
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /truncated: the file ends inside the `fmt ` chunk/,
      },
      {
        name: 'truncated AIFF',
        make: () => {
          execFileSync('sox', [
            soxSynth('ta.wav', { channels: 2, bits: 16, encoding: 'signed-integer' }),
            file('ta.aiff'),
          ]);
          return cut(file('ta.aiff'), 0.7);
        },
        code: 'LATHE_AUDIO_FILE_INVALID',
        says: /truncated: COMM declares 8820 frames \(35280 bytes of samples\) but the file holds only/,
      },
      {
        name: '8-bit u-law WAV',
        make: () => soxSynth('ulaw.wav', { channels: 1, bits: 8, encoding: 'u-law' }),
        code: 'LATHE_AUDIO_FORMAT_UNSUPPORTED',
        says: /unsupported WAV encoding, format tag 0x0007 \(u-law\)/,
      },
      {
        name: '8-bit A-law WAV',
        make: () => soxSynth('alaw.wav', { channels: 1, bits: 8, encoding: 'a-law' }),
        code: 'LATHE_AUDIO_FORMAT_UNSUPPORTED',
        says: /format tag 0x0006 \(A-law\)/,
      },
      {
        name: 'u-law AIFF-C',
        make: () => {
          execFileSync('ffmpeg', [
            '-v',
            'error',
            '-y',
            '-i',
            soxSynth('u.wav', { channels: 1, bits: 16, encoding: 'signed-integer' }),
            '-c:a',
            'pcm_mulaw',
            '-f',
            'aiff',
            file('ulaw.aifc'),
          ]);
          return file('ulaw.aifc');
        },
        code: 'LATHE_AUDIO_FORMAT_UNSUPPORTED',
        says: /unsupported AIFF-C compression 'ulaw' \(u-law\)/,
      },
      {
        name: 'FLAC',
        make: () => {
          execFileSync('sox', [
            soxSynth('f.wav', { channels: 1, bits: 16, encoding: 'signed-integer' }),
            file('song.flac'),
          ]);
          return file('song.flac');
        },
        code: 'LATHE_AUDIO_FORMAT_UNSUPPORTED',
        says: /FLAC files are not supported/,
      },
    ];
    for (const { name, make, code, says } of cases) {
      it(name, async () => {
        const target = make();
        const error = await readAudioFile(target).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LatheError);
        expect(error).toMatchObject({ code });
        expect((error as Error).message.startsWith(`${target}: `)).toBe(true);
        expect((error as Error).message).toMatch(says);
        await expect(openAudioFile(target)).rejects.toMatchObject({ code });
      });
    }
  });
});

function write(name: string, bytes: Uint8Array): string {
  writeFileSync(file(name), bytes);
  return file(name);
}

/** A copy of `source` cut to a fraction of its size, or to a byte count. */
function cut(source: string, keep: number): string {
  const bytes = readFileSync(source);
  const target = source.replace(/(\.\w+)$/, '-cut$1');
  writeFileSync(target, bytes.subarray(0, keep < 1 ? Math.floor(bytes.length * keep) : keep));
  return target;
}
