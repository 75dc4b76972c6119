import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  measureLoudness,
  readAudioFile,
  renderAlbum,
  writeWav,
  type AlbumReport,
} from '../../../engine/index.ts';
import { firstAbove } from '../../support/signal.ts';
import { truePeak8x, toDb } from '../../support/true-peak-8x.ts';
import {
  dynamicMaster,
  ffmpegReading,
  hotMaster,
  scaleToLufs,
  transientMaster,
} from '../../support/target-material.ts';

const RATE = 48000;
/** Samples per CUE frame (1/75 s) at 48 kHz. */
const CUE = RATE / 75;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-album-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const lufsAt =
  (rate: number) =>
  (channels: Float32Array[]): number =>
    measureLoudness({ sampleRate: rate, channels }).integrated;

/** The document's fade, written out here independently: raised cosine, 0 at the first frame. */
function fadeCurve(frame: number, frames: number, fadeIn: number, fadeOut: number): number {
  let g = 1;
  if (frame < fadeIn) g *= (1 - Math.cos((Math.PI * frame) / fadeIn)) / 2;
  if (frames - frame <= fadeOut) g *= (1 - Math.cos((Math.PI * (frames - frame)) / fadeOut)) / 2;
  return g;
}

function faded(
  channels: Float32Array[],
  rate: number,
  fadeInSeconds: number,
  fadeOutSeconds: number,
): Float32Array[] {
  const frames = channels[0]!.length;
  const fadeIn = Math.round(fadeInSeconds * rate);
  const fadeOut = Math.round(fadeOutSeconds * rate);
  return channels.map((channel) => channel.map((x, i) => x * fadeCurve(i, frames, fadeIn, fadeOut)));
}

function tone(seconds: number, amplitude: number): Float32Array[] {
  const x = new Float32Array(Math.round(seconds * RATE)).map(
    (_, n) => amplitude * Math.sin((2 * Math.PI * 1000 * n) / RATE),
  );
  return [x, x.slice()];
}

interface TrackPlan {
  readonly title: string;
  readonly file: string;
  readonly rate: number;
  readonly channels: Float32Array[];
  readonly fadeIn: number;
  readonly fadeOut: number;
  /** Gap before, seconds (the album's default 2 s unless given). */
  readonly gap: number;
  readonly gapBefore?: number;
}

const plans: TrackPlan[] = [];
let report: AlbumReport;
const out = path.join(dir, 'master');

/** Track positions in the album as the document defines them, computed here independently. */
function expectedStarts(): { start: number; frames: number; gapStart: number }[] {
  const placed: { start: number; frames: number; gapStart: number }[] = [];
  let end = 0;
  for (const [t, plan] of plans.entries()) {
    const frames = Math.round((plan.channels[0]!.length * RATE) / plan.rate);
    const gap = t === 0 ? 0 : Math.round(plan.gap * RATE);
    const start = gap === 0 ? end : Math.ceil((end + gap) / CUE) * CUE;
    placed.push({ start, frames, gapStart: end });
    end = start + frames;
  }
  return placed;
}

beforeAll(async () => {
  const hot = scaleToLufs(hotMaster(RATE, 3), -12, lufsAt(RATE));
  const hits = scaleToLufs(transientMaster(44100, 3), -16, lufsAt(44100));
  const swell = scaleToLufs(dynamicMaster(RATE), -24, lufsAt(RATE));
  const sine = tone(3, 0.05);
  const add = async (plan: Omit<TrackPlan, 'file'>, format: '32f'): Promise<void> => {
    const file = path.join(dir, `${plans.length + 1}.wav`);
    await writeWav(file, { sampleRate: plan.rate, channels: plan.channels }, format);
    plans.push({ ...plan, file });
  };
  await add({ title: 'Hot', rate: RATE, channels: hot, fadeIn: 0.5, fadeOut: 0, gap: 0 }, '32f');
  // Float: its peaks are far over full scale (a 24-bit file would clip them).
  await add({ title: 'Hits', rate: 44100, channels: hits, fadeIn: 0, fadeOut: 1, gap: 2 }, '32f');
  await add(
    { title: 'Swell', rate: RATE, channels: swell, fadeIn: 0.25, fadeOut: 0.5, gap: 0.5, gapBefore: 0.5 },
    '32f',
  );
  await add(
    { title: 'Tone', rate: RATE, channels: sine, fadeIn: 1, fadeOut: 1, gap: 1, gapBefore: 1 },
    '32f',
  );
  const doc = {
    format: 'lathe-album',
    version: 1,
    title: 'Test Album',
    performer: 'Lathe',
    target: 'spotify',
    tracks: plans.map((plan) => ({
      title: plan.title,
      input: path.basename(plan.file),
      ...(plan.fadeIn > 0 ? { fadeIn: plan.fadeIn } : {}),
      ...(plan.fadeOut > 0 ? { fadeOut: plan.fadeOut } : {}),
      ...(plan.gapBefore === undefined ? {} : { gapBefore: plan.gapBefore }),
    })),
  };
  writeFileSync(path.join(dir, 'album.json'), JSON.stringify(doc));
  report = await renderAlbum(path.join(dir, 'album.json'), out);
});

