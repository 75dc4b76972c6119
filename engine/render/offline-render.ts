import type { RuntimeParts } from '../worker/create-runtime.ts';
import type { RenderOutput } from './render-output.ts';

/** Stereo input for an offline run (a file being mastered); null for none. */
export interface OfflineInput {
  /** Fills `left` and `right` with up to `frames` frames; returns frames read (0 at the end). */
  read(left: Float32Array, right: Float32Array, frames: number): Promise<number>;
}

export interface OfflineRunOptions {
  readonly totalFrames: number;
  readonly blockSize: number;
  readonly input: OfflineInput | null;
  /** Where the master bus goes (measured and written). */
  readonly output: RenderOutput;
  /** Drop this many frames at the start and run as many more at the end (the chain's latency). */
  readonly latencyFrames: number;
  /** Called now and then with frames done so far. */
  readonly onProgress?: (framesDone: number, totalFrames: number) => void;
}

/**
 * Frames of input read per batch, while the runtime still runs its own block size inside: one
 * await per 128-frame block cost about a tenth of a mastering render.
 */
const BATCH_FRAMES = 4096;

/**
 * Drives a runtime block by block, as fast as it goes, with the same block function the audio
 * worker runs (which is what makes a render identical to what was heard), and hands the master
 * bus to `options.output` a chunk at a time. Returns the frames rendered.
 */
export async function runOffline(parts: RuntimeParts, options: OfflineRunOptions): Promise<number> {
  const { runtime, graph } = parts;
  const block = options.blockSize;
  const inputChannels = options.input === null ? 0 : 2;
  // No interleaved outputs: the master bus is read planar from the graph after each block.
  runtime.configure({ sampleRate: graph.sampleRate, blockSize: block, inputChannels, outputChannels: 0 });
  const batchBlocks = Math.max(1, Math.floor(BATCH_FRAMES / block));
  const batchFrames = batchBlocks * block;
  // Planar input, as the files are read (no interleave and de-interleave); each block's
  // channels are views on the batch, made once.
  const inputLeft = new Float32Array(batchFrames);
  const inputRight = new Float32Array(batchFrames);
  const inputBlocks = Array.from({ length: batchBlocks }, (_, k) =>
    [inputLeft, inputRight].map((channel) => channel.subarray(k * block, (k + 1) * block)),
  );
  const noInput = new Float32Array(0);
  const noOutput = new Float32Array(0);
  const output = options.output;
  const chunkFrames = output.chunkFrames;
  let [left, right] = output.buffers();
  let filled = 0;
  const masterLeft = graph.masterLeft;
  const masterRight = graph.masterRight;
  // Whole blocks are copied out with TypedArray.set from these views (a copy, ~10x faster than
  // an element loop); a block partly dropped as latency, split across two chunks, or the last
  // one cut short takes the loop.
  const wholeLeft = masterLeft.subarray(0, block);
  const wholeRight = masterRight.subarray(0, block);
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
        const read = await options.input.read(
          inputLeft.subarray(got),
          inputRight.subarray(got),
          frames - got,
        );
        if (read === 0) {
          inputDone = true;
          break;
        }
        got += read;
      }
      inputLeft.fill(0, got, frames);
      inputRight.fill(0, got, frames);
    } else if (inputChannels > 0) {
      inputLeft.fill(0, 0, frames);
      inputRight.fill(0, 0, frames);
    }
    let count = 0;
    for (let k = 0; k < blocks; k++) {
      if (inputChannels > 0) runtime.usePlanarInput(inputBlocks[k]!);
      runtime.process(noInput, noOutput, block);
      let from = 0;
      if (skip > 0) {
        from = Math.min(skip, block);
        skip -= from;
      }
      let take = Math.min(block - from, toWrite - count);
      count += take > 0 ? take : 0;
      while (take > 0) {
        const n = Math.min(take, chunkFrames - filled);
        if (n === block) {
          left.set(wholeLeft, filled);
          right.set(wholeRight, filled);
        } else {
          for (let i = 0; i < n; i++) {
            left[filled + i] = masterLeft[from + i]!;
            right[filled + i] = masterRight[from + i]!;
          }
        }
        filled += n;
        from += n;
        take -= n;
        if (filled === chunkFrames) {
          await output.push(filled);
          [left, right] = output.buffers();
          filled = 0;
        }
      }
    }
    toWrite -= count;
    written += count;
    if (options.onProgress && written - lastProgress >= progressStep) {
      lastProgress = written;
      options.onProgress(written, options.totalFrames);
    }
  }
  if (filled > 0) await output.push(filled);
  options.onProgress?.(written, options.totalFrames);
  runtime.usePlanarInput(null);
  return written;
}
