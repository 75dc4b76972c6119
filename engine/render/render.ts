import { openAudioFile } from '../audio/audio-file.ts';
import type { BextMetadata, WavStreamWriterOptions } from '../audio/wav-stream-writer.ts';
import type { WavSampleFormat } from '../audio/wav-file.ts';
import { LatheError, isLatheError } from '../errors.ts';
import type { ConsoleLayout } from '../graph/console-layout.ts';
import { mixLoadFor } from '../mix/mix-load.ts';
import { applyMixLoad } from '../mix/mix-load.ts';
import type { ResolvedMix } from '../mix/resolve-mix.ts';
import { createRuntime, type RuntimeParts } from '../worker/create-runtime.ts';
import { FileInput } from './file-input.ts';
import { InlineRenderOutput } from './inline-render-output.ts';
import { runOffline, type OfflineInput } from './offline-render.ts';
import type { RenderOutput } from './render-output.ts';
import { WorkerRenderOutput } from './render-output-worker.ts';

export type DitherChoice = 'tpdf' | 'shaped' | 'none';

export interface RenderSettings {
  readonly bits: WavSampleFormat;
  /** Default: TPDF when reducing to 16 or 24 bit; never for 32-bit float. */
  readonly dither?: DitherChoice;
  /** Limiter ceiling in dBTP (overrides the mix). */
  readonly ceiling?: number;
  /** Output sample rate: inputs are converted to it and the whole chain runs at it. */
  readonly sampleRate?: number;
  readonly blockSize?: number;
  /** Drop the chain's latency at the start so the output lines up with the input (default true). */
  readonly compensateLatency?: boolean;
  readonly onProgress?: (framesDone: number, totalFrames: number) => void;
  /** Parameter values by id (plain units) set before the render, over the mix's own. */
  readonly values?: ReadonlyMap<string, number>;
  /** renderMaster: the name the report and bext give the source (default: the input file's path). */
  readonly sourceName?: string;
  /**
   * Measure and write the output on a worker thread beside the render (true), or on the
   * rendering thread (false). Default: on a worker for renders of OUTPUT_WORKER_SECONDS or more,
   * or whenever a started one is waiting. The output is the same either way.
   */
  readonly outputWorker?: boolean;
}

export interface RenderReport {
  readonly output: string;
  readonly source: string;
  readonly mode: 'mix' | 'master';
  readonly sampleRate: number;
  readonly bits: WavSampleFormat;
  readonly dither: DitherChoice;
  readonly ceilingDbtp: number;
  readonly frames: number;
  readonly durationSeconds: number;
  readonly elapsedSeconds: number;
  /** Times real time. */
  readonly speed: number;
  readonly latencyFrames: number;
  readonly integratedLufs: number;
  readonly loudnessRangeLu: number;
  readonly maxShortTermLufs: number;
  readonly truePeakDbtp: number;
  readonly samplePeakDbfs: number;
}

const DEFAULT_BLOCK = 128;
/**
 * Frames per file read and per file write of a render (about 0.7 s at 48 kHz, 390 kB of 24-bit
 * stereo): each read or write that the render waits for costs a turn of the event loop, and with
 * 8192-frame reads a master render sat idle 7 % of its time.
 */
const RENDER_IO_FRAMES = 32768;
/**
 * Output length from which a render starts a worker for its output when none is waiting: a
 * worker takes about 0.3 s to start, which a render on one thread (~85x real time) spends on
 * about 25 s of audio; the worker's 1.3x then pays off from about this length.
 */
export const OUTPUT_WORKER_SECONDS = 40;
/** How far (in seconds) a render may run ahead of its output worker, while that starts. */
const OUTPUT_AHEAD_SECONDS = 60;

function setValue(parts: RuntimeParts, values: Float64Array, id: string, value: number): void {
  const index = parts.specs.findIndex((spec) => spec.id === id);
  if (index < 0) throw new LatheError('LATHE_RENDER_FAILED', `no parameter ${id}`);
  values[index] = Math.fround(value);
}

function choiceIndex(parts: RuntimeParts, id: string, choice: string): number {
  const spec = parts.specs.find((s) => s.id === id);
  const index = spec?.choices?.indexOf(choice) ?? -1;
  if (index < 0) throw new LatheError('LATHE_RENDER_FAILED', `${id} has no choice "${choice}"`);
  return index;
}