describe('lathe render --album', () => {
  it('delivers the album file, its CUE sheet and one file per track, and nothing else', () => {
    expect(readdirSync(out).sort()).toEqual([
      '01 - Hot.wav',
      '02 - Hits.wav',
      '03 - Swell.wav',
      '04 - Tone.wav',
      'album.cue',
      'album.wav',
    ]);
    expect(report.tracks.map((t) => t.title)).toEqual(['Hot', 'Hits', 'Swell', 'Tone']);
    expect(report.loudestTrack).toBe(1);
  });

  it('keeps relative loudness within 0.1 LU with the loudest track on the target (ffmpeg ebur128)', async () => {
    const delivered = await Promise.all(report.tracks.map((t) => ffmpegReading(t.file)));
    // The sources as the document plays them (fades applied), measured by ffmpeg too.
    const sources = await Promise.all(
      plans.map(async (plan, t) => {
        const file = path.join(dir, `source-${t + 1}.wav`);
        await writeWav(
          file,
          { sampleRate: plan.rate, channels: faded(plan.channels, plan.rate, plan.fadeIn, plan.fadeOut) },
          '32f',
        );
        return (await ffmpegReading(file)).integrated;
      }),
    );
    expect(Math.abs(delivered[0]!.integrated - -14)).toBeLessThanOrEqual(0.1);
    for (let t = 1; t < plans.length; t++) {
      const relativeDelivered = delivered[t]!.integrated - delivered[0]!.integrated;
      const relativeSource = sources[t]! - sources[0]!;
      expect(Math.abs(relativeDelivered - relativeSource), `track ${t + 1}`).toBeLessThanOrEqual(0.1);
    }
    // The hits track is limited hard at the album's gain: it gets more gain to keep its level.
    // The others, unlimited, share one gain.
    const gains = report.tracks.map((t) => t.gainDb);
    expect(Math.abs(gains[3]! - gains[0]!)).toBeLessThan(0.01);
    expect(gains[1]! - gains[0]!).toBeGreaterThan(0.5);
  });

  it('holds the ceiling on every track file and on the album (ffmpeg and the 8x meter)', async () => {
    for (const file of [...report.tracks.map((t) => t.file), report.album]) {
      const ffmpeg = await ffmpegReading(file);
      expect(ffmpeg.truePeakDbtp, file).toBeLessThanOrEqual(-1);
      const audio = await readAudioFile(file);
      expect(toDb(truePeak8x(audio.channels).refined), file).toBeLessThanOrEqual(-1);
    }
  });

  it('places tracks and gaps where the document says, and the track files are the album cut up', async () => {
    const album = await readAudioFile(report.album);
    const placed = expectedStarts();
    expect(album.format.frames).toBe(placed.at(-1)!.start + placed.at(-1)!.frames);
    for (const [t, track] of report.tracks.entries()) {
      const where = placed[t]!;
      expect(Math.round(track.startSeconds * RATE)).toBe(where.start);
      expect(Math.round(track.durationSeconds * RATE)).toBe(where.frames);
      // Gaps are at least as long as asked and less than one CUE frame longer.
      const gap = where.start - where.gapStart;
      if (t > 0) {
        expect(gap).toBeGreaterThanOrEqual(Math.round(plans[t]!.gap * RATE));
        expect(gap).toBeLessThan(Math.round(plans[t]!.gap * RATE) + CUE);
      }
      // The gap holds nothing but dither (24-bit TPDF: at most 2 LSB).
      let loudest = 0;
      for (const channel of album.channels) {
        for (let i = where.gapStart; i < where.start; i++) loudest = Math.max(loudest, Math.abs(channel[i]!));
      }
      expect(loudest).toBeLessThanOrEqual(2 / 8388608);
      // Sound starts with the track (every track is above the dither in its first 10 ms).
      const onset = firstAbove(album.channels[0]!, 1e-6, where.gapStart);
      expect(onset).toBeGreaterThanOrEqual(where.start);
      expect(onset).toBeLessThan(where.start + Math.round(0.01 * RATE));
      // The track file is exactly these samples.
      const file = await readAudioFile(track.file);
      expect(file.format.frames).toBe(where.frames);
      for (const [c, channel] of file.channels.entries()) {
        expect(channel).toEqual(album.channels[c]!.subarray(where.start, where.start + where.frames));
      }
    }
  });

  it('fades where the document says, with the raised-cosine curve', async () => {
    // The tone track is not limited, so the album holds gain x tone x fade, sample for sample.
    const album = await readAudioFile(report.album);
    const where = expectedStarts()[3]!;
    const source = plans[3]!.channels[0]!;
    const delivered = album.channels[0]!.subarray(where.start, where.start + where.frames);
    // Gain from the unfaded middle second, by least squares.
    let num = 0;
    let den = 0;
    for (let i = RATE; i < 2 * RATE; i++) {
      num += delivered[i]! * source[i]!;
      den += source[i]! * source[i]!;
    }
    const gain = num / den;
    expect(20 * Math.log10(gain)).toBeCloseTo(report.tracks[3]!.gainDb, 2);
    let worst = 0;
    for (let i = 0; i < where.frames; i++) {
      const expected = gain * source[i]! * fadeCurve(i, where.frames, RATE, RATE);
      worst = Math.max(worst, Math.abs(delivered[i]! - expected));
    }
    expect(worst).toBeLessThan(1e-5);
    // Half way through each fade the gain is one half: the fade is where the document says.
    const peakNear = (at: number): number => {
      let max = 0;
      for (let i = at - 24; i < at + 24; i++) max = Math.max(max, Math.abs(delivered[i]!));
      return max;
    };
    expect(peakNear(RATE / 2) / (gain * 0.05)).toBeCloseTo(0.5, 2);
    expect(peakNear(where.frames - RATE / 2) / (gain * 0.05)).toBeCloseTo(0.5, 2);
  });

  it('writes a CUE sheet with INDEX 00 at each gap and INDEX 01 at each track, in 1/75 s frames', () => {
    const cue = readFileSync(report.cue, 'utf8');
    const mmssff = (cueFrames: number): string => {
      const two = (n: number): string => String(n).padStart(2, '0');
      return `${two(Math.floor(cueFrames / 4500))}:${two(Math.floor(cueFrames / 75) % 60)}:${two(cueFrames % 75)}`;
    };
    const placed = expectedStarts();
    const expected = [
      'REM COMMENT "Lathe"',
      'PERFORMER "Lathe"',
      'TITLE "Test Album"',
      'FILE "album.wav" WAVE',
      ...placed.flatMap((where, t) => [
        `  TRACK ${String(t + 1).padStart(2, '0')} AUDIO`,
        `    TITLE "${plans[t]!.title}"`,
        ...(t === 0 ? [] : [`    INDEX 00 ${mmssff(Math.ceil(where.gapStart / CUE))}`]),
        `    INDEX 01 ${mmssff(where.start / CUE)}`,
      ]),
    ];
    expect(cue.split('\r\n')).toEqual([...expected, '']);
    // Spot check by hand: track 2 starts after 3 s + 2 s of gap = 00:05:00.
    expect(cue).toContain('INDEX 01 00:05:00');
  });
});

