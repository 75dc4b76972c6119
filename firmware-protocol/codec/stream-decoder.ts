import { decodeFrame, type FrameError, type FrameResult } from './frame-codec.ts';
import { MAX_ENCODED_FRAME } from './messages.ts';

export type StreamCounters = { frames: number } & Record<FrameError, number>;

/**
 * Splits a byte stream at 0x00 delimiters and decodes each frame. Resynchronises on the next
 * delimiter after noise, a partial frame or a reboot; a run without a delimiter longer than a
 * frame can be is dropped (counted as too-long). Pure: bytes in, results out.
 */
export class StreamDecoder {
  readonly counters: StreamCounters = {
    frames: 0,
    cobs: 0,
    'too-short': 0,
    'too-long': 0,
    crc: 0,
    'unknown-type': 0,
    'bad-length': 0,
    'bad-value': 0,
  };
  private readonly buffer = new Uint8Array(MAX_ENCODED_FRAME);
  private length = 0;
  private overflowed = false;

  push(chunk: Uint8Array): FrameResult[] {
    const results: FrameResult[] = [];
    for (const byte of chunk) {
      if (byte !== 0) {
        if (this.length < this.buffer.length) this.buffer[this.length++] = byte;
        else this.overflowed = true;
        continue;
      }
      if (this.overflowed) {
        this.counters['too-long']++;
        results.push({ ok: false, error: 'too-long' });
      } else if (this.length > 0) {
        const result = decodeFrame(this.buffer.subarray(0, this.length));
        if (result.ok) this.counters.frames++;
        else this.counters[result.error]++;
        results.push(result);
      }
      this.length = 0;
      this.overflowed = false;
    }
    return results;
  }

  /** Forget a partial frame (e.g. the port was reopened). */
  reset(): void {
    this.length = 0;
    this.overflowed = false;
  }
}
