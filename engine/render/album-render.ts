import { mkdir, readFile, rename, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openAudioFile } from '../audio/audio-file.ts';
import type { WavSampleFormat } from '../audio/wav-file.ts';
import { WavStreamWriter } from '../audio/wav-stream-writer.ts';
import { LatheError, isLatheError } from '../errors.ts';
import { loadMixFile } from '../mix/load-mix-file.ts';
import {
  albumInvalid,
  DEFAULT_GAP_SECONDS,
  parseAlbumDocument,
  type AlbumDocument,
} from './album-document.ts';
import { AlbumInput } from './album-input.ts';
import { albumTimeline, type AlbumTimeline } from './album-timeline.ts';
import { cueSheet } from './cue-sheet.ts';
import { GainSearch } from './gain-search.ts';
import { resolveLoudnessTarget, type LoudnessPresetName, type LoudnessTarget } from './loudness-targets.ts';
import { bouncePreLimiter } from './mix-pre-limiter.ts';
import { ProgrammeMeter, type ProgrammeReading } from './programme-meter.ts';
import { renderMasterInput, type DitherChoice } from './render.ts';
import { removeQuietly, siblingTempPath } from './sibling-temp.ts';
import { measureInputLoudness } from './source-loudness.ts';
import { MAX_TARGET_PASSES, TARGET_FALLBACK_LU, TARGET_TOLERANCE_LU } from './target-render.ts';
import { TrackSource, type TrackSourceSpec } from './track-source.ts';

export interface AlbumRenderOptions {
  /** Over the document's: a preset name or LUFS (already checked by the caller). */
  readonly target?: string;
  readonly ceiling?: number;
  readonly bits?: WavSampleFormat;
  readonly sampleRate?: number;
  readonly dither?: DitherChoice;
  readonly blockSize?: number;
  /** Called before each render pass of the whole album (1-based). */
  readonly onPass?: (pass: number) => void;
}

export interface AlbumTrackReport extends ProgrammeReading {
  readonly number: number;
  readonly title: string;
  readonly file: string;
  readonly startSeconds: number;
  readonly durationSeconds: number;
  /** Silence before the track in the album file, seconds. */
  readonly gapSeconds: number;
  /** The track's integrated loudness before the limiter (fades included), at unity gain. */
  readonly sourceLufs: number;
  /** Gain in front of the limiter, dB. */
  readonly gainDb: number;
}

export interface AlbumReport extends ProgrammeReading {
  readonly album: string;
  readonly cue: string;
  readonly source: string;
  readonly sampleRate: number;
  readonly bits: WavSampleFormat;
  readonly dither: DitherChoice;
  readonly preset: LoudnessPresetName | null;
  /** What the loudest track landed on, LUFS (for the cd preset: its loudness at unity gain). */
  readonly targetLufs: number | null;
  readonly ceilingDbtp: number;
  readonly durationSeconds: number;
  readonly elapsedSeconds: number;
  readonly passes: number;
  /** 1-based number of the loudest track (the one on the target). */
  readonly loudestTrack: number;
  /** Largest error of any track's loudness relative to the loudest one, vs the source, LU. */
  readonly relativeErrorLu: number;
  readonly tracks: readonly AlbumTrackReport[];
}

/** Digital gain has no parameter range; this only stops a runaway search. */
const MAX_TRACK_GAIN_DB = 60;
const ALBUM_FILE = 'album.wav';
const CUE_FILE = 'album.cue';

interface PreparedTrack {
  readonly number: number;
  readonly title: string;
  readonly performer?: string;
  readonly spec: Omit<TrackSourceSpec, 'gainDb'>;
  readonly gapSeconds: number;
  readonly outName: string;
}

interface Pass {
  readonly file: string;
  readonly gains: Float64Array;
  readonly tracks: readonly ProgrammeReading[];
  readonly album: ProgrammeReading;
  /** Largest |delivered - aim| over the searched tracks, LU. */
  readonly worstMiss: number;
}

/** A file name from a track title: the characters file systems refuse become "_". */
function trackFileName(number: number, title: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = title.replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/[. ]+$/, '');
  return `${String(number).padStart(2, '0')}${safe === '' ? '' : ` - ${safe}`}.wav`;
}

/** Wraps a problem with one track's source so the line names the album and the JSON path. */
function trackError(albumFile: string, where: string, error: unknown): LatheError {
  const message = error instanceof Error ? error.message : String(error);
  return new LatheError(
    isLatheError(error) ? error.code : 'LATHE_RENDER_FAILED',
    `${albumFile}: ${where}: ${message}`,
    {
      cause: error,
    },
  );
}

