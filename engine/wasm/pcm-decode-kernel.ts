import { instantiateKernel } from './wasm-kernel.ts';

interface PcmDecodeExports extends WebAssembly.Exports {
  decode(src: number, dst: number, frames: number, channels: number, lineStride: number, bytes: number): void;
}

/** Bytes after the sample bytes that the kernel may read (its last vector loads). */
const READ_SLACK = 32;
/** Values after each line's frames that the kernel may write (its last vector stores). */
const WRITE_SLACK = 4;

/**
 * Little-endian 16- and 24-bit PCM to planar float32 in WebAssembly (pcm-decode.wat), giving the
 * values of AudioFileReader's JavaScript decoding exactly (the integer over 2^15 or 2^23, exact
 * in f32), ~10x faster for mono and stereo: a file read's bytes go straight into the kernel's
 * memory (`bytes`), and `decode` copies the lines out with TypedArray.set.
 */
export class PcmDecodeKernel {
  /** Where the file's sample bytes are read to (blockFrames frames), in the kernel's memory. */
  readonly bytes: Uint8Array;
  private readonly channelCount: number;
  private readonly bytesPerSample: number;
  private readonly lines: Float32Array[];
  private readonly linesAddress: number;
  private readonly lineStride: number;
  private readonly exports: PcmDecodeExports;

  /** Whether the kernel decodes this sample format. */
  static decodes(encoding: 'pcm' | 'float', bytesPerSample: number, littleEndian: boolean): boolean {
    return encoding === 'pcm' && littleEndian && (bytesPerSample === 2 || bytesPerSample === 3);
  }

  constructor(channelCount: number, bytesPerSample: number, blockFrames: number) {
    this.channelCount = channelCount;
    this.bytesPerSample = bytesPerSample;
    const sampleBytes = channelCount * bytesPerSample * blockFrames;
    this.linesAddress = (sampleBytes + READ_SLACK + 15) & ~15;
    this.lineStride = (4 * (blockFrames + WRITE_SLACK) + 15) & ~15;
    const { exports, memory } = instantiateKernel<PcmDecodeExports>(
      'pcm-decode',
      this.linesAddress + channelCount * this.lineStride,
    );
    this.exports = exports;
    this.bytes = new Uint8Array(memory.buffer, 0, sampleBytes);
    this.lines = Array.from(
      { length: channelCount },
      (_, c) => new Float32Array(memory.buffer, this.linesAddress + c * this.lineStride, blockFrames),
    );
  }

  /** Decodes the first `frames` frames of `bytes` into `channels[c][offset ...]`. */
  decode(channels: readonly Float32Array[], offset: number, frames: number): void {
    this.exports.decode(
      0,
      this.linesAddress,
      frames,
      this.channelCount,
      this.lineStride,
      this.bytesPerSample,
    );
    for (let c = 0; c < this.channelCount; c++) {
      const target = channels[c];
      if (target !== undefined) target.set(this.lines[c]!.subarray(0, frames), offset);
    }
  }
}
