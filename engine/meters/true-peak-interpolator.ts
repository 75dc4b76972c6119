import { instantiateKernel } from '../wasm/wasm-kernel.ts';
import { designTruePeakFilter } from './true-peak-filter.ts';

interface PolyphasePeakExports extends WebAssembly.Exports {
  peak: (
    line: number,
    frames: number,
    coefs: number,
    phases: number,
    taps: number,
    scratch: number,
    max: number,
  ) => void;
}

/**
 * The BS.1770 Annex 2 interpolation (true-peak-filter.ts: L = ceil(192 kHz / fs), 32 taps per
 * phase) run by the WebAssembly SIMD kernel engine/wasm/polyphase-peak.wat, for up to
 * `chunkFrames` frames per call and channel. The owner writes a chunk of finite samples into
 * `input(channel)` and then calls `accumulate`, which leaves each frame's peak in `framePeaks`
 * and raises the channel's running maximum. Each channel keeps its own filter history.
 *
 * Sums are f32: a reading moves by ~1e-6 relative (1e-5 dB), far inside the filter's ripple.
 * With factor 1 (192 kHz and up) there is nothing to interpolate and no kernel.
 * Everything after construction allocates nothing and never throws.
 */
export class TruePeakInterpolator {
  readonly factor: number;
  readonly tapsPerPhase: number;
  readonly chunkFrames: number;
  /** Each frame's peak over the interpolated points of the last `accumulate` call. */
  readonly framePeaks: Float32Array;
  private readonly kernel: PolyphasePeakExports | undefined;
  private readonly phases: number;
  private readonly inputs: Float32Array[];
  private readonly lineAddresses: Int32Array;
  /** Per channel, the largest interpolated |y| since construction or reset (see maximum()). */
  readonly maxima: Float32Array;
  private readonly maximaAddress: number;
  private readonly scratchAddress: number;
  private readonly lineMemory: Float32Array;

  constructor(sampleRate: number, channelCount: number, chunkFrames = 1024) {
    const filter = designTruePeakFilter(sampleRate);
    this.factor = filter.factor;
    this.tapsPerPhase = filter.tapsPerPhase;
    this.chunkFrames = chunkFrames;
    const taps = filter.tapsPerPhase;
    this.phases = filter.factor - 1;
    // Memory: coefficients, running maxima, per-frame peaks, then one line per channel
    // (taps - 1 history samples, then the chunk).
    const maximaAddress = alignTo16(this.phases * taps * 4);
    const scratchAddress = alignTo16(maximaAddress + channelCount * 4);
    const history = Math.max(0, taps - 1);
    const lineBytes = alignTo16((history + chunkFrames) * 4);
    const firstLine = scratchAddress + alignTo16(chunkFrames * 4);
    this.lineAddresses = Int32Array.from({ length: channelCount }, (_, c) => firstLine + c * lineBytes);
    const bytes = firstLine + channelCount * lineBytes;
    // Without interpolation the same views live in plain memory, so owners need no special case.
    let buffer: ArrayBuffer;
    if (this.phases > 0) {
      const { exports, memory } = instantiateKernel<PolyphasePeakExports>('polyphase-peak', bytes);
      this.kernel = exports;
      buffer = memory.buffer;
      new Float32Array(buffer, 0, this.phases * taps).set(filter.coefficients);
    } else {
      this.kernel = undefined;
      buffer = new ArrayBuffer(bytes);
    }
    this.maximaAddress = maximaAddress;
    this.scratchAddress = scratchAddress;
    this.maxima = new Float32Array(buffer, maximaAddress, channelCount);
    this.framePeaks = new Float32Array(buffer, scratchAddress, chunkFrames);
    this.inputs = Array.from(
      { length: channelCount },
      (_, c) => new Float32Array(buffer, this.lineAddresses[c]! + history * 4, chunkFrames),
    );
    this.lineMemory = new Float32Array(buffer, firstLine, (channelCount * lineBytes) / 4);
  }

  /** Where the owner writes the next chunk of `channel` (finite samples only). */
  input(channel: number): Float32Array {
    return this.inputs[channel]!;
  }

  /**
   * Interpolates `frames` frames written to input(channel): each frame's peak into framePeaks,
   * and raises that channel's maximum.
   */
  accumulate(channel: number, frames: number): void {
    const kernel = this.kernel;
    if (kernel === undefined) {
      this.framePeaks.fill(0, 0, frames);
      return;
    }
    kernel.peak(
      this.lineAddresses[channel]!,
      frames,
      0,
      this.phases,
      this.tapsPerPhase,
      this.scratchAddress,
      this.maximaAddress + 4 * channel,
    );
  }

  /** The largest interpolated |y| of `channel` since construction or reset (0 without interpolation). */
  maximum(channel: number): number {
    return this.maxima[channel] ?? 0;
  }

  /** Silence as history, maxima cleared. */
  reset(): void {
    this.lineMemory.fill(0);
    this.maxima.fill(0);
  }
}

function alignTo16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
