import type { AudioFileReader } from '../audio/audio-file.ts';
import { PolyphaseResampler } from '../dsp/polyphase-resampler.ts';
import type { OfflineInput } from './offline-render.ts';

/**
 * A stereo file as an offline input at `rate`: read block by block (constant memory), converted
 * by the mastering resampler when the file's rate differs, mono duplicated to both channels.
 * The next file block is read while this one is used (two block buffers): waiting for each read
 * left a tenth of a mastering render idle.
 */
export class FileInput implements OfflineInput {
  private readonly reader: AudioFileReader;
  private readonly resampler: PolyphaseResampler | null;
  /** Two sets of file-block buffers: one being used, one being read ahead into. */
  private readonly fileBlocks: Float32Array[][];
  /** The read under way into fileBlocks[aheadSet], or null. */
  private ahead: Promise<number> | null = null;
  private aheadSet = 0;
  private readonly pending: Float32Array[];
  private pendingStart = 0;
  private pendingEnd = 0;
  private fileDone = false;
  private flushed = false;

  constructor(reader: AudioFileReader, rate: number) {
    this.reader = reader;
    const fileChannels = reader.format.channelCount;
    const block = reader.blockFrames;
    this.fileBlocks = [0, 1].map(() => Array.from({ length: fileChannels }, () => new Float32Array(block)));
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

  async read(left: Float32Array, right: Float32Array, frames: number): Promise<number> {
    if (this.pendingStart >= this.pendingEnd && !(await this.refill())) return 0;
    const count = Math.min(frames, this.pendingEnd - this.pendingStart);
    const start = this.pendingStart;
    left.set(this.pending[0]!.subarray(start, start + count));
    right.set((this.pending[1] ?? this.pending[0]!).subarray(start, start + count));
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
      const set = this.aheadSet;
      const reading = this.ahead ?? this.reader.read(this.fileBlocks[set]!);
      this.ahead = null;
      const got = await reading;
      if (got === 0) {
        this.fileDone = true;
        continue;
      }
      this.readAhead(1 - set);
      const fileBlock = this.fileBlocks[set]!;
      if (this.resampler === null) {
        fileBlock.forEach((channel, c) => {
          this.pending[c]!.set(channel.subarray(0, got));
        });
        this.pendingEnd = got;
      } else {
        this.pendingEnd = this.resampler.process(fileBlock, got, this.pending);
      }
    }
    return true;
  }

  /** Starts reading the next file block into set `set`; its error surfaces when it is awaited. */
  private readAhead(set: number): void {
    this.aheadSet = set;
    const reading = this.reader.read(this.fileBlocks[set]!);
    // Handled here too, so a render that stops early (an error elsewhere) leaves no unhandled rejection.
    reading.catch(() => undefined);
    this.ahead = reading;
  }
}