describe('gapless albums and mix tracks', () => {
  it('abuts tracks sample for sample, takes a mix document as a track, and lands on a LUFS target', async () => {
    const a = scaleToLufs(transientMaster(RATE, 3), -20, lufsAt(RATE));
    const b = scaleToLufs(hotMaster(RATE, 2.5), -14, lufsAt(RATE));
    await writeWav(path.join(dir, 'g1.wav'), { sampleRate: RATE, channels: a }, '32f');
    await writeWav(path.join(dir, 'g2.wav'), { sampleRate: RATE, channels: b }, '32f');
    // Track 2 is a mix of g2.wav with the fader at -6 dB and its own limiter at -6 dBTP, which the
    // album switches off (its limiter runs last, at the album's ceiling).
    writeFileSync(
      path.join(dir, 'g2.mix.json'),
      JSON.stringify({
        format: 'lathe-mix',
        version: 1,
        strips: [{ stem: 'g2.wav', params: { fader: -6 } }],
        master: { params: { 'limiter/ceiling': -6 } },
      }),
    );
    writeFileSync(
      path.join(dir, 'gapless.json'),
      JSON.stringify({
        format: 'lathe-album',
        version: 1,
        target: -18,
        gap: 0,
        bits: '32f',
        tracks: [
          { title: 'First', input: 'g1.wav' },
          { title: 'Second', mix: 'g2.mix.json' },
        ],
      }),
    );
    const gapless = await renderAlbum(path.join(dir, 'gapless.json'), path.join(dir, 'gapless'));
    const album = await readAudioFile(gapless.album);
    expect(gapless.tracks[1]!.startSeconds * RATE).toBe(3 * RATE);
    expect(album.format.frames).toBe(5.5 * RATE);
    expect(gapless.tracks[1]!.sourceLufs).toBeCloseTo(-20, 1);
    const first = await readAudioFile(gapless.tracks[0]!.file);
    const second = await readAudioFile(gapless.tracks[1]!.file);
    for (let c = 0; c < 2; c++) {
      const joined = new Float32Array(album.format.frames);
      joined.set(first.channels[c]!, 0);
      joined.set(second.channels[c]!, first.format.frames);
      expect(joined).toEqual(album.channels[c]);
    }
    const cue = readFileSync(gapless.cue, 'utf8');
    expect(cue).not.toContain('INDEX 00');
    expect(cue).toContain('INDEX 01 00:03:00');
    // Both sources at -20 LUFS: both land on -18 (the target), within 0.1 LU by ffmpeg.
    for (const track of gapless.tracks) {
      expect(Math.abs((await ffmpegReading(track.file)).integrated - -18)).toBeLessThanOrEqual(0.1);
    }
  });
});

