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
 * Frames gathered per batch: the input is read, the output measured and handed to the sink
 * this many frames at a time, while the runtime still runs its own block size inside. One await
 * per 128-frame block (input and sink) cost about a tenth of a mastering render.
 */
const BATCH_FRAMES = 4096;

/**
 * Drives a runtime block by block, as fast as it goes, with the same block function the audio
 * worker runs (which is what makes a render identical to what was heard). The output is
 * measured on the way out (BS.1770-5 loudness, true peak) for the render's report.
 */
export async function runOffline(parts: RuntimeParts, options: OfflineRunOptions): Promise<OfflineRunResult> {
  const { runtime, graph } = parts;
  const block = options.blockSize;
  const inputChannels = options.input?.channels ?? 0;
  // No interleaved outputs: the master bus is read planar from the graph after each block.
  runtime.configure({ sampleRate: graph.sampleRate, blockSize: block, inputChannels, outputChannels: 0 });
  const batchBlocks = Math.max(1, Math.floor(BATCH_FRAMES / block));
  const batchFrames = batchBlocks * block;
  const stride = Math.max(1, inputChannels);
  const input = new Float32Array(stride * batchFrames);
  const output = new Float32Array(0);
  // One view per block of the batch, made once: the runtime reads a block's interleaved input.
  const inputBlocks = Array.from({ length: batchBlocks }, (_, k) =>
    input.subarray(k * block * stride, (k + 1) * block * stride),
  );
  const loudness = new LoudnessMeter(graph.sampleRate, 2);
  const truePeak = new TruePeakMeter(graph.sampleRate, 2, undefined, batchFrames);
  // The batch is gathered straight into the true-peak meter's input lines (its kernel memory):
  // the same arrays then feed the loudness meter and the sink, with no further copy.
  const left = truePeak.input(0);
  const right = truePeak.input(1);
  const masterLeft = graph.masterLeft;
  const masterRight = graph.masterRight;
  const samplePeaks = new Float64Array(2);
  let skip = options.latencyFrames;
  let toWrite = options.totalFrames;
  let inputDone = options.input === null;
  let written = 0;
  let lastProgress = 0;
  const progressStep = Math.max(block, Math.floor(options.totalFrames / 100));
  while (toWrite > 0) {
    // Blocks this batch: no more than it takes to finish (latency still to drop included).
    const blocks = Math.min(batchBlocks, Math.ceil((toWrite + skip) / block));
    const frames = blocks * block;
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
      input.fill(0, got * inputChannels, frames * stride);
    } else input.fill(0, 0, frames * stride);
    let count = 0;
    let peakLeft = 0;
    let peakRight = 0;
    for (let k = 0; k < blocks; k++) {
      runtime.process(inputBlocks[k]!, output, block);
      let from = 0;
      if (skip > 0) {
        from = Math.min(skip, block);
        skip -= from;
      }
      const take = Math.min(block - from, toWrite - count);
      for (let i = 0; i < take; i++) {
        // Non-finite output (which the chain's limiter should never let through) is written and
        // measured as 0. x - x is NaN for NaN and +-Infinity, 0 otherwise.
        let l = masterLeft[from + i]!;
        let r = masterRight[from + i]!;
        if (l - l !== 0) l = 0;
        if (r - r !== 0) r = 0;
        left[count + i] = l;
        right[count + i] = r;
        const ml = l < 0 ? -l : l;
        const mr = r < 0 ? -r : r;
        if (ml > peakLeft) peakLeft = ml;
        if (mr > peakRight) peakRight = mr;
      }
      count += take > 0 ? take : 0;
    }
    if (count === 0) continue;
    const outLeft = count === batchFrames ? left : left.subarray(0, count);
    const outRight = count === batchFrames ? right : right.subarray(0, count);
    loudness.process([outLeft, outRight], count);
    // The sink copies the batch before its promise settles; the true-peak kernel may then
    // reuse its input lines.
    await options.sink(outLeft, outRight, count);
    samplePeaks[0] = peakLeft;
    samplePeaks[1] = peakRight;
    truePeak.processInput(count, samplePeaks);
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
