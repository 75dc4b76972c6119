import type { AudioFileReader } from '../audio/audio-file.ts';
import { PolyphaseResampler } from '../dsp/polyphase-resampler.ts';
import type { OfflineInput } from './offline-render.ts';

/**
 * A stereo file as an offline input at `rate`: read block by block (constant memory), converted
 * by the mastering resampler when the file's rate differs, mono duplicated to both channels.
 */
export class FileInput implements OfflineInput {
  readonly channels = 2;
  private readonly reader: AudioFileReader;
  private readonly resampler: PolyphaseResampler | null;
  private readonly fileBlock: Float32Array[];
  private readonly pending: Float32Array[];
  private pendingStart = 0;
  private pendingEnd = 0;
  private fileDone = false;
  private flushed = false;

  constructor(reader: AudioFileReader, rate: number) {
    this.reader = reader;
    const fileChannels = reader.format.channelCount;
    const block = reader.blockFrames;
    this.fileBlock = Array.from({ length: fileChannels }, () => new Float32Array(block));
    this.resampler =
      reader.format.sampleRate === rate
        ? null
        : new PolyphaseResampler({
            inputRate: reader.format.sampleRate,
            outputRate: rate,
            channelCount: fileChannels,
            maxInputFrames: block,
          });
    const capacity = Math.max(
      block,
      this.resampler?.maxOutputFrames(block) ?? 0,
      this.resampler?.maxFlushFrames ?? 0,
    );
    this.pending = Array.from({ length: fileChannels }, () => new Float32Array(capacity));
  }

  async read(target: Float32Array, frames: number): Promise<number> {
    if (this.pendingStart >= this.pendingEnd && !(await this.refill())) return 0;
    const count = Math.min(frames, this.pendingEnd - this.pendingStart);
    const left = this.pending[0]!;
    const right = this.pending[1] ?? left;
    for (let i = 0, at = this.pendingStart; i < count; i++, at++) {
      target[2 * i] = left[at]!;
      target[2 * i + 1] = right[at]!;
    }
    this.pendingStart += count;
    return count;
  }

  private async refill(): Promise<boolean> {
    this.pendingStart = 0;
    this.pendingEnd = 0;
    while (this.pendingEnd === 0) {
      if (this.fileDone) {
        if (this.resampler === null || this.flushed) return false;
        this.flushed = true;
        this.pendingEnd = this.resampler.flush(this.pending);
        return this.pendingEnd > 0;
      }
      const got = await this.reader.read(this.fileBlock);
      if (got === 0) {
        this.fileDone = true;
        continue;
      }
      if (this.resampler === null) {
        this.fileBlock.forEach((channel, c) => {
          this.pending[c]!.set(channel.subarray(0, got));
        });
        this.pendingEnd = got;
      } else {
        this.pendingEnd = this.resampler.process(this.fileBlock, got, this.pending);
      }
    }
    return true;
  }
}
