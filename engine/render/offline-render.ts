import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import { TruePeakMeter } from '../meters/true-peak-meter.ts';
import type { RuntimeParts } from '../worker/create-runtime.ts';

/** Interleaved input for an offline run (a file being mastered); null for none. */
export interface OfflineInput {
  readonly channels: number;
  /** Fills `target` with up to `frames` interleaved frames; returns frames read (0 at the end). */
  read(target: Float32Array, frames: number): Promise<number>;
}

/** Where rendered audio goes, planar, in order. */
export type OfflineSink = (left: Float32Array, right: Float32Array, frames: number) => Promise<void>;

export interface OfflineRunOptions {
  readonly totalFrames: number;
  readonly blockSize: number;
  readonly input: OfflineInput | null;
  readonly sink: OfflineSink;
  /** Drop this many frames at the start and run as many more at the end (the chain's latency). */
  readonly latencyFrames: number;
  /** Called now and then with frames done so far. */
  readonly onProgress?: (framesDone: number, totalFrames: number) => void;
}

export interface OfflineRunResult {
  readonly frames: number;
  readonly integratedLufs: number;
  readonly loudnessRangeLu: number;
  readonly maxShortTermLufs: number;
  readonly truePeakDbtp: number;
  readonly samplePeakDbfs: number;
}

/**
 * Drives a runtime block by block, as fast as it goes, with the same block function the audio
 * worker runs (which is what makes a render identical to what was heard). The output is
 * measured on the way out (BS.1770-5 loudness, true peak) for the render's report.
 */
export async function runOffline(parts: RuntimeParts, options: OfflineRunOptions): Promise<OfflineRunResult> {
  const { runtime, graph } = parts;
  const block = options.blockSize;
  const inputChannels = options.input?.channels ?? 0;
  runtime.configure({ sampleRate: graph.sampleRate, blockSize: block, inputChannels, outputChannels: 2 });
  const input = new Float32Array(Math.max(1, inputChannels) * block);
  const output = new Float32Array(2 * block);
  const left = new Float32Array(block);
  const right = new Float32Array(block);
  const loudness = new LoudnessMeter(graph.sampleRate, 2);
  const truePeak = new TruePeakMeter(graph.sampleRate, 2);
  const planar = [left, right];
  let skip = options.latencyFrames;
  let toWrite = options.totalFrames;
  let inputDone = options.input === null;
  let written = 0;
  let lastProgress = 0;
  const progressStep = Math.max(block, Math.floor(options.totalFrames / 100));
  while (toWrite > 0) {
    const frames = block;
    if (!inputDone && options.input !== null) {
      let got = 0;
      while (got < frames) {
        const read = await options.input.read(input.subarray(got * inputChannels), frames - got);
        if (read === 0) {
          inputDone = true;
          break;
        }
        got += read;
      }
      input.fill(0, got * inputChannels);
    } else input.fill(0);
    runtime.process(input, output, frames);
    let from = 0;
    if (skip > 0) {
      from = Math.min(skip, frames);
      skip -= from;
    }
    const count = Math.min(frames - from, toWrite);
    if (count <= 0) continue;
    for (let i = 0; i < count; i++) {
      left[i] = output[2 * (from + i)]!;
      right[i] = output[2 * (from + i) + 1]!;
    }
    const outLeft = left.subarray(0, count);
    const outRight = right.subarray(0, count);
    loudness.process(count === block ? planar : [outLeft, outRight], count);
    truePeak.process(count === block ? planar : [outLeft, outRight], count);
    await options.sink(outLeft, outRight, count);
    toWrite -= count;
    written += count;
    if (options.onProgress && written - lastProgress >= progressStep) {
      lastProgress = written;
      options.onProgress(written, options.totalFrames);
    }
  }
  options.onProgress?.(written, options.totalFrames);
  return {
    frames: written,
    integratedLufs: loudness.integrated(),
    loudnessRangeLu: loudness.loudnessRange(),
    maxShortTermLufs: loudness.maxShortTerm(),
    truePeakDbtp: truePeak.truePeakDb(),
    samplePeakDbfs: truePeak.samplePeakDb(),
  };
}