describe('bad album documents: one clear error with the JSON path, and nothing written', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'unknown field',
      { tracks: [{ title: 'A', input: '1.wav', fade: 1 }] },
      /bad\.json: \/tracks\/0\/fade is not a known field/,
    ],
    ['negative gap', { gap: -1 }, /bad\.json: \/gap must be >= 0/],
    [
      'no source',
      { tracks: [{ title: 'A' }] },
      /bad\.json: \/tracks\/0 needs exactly one of "input" .* or "mix"/,
    ],
    [
      'gap before the first',
      { tracks: [{ title: 'A', input: '1.wav', gapBefore: 1 }] },
      /\/tracks\/0\/gapBefore is not allowed/,
    ],
    [
      'quote in a title',
      { tracks: [{ title: 'Say "hi"', input: '1.wav' }] },
      /\/tracks\/0\/title must not contain double quotes/,
    ],
    [
      'unknown preset',
      { target: 'spotifi' },
      /bad\.json: \/target must be a preset \(spotify, .*\) or a number of LUFS, got "spotifi"/,
    ],
    ['target out of range', { target: -60 }, /\/target must be from -40 to -5 LUFS, got -60/],
    [
      'missing file',
      { tracks: [{ title: 'A', input: 'nope.wav' }] },
      /bad\.json: \/tracks\/0\/input: .*nope\.wav/,
    ],
    [
      'fades longer than the track',
      { tracks: [{ title: 'A', input: '1.wav', fadeIn: 2, fadeOut: 2 }] },
      /\/tracks\/0 fades \(2 s in \+ 2 s out\) are longer than the track \(3\.000 s\)/,
    ],
    [
      'bad mix document',
      { tracks: [{ title: 'A', mix: 'bad.mix.json' }] },
      /bad\.json: \/tracks\/0\/mix: .*bad\.mix\.json: \/strips must not have fewer than 1 items/,
    ],
  ];
  for (const [name, change, message] of cases) {
    it(name, async () => {
      writeFileSync(
        path.join(dir, 'bad.mix.json'),
        JSON.stringify({ format: 'lathe-mix', version: 1, strips: [] }),
      );
      const doc = {
        format: 'lathe-album',
        version: 1,
        target: 'spotify',
        tracks: [{ title: 'A', input: '1.wav' }],
        ...(change as object),
      };
      writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(doc));
      const target = path.join(dir, 'bad-out');
      const error = await renderAlbum(path.join(dir, 'bad.json'), target).catch((e: unknown) => e);
      expect(error).toMatchObject({ message: expect.stringMatching(message) });
      expect((error as Error).message).not.toContain('\n');
      expect(existsSync(target)).toBe(false);
    });
  }

  it('not JSON', async () => {
    writeFileSync(path.join(dir, 'bad.json'), '{"format": ');
    await expect(renderAlbum(path.join(dir, 'bad.json'), path.join(dir, 'bad-out'))).rejects.toMatchObject({
      code: 'LATHE_ALBUM_INVALID',
      message: expect.stringMatching(/bad\.json: not valid JSON/),
    });
  });

  it('a newer version', async () => {
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ format: 'lathe-album', version: 9 }));
    await expect(renderAlbum(path.join(dir, 'bad.json'), path.join(dir, 'bad-out'))).rejects.toMatchObject({
      code: 'LATHE_ALBUM_VERSION_UNSUPPORTED',
    });
  });
});
