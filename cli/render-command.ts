import {
  isLatheError,
  loadMixFile,
  renderAlbum,
  renderInputToTarget,
  renderMaster,
  renderMix,
  renderMixToTarget,
  resolveLoudnessTarget,
  type LoudnessTarget,
  type RenderReport,
  type RenderSettings,
  type TargetRenderReport,
} from '../engine/index.ts';
import type { RenderOptions } from './cli-options.ts';
import { formatAlbumReport } from './format-album-report.ts';

/** Renders shorter than this (audio seconds) print no progress. */
const PROGRESS_MIN_SECONDS = 30;

const db = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-inf');

function formatTarget(report: TargetRenderReport): string {
  const { target } = report;
  const name = target.preset === null ? '' : ` (${target.preset})`;
  const gain = `${target.gainDb >= 0 ? '+' : ''}${target.gainDb.toFixed(2)} dB`;
  if (target.targetLufs === null || target.deviationLu === null) {
    return `  target none${name}: unity gain into the limiter, ${target.passes} pass`;
  }
  const deviation = `${target.deviationLu >= 0 ? '+' : ''}${target.deviationLu.toFixed(2)}`;
  return (
    `  target ${target.targetLufs.toFixed(1)} LUFS${name}: delivered ${report.integratedLufs.toFixed(2)} LUFS ` +
    `(${deviation} LU), ${gain} into the limiter (source ${db(target.sourceLufs)} LUFS), ` +
    `${target.passes} pass${target.passes === 1 ? '' : 'es'}`
  );
}

function formatReport(report: RenderReport | TargetRenderReport): string {
  const lines = [
    `rendered ${report.output}`,
    `  ${report.mode === 'mix' ? 'mix' : 'master'} of ${report.source}`,
    `  ${report.sampleRate} Hz, ${report.bits === '32f' ? '32-bit float' : `${report.bits}-bit`}, dither ${report.dither}, ` +
      `${report.durationSeconds.toFixed(2)} s in ${report.elapsedSeconds.toFixed(2)} s (${report.speed.toFixed(0)}x real time)`,
    `  integrated ${db(report.integratedLufs)} LUFS, range ${report.loudnessRangeLu.toFixed(1)} LU, ` +
      `true peak ${db(report.truePeakDbtp)} dBTP (ceiling ${report.ceilingDbtp.toFixed(1)}), sample peak ${db(report.samplePeakDbfs)} dBFS`,
  ];
  if ('target' in report) lines.push(formatTarget(report));
  return lines.join('\n');
}

/**
 * `lathe render`: `--mix FILE.json --out OUT.wav` bounces a mix; `--input IN.wav --out OUT.wav`
 * masters a stereo file; either with `--target NAME|LUFS` lands the delivered file on a loudness
 * target; `--album ALBUM.json --out DIR` masters an album. Progress goes to stderr on long
 * renders; `--json` prints the report as one JSON object on stdout. Any failure is one line on
 * stderr, exit code 1, and no output file.
 */
export async function renderCommand(
  options: RenderOptions,
  out: (line: string) => void,
  err: (line: string) => void,
  progressStream: { isTTY?: boolean; write: (text: string) => unknown } = process.stderr,
): Promise<number> {
  let lastTenth = -1;
  let prefix = '';
  const progress = (done: number, total: number): void => {
    if (total <= 0) return;
    const tenth = Math.floor((10 * done) / total);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    if (progressStream.isTTY === true)
      progressStream.write(`\r${prefix}rendering ${tenth * 10} %${tenth === 10 ? '\n' : ''}`);
    else progressStream.write(`${prefix}rendering ${tenth * 10} %\n`);
  };
  try {
    if (options.album !== undefined) {
      const report = await renderAlbum(options.album, options.out, {
        ...(options.target === undefined ? {} : { target: options.target }),
        ...(options.ceiling === undefined ? {} : { ceiling: options.ceiling }),
        ...(options.bits === undefined ? {} : { bits: options.bits }),
        ...(options.rate === undefined ? {} : { sampleRate: options.rate }),
        ...(options.dither === undefined ? {} : { dither: options.dither }),
      });
      out(options.json ? JSON.stringify(report) : formatAlbumReport(report));
      return 0;
    }
    let target: LoudnessTarget | undefined;
    if (options.target !== undefined) {
      const resolved = resolveLoudnessTarget(
        options.target,
        options.ceiling === undefined ? {} : { ceilingDbtp: options.ceiling },
      );
      // parseCommand checked it already; a string here would be a bug, reported like any error.
      if (typeof resolved === 'string') throw new Error(`--target ${resolved}`);
      target = resolved;
    }
    // Flags win over the preset's delivery format.
    const rate = options.rate ?? target?.delivery?.sampleRate;
    const dither = options.dither ?? target?.delivery?.dither;
    const settings: RenderSettings = {
      bits: options.bits ?? target?.delivery?.bits ?? '24',
      ...(dither === undefined ? {} : { dither }),
      ...(options.ceiling === undefined ? {} : { ceiling: options.ceiling }),
      ...(rate === undefined ? {} : { sampleRate: rate }),
      onProgress: progress,
    };
    const quiet = { ...settings, onProgress: () => undefined };
    const onPass = (pass: number): void => {
      prefix = `pass ${pass}: `;
      lastTenth = -1;
    };
    let report: RenderReport | TargetRenderReport;
    if (options.mix !== undefined) {
      const mix = await loadMixFile(options.mix, rate === undefined ? {} : { sampleRate: rate });
      const long = mix.lengthFrames / mix.sampleRate >= PROGRESS_MIN_SECONDS;
      report =
        target === undefined
          ? await renderMix(mix, options.out, long ? settings : quiet)
          : await renderMixToTarget(mix, options.out, { ...(long ? settings : quiet), target, onPass });
    } else {
      const input = options.input ?? '';
      const inputSettings = {
        ...settings,
        onProgress: (done: number, total: number) => {
          if (total / (rate ?? 48000) >= PROGRESS_MIN_SECONDS) progress(done, total);
        },
      };
      report =
        target === undefined
          ? await renderMaster(input, options.out, inputSettings)
          : await renderInputToTarget(input, options.out, { ...inputSettings, target, onPass });
    }
    out(options.json ? JSON.stringify(report) : formatReport(report));
    return 0;
  } catch (error) {
    err(
      `lathe: ${isLatheError(error) ? error.message : error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}