/**
 * Masters an album (docs/album-document.md) into `outDir`: one continuous album file with a CUE
 * sheet, and the same samples cut into one file per track.
 *
 * Album normalisation (AES TD1008): the loudest track lands on the target and every other track
 * keeps its loudness relative to it, as in the sources. With no limiting that is one gain for
 * all; where the limiter takes loudness from a track, that track gets a little more gain, so
 * the relative levels hold within TARGET_TOLERANCE_LU anyway. Each pass renders the whole album
 * through the master chain (AlbumInput: gains, fades, gaps) and measures every track in the
 * delivered file; per-track gain searches (GainSearch) correct until all land. Intermediate
 * files live hidden in `outDir`, and nothing is renamed into place until everything succeeded.
 */
export async function renderAlbum(
  albumFile: string,
  outDir: string,
  options: AlbumRenderOptions = {},
): Promise<AlbumReport> {
  const started = performance.now();
  let text: string;
  try {
    text = await readFile(albumFile, 'utf8');
  } catch (error) {
    throw new LatheError('LATHE_ALBUM_UNREADABLE', `${albumFile}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const doc = parseAlbumDocument(text, albumFile);
  const target = albumTarget(albumFile, doc, options);
  const bits = options.bits ?? doc.bits ?? target.delivery?.bits ?? '24';
  const ditherChoice = options.dither ?? doc.dither ?? target.delivery?.dither;

  let createdDir: string | undefined;
  try {
    createdDir = await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new LatheError(
      'LATHE_AUDIO_WRITE_FAILED',
      `${outDir}: cannot create the folder (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  const albumOut = path.join(outDir, ALBUM_FILE);
  const temps = new Set<string>();
  try {
    const { tracks, sampleRate } = await prepareTracks(albumFile, doc, outDir, options, target, temps);
    const timeline = albumTimeline(
      tracks.map((track) => track.spec.frames),
      tracks.map((track) => track.gapSeconds),
      sampleRate,
    );
    const sources: number[] = [];
    for (const track of tracks) {
      const source = await TrackSource.open({ ...track.spec, gainDb: 0 }, sampleRate);
      try {
        sources.push(await measureInputLoudness(source, sampleRate));
      } finally {
        await source.close();
      }
    }
    const renderPass = async (pass: number, gains: Float64Array): Promise<Pass> => {
      options.onPass?.(pass);
      const file = siblingTempPath(albumOut, `pass${pass}`);
      temps.add(file);
      const specs = tracks.map((track, t) => ({ ...track.spec, gainDb: gains[t]! }));
      const input = new AlbumInput(specs, timeline, sampleRate);
      try {
        await renderMasterInput(input, timeline.frames, sampleRate, albumFile, file, {
          bits,
          ...(ditherChoice === undefined ? {} : { dither: ditherChoice }),
          ...(options.blockSize === undefined ? {} : { blockSize: options.blockSize }),
          ceiling: target.ceilingDbtp,
          values: new Map([['master/limiter/on', 1]]),
        });
      } finally {
        await input.close();
      }
      const readings = await measureAlbum(file, timeline, sampleRate);
      return { file, gains: gains.slice(), ...readings, worstMiss: Infinity };
    };

    const search = await searchGains(albumFile, sources, target.integratedLufs, renderPass);
    const best = search.best;
    const loudest = search.loudest;

    // Cut the track files from the accepted album, then put everything in place at once.
    const staged = new Map<string, string>();
    const trackOut = tracks.map((track) => path.join(outDir, track.outName));
    const reports: AlbumTrackReport[] = tracks.map((track, t) => {
      const placed = timeline.tracks[t]!;
      return {
        number: track.number,
        title: track.title,
        file: trackOut[t]!,
        startSeconds: placed.start / sampleRate,
        durationSeconds: placed.frames / sampleRate,
        gapSeconds: (placed.start - placed.gapStart) / sampleRate,
        sourceLufs: sources[t]!,
        gainDb: best.gains[t]!,
        ...best.tracks[t]!,
      };
    });
    await writeTrackFiles(best.file, timeline, sampleRate, bits, reports, (final) => {
      const stage = siblingTempPath(final, 'track');
      temps.add(stage);
      staged.set(stage, final);
      return stage;
    });
    const cueStage = siblingTempPath(path.join(outDir, CUE_FILE), 'cue');
    temps.add(cueStage);
    staged.set(cueStage, path.join(outDir, CUE_FILE));
    await writeFile(
      cueStage,
      cueSheet({
        file: ALBUM_FILE,
        sampleRate,
        ...(doc.title === undefined ? {} : { title: doc.title }),
        ...(doc.performer === undefined ? {} : { performer: doc.performer }),
        tracks: tracks.map((track, t) => ({
          title: track.title,
          ...(track.performer === undefined ? {} : { performer: track.performer }),
          start: timeline.tracks[t]!.start,
          gapStart: timeline.tracks[t]!.gapStart,
        })),
      }),
    );
    staged.set(best.file, albumOut);
    for (const [stage, final] of staged) {
      await rename(stage, final);
      temps.delete(stage);
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    return {
      album: albumOut,
      cue: path.join(outDir, CUE_FILE),
      source: albumFile,
      sampleRate,
      bits,
      dither: bits === '32f' ? 'none' : (ditherChoice ?? 'tpdf'),
      preset: target.preset,
      targetLufs: search.targetLufs,
      ceilingDbtp: target.ceilingDbtp,
      durationSeconds: timeline.frames / sampleRate,
      elapsedSeconds,
      passes: search.passes,
      loudestTrack: loudest + 1,
      relativeErrorLu: relativeError(sources, best.tracks, loudest),
      ...best.album,
      tracks: reports,
    };
  } catch (error) {
    await removeQuietly(temps);
    if (createdDir !== undefined) await rmdir(createdDir).catch(() => undefined);
    if (isLatheError(error)) throw error;
    throw new LatheError('LATHE_RENDER_FAILED', `${outDir}: ${(error as Error).message}`, { cause: error });
  } finally {
    await removeQuietly(temps);
  }
}

function albumTarget(albumFile: string, doc: AlbumDocument, options: AlbumRenderOptions): LoudnessTarget {
  const ceiling = options.ceiling ?? doc.ceiling;
  const resolved = resolveLoudnessTarget(options.target ?? doc.target, {
    album: true,
    ...(ceiling === undefined ? {} : { ceilingDbtp: ceiling }),
  });
  if (typeof resolved !== 'string') return resolved;
  if (options.target !== undefined) throw new LatheError('LATHE_USAGE', `--target ${resolved}`);
  throw albumInvalid(albumFile, '/target', resolved);
}

/**
 * Opens every track's source (a file, or a mix bounced up to its limiter into `outDir`), checks
 * it, and settles the album's rate: the option's, the document's, the target's delivery rate,
 * else the first track's.
 */
async function prepareTracks(
  albumFile: string,
  doc: AlbumDocument,
  outDir: string,
  options: AlbumRenderOptions,
  target: LoudnessTarget,
  temps: Set<string>,
): Promise<{ tracks: PreparedTrack[]; sampleRate: number }> {
  const folder = path.dirname(path.resolve(albumFile));
  let sampleRate = options.sampleRate ?? doc.sampleRate ?? target.delivery?.sampleRate;
  const tracks: PreparedTrack[] = [];
  for (const [t, track] of doc.tracks.entries()) {
    const where = `/tracks/${t}/${track.input === undefined ? 'mix' : 'input'}`;
    let file: string;
    let frames: number;
    try {
      if (track.mix !== undefined) {
        const mix = await loadMixFile(
          path.resolve(folder, track.mix),
          sampleRate === undefined ? {} : { sampleRate },
        );
        sampleRate ??= mix.sampleRate;
        file = siblingTempPath(path.join(outDir, ALBUM_FILE), `track${t + 1}`);
        temps.add(file);
        await bouncePreLimiter(
          mix,
          file,
          options.blockSize === undefined ? {} : { blockSize: options.blockSize },
        );
        frames = mix.lengthFrames;
      } else {
        file = path.resolve(folder, track.input!);
        const reader = await openAudioFile(file, 1);
        await reader.close();
        const format = reader.format;
        if (format.channelCount > 2) {
          throw new LatheError(
            'LATHE_RENDER_FAILED',
            `${file}: has ${format.channelCount} channels; a track is stereo (or mono)`,
          );
        }
        sampleRate ??= format.sampleRate;
        frames = TrackSource.framesAt(format.frames, format.sampleRate, sampleRate);
      }
    } catch (error) {
      throw trackError(albumFile, where, error);
    }
    if (frames === 0) throw albumInvalid(albumFile, where, 'has no audio (zero length)');
    const fadeInFrames = Math.round((track.fadeIn ?? 0) * sampleRate);
    const fadeOutFrames = Math.round((track.fadeOut ?? 0) * sampleRate);
    if (fadeInFrames + fadeOutFrames > frames) {
      throw albumInvalid(
        albumFile,
        `/tracks/${t}`,
        `fades (${track.fadeIn ?? 0} s in + ${track.fadeOut ?? 0} s out) are longer than the track (${(frames / sampleRate).toFixed(3)} s)`,
      );
    }
    tracks.push({
      number: t + 1,
      title: track.title,
      ...(track.performer === undefined ? {} : { performer: track.performer }),
      spec: { file, frames, fadeInFrames, fadeOutFrames },
      gapSeconds: t === 0 ? 0 : (track.gapBefore ?? doc.gap ?? DEFAULT_GAP_SECONDS),
      outName: trackFileName(t + 1, track.title),
    });
  }
  if (sampleRate === undefined) throw albumInvalid(albumFile, '/tracks', 'has no tracks');
  return { tracks, sampleRate };
}

/**
 * The per-track gain searches. Each track aims at the target plus its source loudness relative
 * to the loudest source; silent tracks have no loudness to keep and follow the loudest track's
 * gain. Without a target (cd), the first pass is at unity gain and the loudest track's delivered
 * loudness becomes the aim. Passes continue until every searched track is within tolerance in
 * the same pass (the album is one file), at most MAX_TARGET_PASSES.
 */
async function searchGains(
  albumFile: string,
  sources: readonly number[],
  targetLufs: number | null,
  renderPass: (pass: number, gains: Float64Array) => Promise<Pass>,
): Promise<{ best: Pass; passes: number; loudest: number; targetLufs: number | null }> {
  let loudest = -1;
  sources.forEach((lufs, t) => {
    if (Number.isFinite(lufs) && (loudest < 0 || lufs > sources[loudest]!)) loudest = t;
  });
  if (loudest < 0 && targetLufs !== null) {
    throw new LatheError(
      'LATHE_TARGET_UNREACHABLE',
      `${albumFile}: every track is silent (nothing above the -70 LUFS gate), so no gain can bring the album to ${targetLufs} LUFS`,
    );
  }
  const gains = new Float64Array(sources.length);
  let aim = targetLufs;
  let searches: (GainSearch | null)[] = [];
  const makeSearches = (albumAim: number): (GainSearch | null)[] =>
    sources.map((lufs) =>
      Number.isFinite(lufs)
        ? new GainSearch({
            targetLufs: albumAim + lufs - sources[loudest]!,
            sourceLufs: lufs,
            maxGainDb: MAX_TRACK_GAIN_DB,
            toleranceLu: TARGET_TOLERANCE_LU,
          })
        : null,
    );
  if (aim !== null) searches = makeSearches(aim);
  let best: Pass | undefined;
  let previous: Pass | undefined;
  let passes = 0;
  for (let pass = 1; pass <= MAX_TARGET_PASSES; pass++) {
    if (aim === null) gains.fill(0);
    else {
      searches.forEach((search, t) => {
        if (search === null) return;
        const landed =
          previous !== undefined &&
          Math.abs(previous.tracks[t]!.integratedLufs - search.options.targetLufs) <= TARGET_TOLERANCE_LU;
        if (!landed) gains[t] = search.nextGainDb();
      });
      sources.forEach((lufs, t) => {
        if (!Number.isFinite(lufs)) gains[t] = gains[loudest]!;
      });
    }
    const rendered = await renderPass(pass, gains);
    passes = pass;
    if (aim === null) {
      if (loudest < 0) {
        best = { ...rendered, worstMiss: 0 };
        break;
      }
      // No target: the loudest track at unity gain sets the album's level.
      aim = rendered.tracks[loudest]!.integratedLufs;
      searches = makeSearches(aim);
    }
    let worstMiss = 0;
    searches.forEach((search, t) => {
      if (search === null) return;
      const reading = rendered.tracks[t]!;
      search.observe(rendered.gains[t]!, reading.integratedLufs, reading.truePeakDbtp);
      worstMiss = Math.max(worstMiss, missOf(reading.integratedLufs, search.options.targetLufs));
    });
    const current = { ...rendered, worstMiss };
    if (best === undefined || current.worstMiss < best.worstMiss) {
      if (best !== undefined) await removeQuietly([best.file]);
      best = current;
    } else await removeQuietly([current.file]);
    previous = current;
    if (worstMiss <= TARGET_TOLERANCE_LU || searches.some((s) => s?.unreachable === true)) break;
  }
  if (best === undefined) throw new LatheError('LATHE_RENDER_FAILED', `${albumFile}: no render pass ran`);
  if (best.worstMiss > TARGET_FALLBACK_LU) {
    const t = best.tracks.findIndex((reading, i) => {
      const search = searches[i];
      return search != null && missOf(reading.integratedLufs, search.options.targetLufs) === best.worstMiss;
    });
    const aimOf = searches[t]?.options.targetLufs ?? Number.NaN;
    throw new LatheError(
      'LATHE_TARGET_UNREACHABLE',
      `${albumFile}: track ${t + 1} should land on ${aimOf.toFixed(2)} LUFS but reaches ${best.tracks[t]!.integratedLufs.toFixed(2)} LUFS (with ${best.gains[t]!.toFixed(1)} dB into the limiter) after ${passes} passes`,
    );
  }
  return { best, passes, loudest: Math.max(0, loudest), targetLufs: aim };
}

function missOf(lufs: number, aim: number): number {
  const miss = Math.abs(lufs - aim);
  return Number.isNaN(miss) ? Infinity : miss;
}

/** Largest change of any track's loudness relative to the loudest track, delivered vs source. */
function relativeError(
  sources: readonly number[],
  delivered: readonly ProgrammeReading[],
  loudest: number,
): number {
  let worst = 0;
  sources.forEach((lufs, t) => {
    if (!Number.isFinite(lufs)) return;
    const relativeSource = lufs - sources[loudest]!;
    const relativeDelivered = delivered[t]!.integratedLufs - delivered[loudest]!.integratedLufs;
    worst = Math.max(worst, Math.abs(relativeDelivered - relativeSource));
  });
  return worst;
}

/** Reads an album file once, in blocks, handing each track's frames to `visit` (and all to `whole`). */
async function scanAlbum(
  file: string,
  timeline: AlbumTimeline,
  visit: (track: number, channels: readonly Float32Array[], frames: number) => void | Promise<void>,
  whole?: (channels: readonly Float32Array[], frames: number) => void,
): Promise<void> {
  const reader = await openAudioFile(file, 65536);
  try {
    const block = [new Float32Array(reader.blockFrames), new Float32Array(reader.blockFrames)];
    let position = 0;
    for (;;) {
      const got = await reader.read(block);
      if (got === 0) break;
      whole?.(block, got);
      for (const [t, track] of timeline.tracks.entries()) {
        const from = Math.max(position, track.start);
        const to = Math.min(position + got, track.start + track.frames);
        if (from >= to) continue;
        const at = from - position;
        await visit(
          t,
          block.map((channel) => channel.subarray(at, at + to - from)),
          to - from,
        );
      }
      position += got;
    }
  } finally {
    await reader.close();
  }
}

/** Every track's and the whole album's loudness and peaks, as read from the delivered file. */
async function measureAlbum(
  file: string,
  timeline: AlbumTimeline,
  sampleRate: number,
): Promise<{ tracks: ProgrammeReading[]; album: ProgrammeReading }> {
  const meters = timeline.tracks.map(() => new ProgrammeMeter(sampleRate));
  const albumMeter = new ProgrammeMeter(sampleRate);
  await scanAlbum(
    file,
    timeline,
    (t, channels, frames) => {
      meters[t]!.process(channels, frames);
    },
    (channels, frames) => {
      albumMeter.process(channels, frames);
    },
  );
  return { tracks: meters.map((meter) => meter.finish()), album: albumMeter.finish() };
}

/** Cuts the track files out of the album file: the same samples, in the same word length. */
async function writeTrackFiles(
  albumFile: string,
  timeline: AlbumTimeline,
  sampleRate: number,
  bits: WavSampleFormat,
  reports: readonly AlbumTrackReport[],
  stagePath: (final: string) => string,
): Promise<void> {
  const writers: WavStreamWriter[] = [];
  try {
    for (const report of reports) {
      writers.push(
        await WavStreamWriter.create(stagePath(report.file), {
          sampleRate,
          channelCount: 2,
          format: bits,
          bext: {
            description: `Lathe album track ${report.number}: ${report.title}`
              .replace(/[^\x20-\x7e]/g, '?')
              .slice(0, 256),
            originator: 'Lathe',
            codingHistory: `A=PCM,F=${sampleRate},W=${bits === '32f' ? 32 : bits},M=stereo,T=Lathe album track`,
          },
        }),
      );
    }
    await scanAlbum(albumFile, timeline, (t, channels, frames) => writers[t]!.write(channels, frames));
    for (const [t, writer] of writers.entries()) {
      const report = reports[t]!;
      await writer.finish({
        loudness: {
          integrated: report.integratedLufs,
          range: report.loudnessRangeLu,
          maxTruePeak: report.truePeakDbtp,
          maxShortTerm: report.maxShortTermLufs,
        },
      });
    }
  } catch (error) {
    await Promise.all(writers.map((writer) => writer.abort().catch(() => undefined)));
    throw error;
  }
}
