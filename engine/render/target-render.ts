import { rename } from 'node:fs/promises';
import { openAudioFile } from '../audio/audio-file.ts';
import { LatheError } from '../errors.ts';
import type { ResolvedMix } from '../mix/resolve-mix.ts';
import { FileInput } from './file-input.ts';
import { GainSearch } from './gain-search.ts';
import type { LoudnessPresetName, LoudnessTarget } from './loudness-targets.ts';
import { bouncePreLimiter } from './mix-pre-limiter.ts';
import { MAX_PRE_LIMITER_GAIN_DB, preLimiterGainValues } from './pre-limiter-gain.ts';
import { renderMaster, type RenderReport, type RenderSettings } from './render.ts';
import { removeQuietly, siblingTempPath } from './sibling-temp.ts';
import { measureInputLoudness } from './source-loudness.ts';

/** A render stops searching once it is this close to the target (our meter, LU). */
export const TARGET_TOLERANCE_LU = 0.02;
/**
 * If the passes run out, the closest render is still delivered when it is within this: half the
 * ±0.1 LU promise, leaving the rest for the difference between meters (ours and ffmpeg's agree
 * within 0.01 LU).
 */
export const TARGET_FALLBACK_LU = 0.05;
/** Renders per target, the first included. Limiting makes 2-4 usual; linear material lands in 1. */
export const MAX_TARGET_PASSES = 6;

export interface TargetRenderSettings extends Omit<RenderSettings, 'ceiling'> {
  /** Resolved target; its ceiling is the limiter's. */
  readonly target: LoudnessTarget;
  /** Called before each render pass (1-based) with the gain it tries. */
  readonly onPass?: (pass: number, gainDb: number) => void;
}

export interface TargetOutcome {
  readonly preset: LoudnessPresetName | null;
  /** The target, LUFS; null when the preset has none (rendered at unity gain). */
  readonly targetLufs: number | null;
  /** The source's integrated loudness before the limiter, at unity gain. */
  readonly sourceLufs: number;
  /** Gain put in front of the limiter, dB. */
  readonly gainDb: number;
  /** Delivered integrated loudness minus the target, LU (our meter); null without a target. */
  readonly deviationLu: number | null;
  readonly passes: number;
}

export interface TargetRenderReport extends RenderReport {
  readonly target: TargetOutcome;
}

/**
 * Masters a stereo file onto a loudness target: the delivered file (after limiting, rate
 * conversion, word length and dither, all of which the measurement sees) lands on the target's
 * integrated loudness within TARGET_TOLERANCE_LU of our meter, its true peak under the target's
 * ceiling. Gain goes in front of the limiter (preLimiterGainValues) and is found by GainSearch,
 * one full render per step; each pass renders to a hidden file next to `out` and only the
 * accepted one is renamed onto it. An unreachable target (silence, or more loudness than the
 * limiter can make) is one LatheError and leaves no file.
 */