function valueOf(parts: RuntimeParts, values: Float64Array, id: string): number {
  return values[parts.specs.findIndex((spec) => spec.id === id)] ?? Number.NaN;
}

/** Output word length and dither from the settings: the master's last stage. */
function applyOutputSettings(
  parts: RuntimeParts,
  values: Float64Array,
  settings: RenderSettings,
): DitherChoice {
  const dither: DitherChoice = settings.bits === '32f' ? 'none' : (settings.dither ?? 'tpdf');
  setValue(parts, values, 'master/dither/bits', choiceIndex(parts, 'master/dither/bits', settings.bits));
  setValue(parts, values, 'master/dither/dither', choiceIndex(parts, 'master/dither/dither', dither));
  for (const [id, value] of settings.values ?? []) setValue(parts, values, id, value);
  if (settings.ceiling !== undefined) setValue(parts, values, 'master/limiter/ceiling', settings.ceiling);
  return dither;
}

function bextFor(
  source: string,
  sampleRate: number,
  bits: WavSampleFormat,
  dither: DitherChoice,
): BextMetadata {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const word = bits === '32f' ? '32F' : bits;
  const name = source.replace(/[^\x20-\x7e]/g, '?');
  return {
    description: `Lathe render of ${name}`.slice(0, 256),
    originator: 'Lathe',
    originatorReference: `LATHE${now.getTime().toString(36).toUpperCase()}`.slice(0, 32),
    originationDate: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    originationTime: `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`,
    timeReference: 0,
    codingHistory: `A=PCM,F=${sampleRate},W=${bits === '32f' ? 32 : bits},M=stereo,T=Lathe render; dither ${dither}; ${word}`,
  };
}

