import {
  isLatheError,
  loadMixFile,
  renderMaster,
  renderMix,
  type RenderReport,
  type RenderSettings,
} from '../engine/index.ts';
import type { RenderOptions } from './cli-options.ts';

/** Renders shorter than this (audio seconds) print no progress. */
const PROGRESS_MIN_SECONDS = 30;

function formatReport(report: RenderReport): string {
  const db = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-inf');
  return [
    `rendered ${report.output}`,
    `  ${report.mode === 'mix' ? 'mix' : 'master'} of ${report.source}`,
    `  ${report.sampleRate} Hz, ${report.bits === '32f' ? '32-bit float' : `${report.bits}-bit`}, dither ${report.dither}, ` +
      `${report.durationSeconds.toFixed(2)} s in ${report.elapsedSeconds.toFixed(2)} s (${report.speed.toFixed(0)}x real time)`,
    `  integrated ${db(report.integratedLufs)} LUFS, range ${report.loudnessRangeLu.toFixed(1)} LU, ` +
      `true peak ${db(report.truePeakDbtp)} dBTP (ceiling ${report.ceilingDbtp.toFixed(1)}), sample peak ${db(report.samplePeakDbfs)} dBFS`,
  ].join('\n');
}

/**
 * `lathe render`: `--mix FILE.json --out OUT.wav` bounces a mix; `--input IN.wav --out OUT.wav`
 * masters a stereo file. Progress goes to stderr on long renders; `--json` prints the report as
 * one JSON object on stdout. Any failure is one line on stderr, exit code 1, and no output file.
 */
export async function renderCommand(
  options: RenderOptions,
  out: (line: string) => void,
  err: (line: string) => void,
  progressStream: { isTTY?: boolean; write: (text: string) => unknown } = process.stderr,
): Promise<number> {
  let lastTenth = -1;
  const settings: RenderSettings = {
    bits: options.bits,
    ...(options.dither === undefined ? {} : { dither: options.dither }),
    ...(options.ceiling === undefined ? {} : { ceiling: options.ceiling }),
    ...(options.rate === undefined ? {} : { sampleRate: options.rate }),
    onProgress: (done, total) => {
      if (total <= 0) return;
      const tenth = Math.floor((10 * done) / total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      if (progressStream.isTTY === true)
        progressStream.write(`\rrendering ${tenth * 10} %${tenth === 10 ? '\n' : ''}`);
      else progressStream.write(`rendering ${tenth * 10} %\n`);
    },
  };
  try {
    let report: RenderReport;
    if (options.mix !== undefined) {
      const mix = await loadMixFile(
        options.mix,
        options.rate === undefined ? {} : { sampleRate: options.rate },
      );
      const long = mix.lengthFrames / mix.sampleRate >= PROGRESS_MIN_SECONDS;
      report = await renderMix(
        mix,
        options.out,
        long ? settings : { ...settings, onProgress: () => undefined },
      );
    } else {
      report = await renderMaster(options.input ?? '', options.out, {
        ...settings,
        onProgress: (done, total) => {
          if (total / (options.rate ?? 48000) >= PROGRESS_MIN_SECONDS) settings.onProgress?.(done, total);
        },
      });
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