export async function renderInputToTarget(
  inputFile: string,
  out: string,
  settings: TargetRenderSettings,
  sourceName = inputFile,
): Promise<TargetRenderReport> {
  const { target } = settings;
  const reader = await openAudioFile(inputFile, 8192);
  let sourceLufs: number;
  try {
    sourceLufs = await measureInputLoudness(
      new FileInput(reader, reader.format.sampleRate),
      reader.format.sampleRate,
    );
  } finally {
    await reader.close();
  }
  const aimLufs = target.integratedLufs;
  if (aimLufs !== null && !Number.isFinite(sourceLufs)) {
    throw new LatheError(
      'LATHE_TARGET_UNREACHABLE',
      `${sourceName}: has no measurable loudness (nothing above the -70 LUFS gate), so no gain can bring it to ${aimLufs} LUFS`,
    );
  }
  // No target (the cd preset): one render at unity gain; the limiter only takes the overs.
  const unity = aimLufs === null;
  const search = new GainSearch({
    targetLufs: aimLufs ?? 0,
    sourceLufs,
    maxGainDb: MAX_PRE_LIMITER_GAIN_DB,
    toleranceLu: TARGET_TOLERANCE_LU,
  });
  const { onPass } = settings;
  const passFiles = new Set<string>();
  let best: { file: string; report: RenderReport; gainDb: number } | undefined;
  try {
    for (let pass = 1; pass <= MAX_TARGET_PASSES; pass++) {
      const gainDb = unity ? 0 : search.nextGainDb();
      onPass?.(pass, gainDb);
      const file = siblingTempPath(out, `pass${pass}`);
      passFiles.add(file);
      const values = new Map([...(settings.values ?? []), ...preLimiterGainValues(gainDb)]);
      const report = await renderMaster(inputFile, file, {
        ...settings,
        sourceName,
        ceiling: target.ceilingDbtp,
        values: new Map([...values, ['master/limiter/on', 1]]),
      });
      search.observe(gainDb, report.integratedLufs, report.truePeakDbtp);
      if (best === undefined || miss(report, aimLufs ?? 0) < miss(best.report, aimLufs ?? 0)) {
        if (best !== undefined) await removeQuietly([best.file]);
        best = { file, report, gainDb };
      } else await removeQuietly([file]);
      if (unity || search.landed || search.unreachable) break;
    }
    if (best === undefined) throw new LatheError('LATHE_RENDER_FAILED', `${out}: no render pass ran`);
    const deviation = aimLufs === null ? null : best.report.integratedLufs - aimLufs;
    if (deviation !== null && !(Math.abs(deviation) <= TARGET_FALLBACK_LU)) {
      throw new LatheError(
        'LATHE_TARGET_UNREACHABLE',
        search.unreachable
          ? `${sourceName}: ${aimLufs} LUFS is out of reach: with +${MAX_PRE_LIMITER_GAIN_DB} dB into the limiter at ${target.ceilingDbtp} dBTP it delivers ${best.report.integratedLufs.toFixed(2)} LUFS`
          : `${sourceName}: did not land within ${TARGET_FALLBACK_LU} LU of ${aimLufs} LUFS in ${search.passes} passes (closest ${best.report.integratedLufs.toFixed(2)} LUFS)`,
      );
    }
    if (best.report.truePeakDbtp > target.ceilingDbtp) {
      throw new LatheError(
        'LATHE_RENDER_FAILED',
        `${out}: true peak ${best.report.truePeakDbtp.toFixed(2)} dBTP is above the ${target.ceilingDbtp} dBTP ceiling`,
      );
    }
    await rename(best.file, out);
    passFiles.delete(best.file);
    return {
      ...best.report,
      output: out,
      source: sourceName,
      // As asked; the limiter holds the float32 parameter value, a hair lower at most.
      ceilingDbtp: target.ceilingDbtp,
      target: {
        preset: target.preset,
        targetLufs: aimLufs,
        sourceLufs,
        gainDb: best.gainDb,
        deviationLu: deviation,
        passes: search.passes,
      },
    };
  } catch (error) {
    if (error instanceof LatheError) throw error;
    throw new LatheError('LATHE_RENDER_FAILED', `${out}: ${(error as Error).message}`, { cause: error });
  } finally {
    await removeQuietly(passFiles);
  }
}

/**
 * A mix onto a loudness target: the mix is bounced once up to its limiter (bouncePreLimiter),
 * then that bounce is mastered onto the target as a file would be, with the mix's own limiter
 * release and look-ahead. Each gain step then costs a master render, not a whole mix.
 */
export async function renderMixToTarget(
  mix: ResolvedMix,
  out: string,
  settings: TargetRenderSettings,
): Promise<TargetRenderReport> {
  const started = performance.now();
  const bounceFile = siblingTempPath(out, 'premaster');
  try {
    const bounce = await bouncePreLimiter(mix, bounceFile, {
      ...(settings.blockSize === undefined ? {} : { blockSize: settings.blockSize }),
      ...(settings.onProgress === undefined ? {} : { onProgress: settings.onProgress }),
    });
    const values = new Map([...bounce.limiterValues, ...(settings.values ?? [])]);
    const report = await renderInputToTarget(bounceFile, out, { ...settings, values }, mix.file);
    const elapsedSeconds = (performance.now() - started) / 1000;
    return {
      ...report,
      mode: 'mix',
      elapsedSeconds,
      speed: report.durationSeconds / Math.max(elapsedSeconds, 1e-9),
    };
  } finally {
    await removeQuietly([bounceFile]);
  }
}

function miss(report: RenderReport, aimLufs: number): number {
  const deviation = Math.abs(report.integratedLufs - aimLufs);
  return Number.isNaN(deviation) ? Infinity : deviation;
}