async function renderParts(
  parts: RuntimeParts,
  source: string,
  mode: 'mix' | 'master',
  out: string,
  totalFrames: number,
  input: OfflineInput | null,
  settings: RenderSettings,
  dither: DitherChoice,
  ceilingDbtp: number,
): Promise<RenderReport> {
  const sampleRate = parts.graph.sampleRate;
  const latency = settings.compensateLatency === false ? 0 : parts.graph.latencyFrames;
  const writerOptions: WavStreamWriterOptions = {
    sampleRate,
    channelCount: 2,
    format: settings.bits,
    bext: bextFor(source, sampleRate, settings.bits, dither),
    blockFrames: RENDER_IO_FRAMES,
  };
  const started = performance.now();
  const useWorker =
    settings.outputWorker ?? (WorkerRenderOutput.warm || totalFrames >= OUTPUT_WORKER_SECONDS * sampleRate);
  const output: RenderOutput = useWorker
    ? WorkerRenderOutput.open(out, writerOptions, RENDER_IO_FRAMES, OUTPUT_AHEAD_SECONDS * sampleRate)
    : await InlineRenderOutput.open(out, writerOptions, RENDER_IO_FRAMES);
  try {
    const frames = await runOffline(parts, {
      totalFrames,
      blockSize: settings.blockSize ?? DEFAULT_BLOCK,
      input,
      latencyFrames: latency,
      output,
      ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
    });
    const result = await output.finish();
    const elapsedSeconds = (performance.now() - started) / 1000;
    return {
      output: out,
      source,
      mode,
      sampleRate,
      bits: settings.bits,
      dither,
      ceilingDbtp,
      frames,
      durationSeconds: frames / sampleRate,
      elapsedSeconds,
      speed: frames / sampleRate / Math.max(elapsedSeconds, 1e-9),
      latencyFrames: latency,
      integratedLufs: result.integratedLufs,
      loudnessRangeLu: result.loudnessRangeLu,
      maxShortTermLufs: result.maxShortTermLufs,
      truePeakDbtp: result.truePeakDbtp,
      samplePeakDbfs: result.samplePeakDbfs,
    };
  } catch (error) {
    await output.abort();
    if (isLatheError(error)) throw error;
    throw new LatheError('LATHE_RENDER_FAILED', `${out}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Bounces a mix through the console (strips, auxes, master chain) exactly as the audio worker
 * plays it, from 0 to the mix's length, and writes a Broadcast Wave file. The output is written
 * to a temporary file and renamed when complete, so a failed render leaves no output file.
 */
export async function renderMix(
  mix: ResolvedMix,
  out: string,
  settings: RenderSettings,
): Promise<RenderReport> {
  if (settings.sampleRate !== undefined && settings.sampleRate !== mix.sampleRate) {
    throw new LatheError(
      'LATHE_RENDER_FAILED',
      `${mix.file}: resolved at ${mix.sampleRate} Hz; load it at ${settings.sampleRate} Hz to render at that rate`,
    );
  }
  const parts = createRuntime({
    layout: mix.layout,
    sampleRate: mix.sampleRate,
    maxBlockFrames: settings.blockSize ?? DEFAULT_BLOCK,
  });
  const load = mixLoadFor({ ...mix, loop: null }, parts.specs, { shareStems: false, autoplay: true });
  const values = Float64Array.from(load.values);
  const dither = applyOutputSettings(parts, values, settings);
  applyMixLoad(parts, { ...load, values }, true);
  return renderParts(
    parts,
    mix.file,
    'mix',
    out,
    mix.lengthFrames,
    null,
    settings,
    dither,
    valueOf(parts, values, 'master/limiter/ceiling'),
  );
}

/** The console for mastering a stereo file: one stereo strip (neutral) into the master chain. */
export const MASTERING_LAYOUT: ConsoleLayout = { strips: [{ label: 'Input', kind: 'stereo' }], auxes: [] };

/**
 * Runs a stereo (or mono) file through the master chain only, streaming (constant memory), at
 * the file's rate or at `settings.sampleRate` (converted first, so the limiter is the last word
 * on peaks at the output rate), and writes a Broadcast Wave file (temporary file, renamed).
 */
export async function renderMaster(
  inputFile: string,
  out: string,
  settings: RenderSettings,
): Promise<RenderReport> {
  const reader = await openAudioFile(inputFile, RENDER_IO_FRAMES);
  try {
    const channels = reader.format.channelCount;
    if (channels > 2) {
      throw new LatheError(
        'LATHE_RENDER_FAILED',
        `${inputFile}: has ${channels} channels; mastering takes a stereo (or mono) file`,
      );
    }
    const rate = settings.sampleRate ?? reader.format.sampleRate;
    const parts = createRuntime({
      layout: MASTERING_LAYOUT,
      sampleRate: rate,
      maxBlockFrames: settings.blockSize ?? DEFAULT_BLOCK,
    });
    const values = Float64Array.from(parts.specs, (spec) => Math.fround(spec.default));
    const dither = applyOutputSettings(parts, values, settings);
    applyMixLoad(
      parts,
      { values, lanes: [], modes: new Uint8Array(parts.specs.length), stems: [], loop: null, autoplay: true },
      true,
    );
    const totalFrames = Math.round((reader.format.frames * rate) / reader.format.sampleRate);
    return await renderParts(
      parts,
      settings.sourceName ?? inputFile,
      'master',
      out,
      totalFrames,
      new FileInput(reader, rate),
      settings,
      dither,
      valueOf(parts, values, 'master/limiter/ceiling'),
    );
  } finally {
    await reader.close();
  }
}

/**
 * Runs any stereo offline input (already at `sampleRate`) through the master chain, as
 * renderMaster does for a file: for inputs assembled on the fly, such as an album's tracks with
 * their gaps and fades (engine/render/album-input.ts). `source` names it in the report and bext.
 */
export async function renderMasterInput(
  input: OfflineInput,
  totalFrames: number,
  sampleRate: number,
  source: string,
  out: string,
  settings: RenderSettings,
): Promise<RenderReport> {
  const parts = createRuntime({
    layout: MASTERING_LAYOUT,
    sampleRate,
    maxBlockFrames: settings.blockSize ?? DEFAULT_BLOCK,
  });
  const values = Float64Array.from(parts.specs, (spec) => Math.fround(spec.default));
  const dither = applyOutputSettings(parts, values, settings);
  applyMixLoad(
    parts,
    { values, lanes: [], modes: new Uint8Array(parts.specs.length), stems: [], loop: null, autoplay: true },
    true,
  );
  return renderParts(
    parts,
    source,
    'master',
    out,
    totalFrames,
    input,
    settings,
    dither,
    valueOf(parts, values, 'master/limiter/ceiling'),
  );
}
