import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { measureLoudness, readAudioFile, writeWav } from '../../engine/index.ts';
import { LatheRunner } from '../support/cli-process.ts';
import { ffmpegReading, scaleToLufs, transientMaster } from '../support/target-material.ts';

const runner = new LatheRunner();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-target-'));
afterEach(() => runner.killAll());
afterAll(async () => {
  await runner.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const RATE = 48000;
const input = path.join(dir, 'quiet.wav');

beforeAll(async () => {
  // -30 LUFS with peaks ~23 dB above it: streaming targets need gain and limiting.
  const channels = scaleToLufs(
    transientMaster(RATE, 3),
    -30,
    (c) => measureLoudness({ sampleRate: RATE, channels: c }).integrated,
  );
  await writeWav(input, { sampleRate: RATE, channels }, '32f');
  await writeWav(path.join(dir, 'stem.wav'), { sampleRate: RATE, channels }, '32f');
});

interface TargetJson {
  output: string;
  mode: string;
  bits: string;
  sampleRate: number;
  ceilingDbtp: number;
  integratedLufs: number;
  truePeakDbtp: number;
  target: {
    preset: string | null;
    targetLufs: number | null;
    gainDb: number;
    deviationLu: number | null;
    passes: number;
  };
}

describe('lathe render --target', () => {
  it('masters onto a preset and prints the delivered file report with the target line', async () => {
    const out = path.join(dir, 'spotify.wav');
    const result = await runner.run(
      ['render', '--input', input, '--out', out, '--target', 'spotify'],
      60_000,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rendered .*spotify\.wav\n/);
    expect(result.stdout).toMatch(/true peak -1\.\d dBTP \(ceiling -1\.0\)/);
    expect(result.stdout).toMatch(
      /target -14\.0 LUFS \(spotify\): delivered -1[34]\.\d\d LUFS \([+-]0\.0\d LU\), \+\d+\.\d\d dB into the limiter/,
    );
    const ffmpeg = await ffmpegReading(out);
    expect(Math.abs(ffmpeg.integrated - -14)).toBeLessThanOrEqual(0.1);
    expect(ffmpeg.truePeakDbtp).toBeLessThanOrEqual(-1);
  });

  it('takes a LUFS number and --ceiling (negative values after the flag), --json', async () => {
    const out = path.join(dir, 'plain.wav');
    const result = await runner.run(
      ['render', '--input', input, '--out', out, '--target', '-16.5', '--ceiling', '-2.5', '--json'],
      60_000,
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as TargetJson;
    expect(report.ceilingDbtp).toBe(-2.5);
    expect(report.target).toMatchObject({ preset: null, targetLufs: -16.5 });
    const ffmpeg = await ffmpegReading(out);
    expect(Math.abs(ffmpeg.integrated - -16.5)).toBeLessThanOrEqual(0.1);
    expect(ffmpeg.truePeakDbtp).toBeLessThanOrEqual(-2.5);
  });

  it('lands a mix document on a target (the mix bounced to its limiter, then mastered)', async () => {
    const doc = path.join(dir, 'song.mix.json');
    writeFileSync(
      doc,
      JSON.stringify({
        format: 'lathe-mix',
        version: 1,
        strips: [{ stem: 'stem.wav', params: { fader: -3 } }],
        master: { params: { 'eq/band/2/gain': 3, 'limiter/ceiling': -6 } },
      }),
    );
    const out = path.join(dir, 'mix-r128.wav');
    const result = await runner.run(
      ['render', '--mix', doc, '--out', out, '--target', 'ebu-r128', '--json'],
      60_000,
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as TargetJson;
    expect(report.mode).toBe('mix');
    // The target's ceiling, not the mix's -6.
    expect(report.ceilingDbtp).toBe(-1);
    const ffmpeg = await ffmpegReading(out);
    expect(Math.abs(ffmpeg.integrated - -23)).toBeLessThanOrEqual(0.1);
    expect(ffmpeg.truePeakDbtp).toBeLessThanOrEqual(-1);
    expect(readdirSync(dir).filter((f) => f.includes('lathe-tmp'))).toEqual([]);
  });

  it('delivers the cd preset as 16-bit 44.1 kHz with dither, at unity gain', async () => {
    const out = path.join(dir, 'cd.wav');
    const result = await runner.run(
      ['render', '--input', input, '--out', out, '--target', 'cd', '--json'],
      60_000,
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as TargetJson & { dither: string };
    expect(report).toMatchObject({ bits: '16', sampleRate: 44100, dither: 'tpdf', ceilingDbtp: -0.3 });
    expect(report.target).toMatchObject({ preset: 'cd', targetLufs: null, gainDb: 0, deviationLu: null });
    const audio = await readAudioFile(out);
    expect(audio.format).toMatchObject({ sampleRate: 44100, bitDepth: 16 });
    expect((await ffmpegReading(out)).truePeakDbtp).toBeLessThanOrEqual(-0.3);
  });

  it.each([
    [
      ['--target', 'spotifi'],
      /lathe: --target must be a preset \(spotify, apple, youtube, tidal, amazon, ebu-r128, atsc-a85, aes-td1008, cd\) or a number of LUFS, got "spotifi"/,
    ],
    [['--target', '-3'], /lathe: --target must be from -40 to -5 LUFS, got -3/],
    [['--target'], /lathe: Option '--target <value>' argument missing/],
  ])('usage error %j: exit 2, one line', async (args, message) => {
    const out = path.join(dir, 'usage.wav');
    const result = await runner.run(['render', '--input', input, '--out', out, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a silent input: exit 1, one line, no file', async () => {
    const silent = path.join(dir, 'silent.wav');
    await writeWav(
      silent,
      { sampleRate: RATE, channels: [new Float32Array(RATE), new Float32Array(RATE)] },
      '24',
    );
    const out = path.join(dir, 'silent-out.wav');
    const result = await runner.run(['render', '--input', silent, '--out', out, '--target', 'apple']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lathe: .*silent\.wav: has no measurable loudness .* -16 LUFS\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('lathe render --album', () => {
  const album = path.join(dir, 'album.json');
  beforeAll(() => {
    writeFileSync(
      album,
      JSON.stringify({
        format: 'lathe-album',
        version: 1,
        title: 'CLI',
        target: 'aes-td1008',
        tracks: [
          { title: 'One', input: 'quiet.wav', fadeOut: 0.5 },
          { title: 'Two', input: 'stem.wav', gapBefore: 1 },
        ],
      }),
    );
  });

  it('prints the album report: per track and album values', async () => {
    const out = path.join(dir, 'album-out');
    const result = await runner.run(['render', '--album', album, '--out', out], 60_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`rendered album ${out}/album.wav and ${out}/album.cue`);
    // AES TD1008's album rule: the loudest track (2: track 1 fades out) at -14 LUFS.
    expect(lines[1]).toMatch(
      /2 tracks .*; loudest track 2 on -14\.0 LUFS \(aes-td1008\), ceiling -1\.0 dBTP/,
    );
    expect(lines.filter((line) => /^\s+[12]\s+\d:\d\d\.\d\d/.test(line))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(
      /^ {2}album: integrated -1\d\.\d\d LUFS, range \d+\.\d LU, true peak -\d\.\d\d dBTP/,
    );
    expect(readdirSync(out).sort()).toEqual(['01 - One.wav', '02 - Two.wav', 'album.cue', 'album.wav']);
  });

  it('--json, and flags over the document: --target cd gives 16-bit 44.1 kHz', async () => {
    const out = path.join(dir, 'album-cd');
    const result = await runner.run(
      ['render', '--album', album, '--out', out, '--target', 'cd', '--json'],
      60_000,
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as {
      sampleRate: number;
      bits: string;
      preset: string;
      tracks: { file: string; integratedLufs: number; truePeakDbtp: number; loudnessRangeLu: number }[];
    };
    expect(report).toMatchObject({ sampleRate: 44100, bits: '16', preset: 'cd' });
    expect(report.tracks).toHaveLength(2);
    for (const track of report.tracks) {
      expect((await readAudioFile(track.file)).format).toMatchObject({ sampleRate: 44100, bitDepth: 16 });
      expect((await ffmpegReading(track.file)).truePeakDbtp).toBeLessThanOrEqual(-0.3);
    }
    expect(readFileSync(path.join(out, 'album.cue'), 'utf8')).toContain('INDEX 01 00:04:00');
  });

  it('a bad document: exit 1, one line with the JSON path, no folder', async () => {
    const bad = path.join(dir, 'bad-album.json');
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'lathe-album',
        version: 1,
        target: 'spotify',
        tracks: [{ title: 'A', input: 'quiet.wav', colour: 'red' }],
      }),
    );
    const out = path.join(dir, 'bad-album-out');
    const result = await runner.run(['render', '--album', bad, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lathe: .*bad-album\.json: \/tracks\/0\/colour is not a known field\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('needs exactly one source', async () => {
    const result = await runner.run(['render', '--album', album, '--input', input, '--out', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'lathe: render needs exactly one of --mix FILE.json, --input IN.wav or --album ALBUM.json',
    );
  });
});
