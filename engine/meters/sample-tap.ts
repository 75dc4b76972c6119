/**
 * Audio thread -> meter thread sample ring in a SharedArrayBuffer, single producer, single
 * consumer: the worker copies the master's two channels in every block, and the main thread (or
 * a meter worker) drains them for analysis that is too bursty for the audio thread, such as the
 * spectrum's FFT frames.
 *
 * Positions are frame counters in int32 that wrap (differences are taken with `| 0`); the
 * capacity is a power of two, so a counter masked by capacity - 1 is the slot. Writing never
 * waits and never fails: when the reader falls about a capacity behind, it skips ahead to the
 * newest half and counts what it lost (`droppedFrames`).
 *
 * Control words: [0] frames written, [1] frames read.
 */
const WRITTEN = 0;
const READ = 1;
const CONTROL_BYTES = 8;

export class SampleTap {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly channels: 2;
  private readonly control: Int32Array;
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private readonly mask: number;
  /** Reader side: frames skipped because the reader fell behind. */
  droppedFrames = 0;

  private constructor(buffer: SharedArrayBuffer, capacity: number) {
    this.buffer = buffer;
    this.capacity = capacity;
    this.channels = 2;
    this.mask = capacity - 1;
    this.control = new Int32Array(buffer, 0, 2);
    this.left = new Float32Array(buffer, CONTROL_BYTES, capacity);
    this.right = new Float32Array(buffer, CONTROL_BYTES + capacity * 4, capacity);
  }

  static byteLength(capacity: number): number {
    return CONTROL_BYTES + capacity * 8;
  }

  /** A new tap of `capacity` frames per channel (a power of two, 256 .. 2^24). */
  static create(capacity: number): SampleTap {
    checkCapacity(capacity);
    return new SampleTap(new SharedArrayBuffer(SampleTap.byteLength(capacity)), capacity);
  }

  /** The other thread's view of a tap made by `create`. */
  static attach(buffer: SharedArrayBuffer, capacity: number): SampleTap {
    checkCapacity(capacity);
    if (buffer.byteLength < SampleTap.byteLength(capacity))
      throw new RangeError('sample tap buffer too small');
    return new SampleTap(buffer, capacity);
  }

  /**
   * Audio thread: append `frames` frames of `left` and `right` (frames past a short array are
   * written as 0), published in steps of at most capacity / 8 frames. Allocates nothing, never
   * waits, never throws.
   */
  write(left: Float32Array, right: Float32Array, frames: number): void {
    const total = frames > 0 ? Math.floor(frames) : 0;
    const step = this.capacity >> 3;
    const mask = this.mask;
    const leftRing = this.left;
    const rightRing = this.right;
    const start = Atomics.load(this.control, WRITTEN);
    for (let done = 0; done < total; done += step) {
      const end = Math.min(total, done + step);
      const leftEnd = Math.min(end, left.length);
      const rightEnd = Math.min(end, right.length);
      for (let i = done; i < leftEnd; i++) leftRing[(start + i) & mask] = left[i]!;
      for (let i = Math.max(done, leftEnd); i < end; i++) leftRing[(start + i) & mask] = 0;
      for (let i = done; i < rightEnd; i++) rightRing[(start + i) & mask] = right[i]!;
      for (let i = Math.max(done, rightEnd); i < end; i++) rightRing[(start + i) & mask] = 0;
      // Publishes the samples: the reader loads this counter before reading them.
      Atomics.store(this.control, WRITTEN, (start + end) | 0);
    }
  }

  /** Frames waiting to be drained (a capacity at most: older ones are being overwritten). */
  available(): number {
    const waiting = (Atomics.load(this.control, WRITTEN) - Atomics.load(this.control, READ)) | 0;
    return Math.min(waiting, this.capacity);
  }

  /**
   * Reader: move up to `maxFrames` of the oldest waiting frames into `left` and `right` (from
   * index 0) and return how many. If the writer is about to lap the reader, the oldest frames are
   * skipped (counted in `droppedFrames`) and reading resumes half a capacity behind the writer.
   * Allocates nothing.
   *
   * The writer may be filling the next capacity / 8 slots past what it published, so a copy is
   * only trusted if, after it, the writer is still at least that far from the first frame copied.
   */
  drain(left: Float32Array, right: Float32Array, maxFrames: number): number {
    const control = this.control;
    const mask = this.mask;
    const margin = this.capacity >> 3;
    const limit = Math.min(maxFrames, left.length, right.length);
    for (let attempt = 0; attempt < 3; attempt++) {
      const written = Atomics.load(control, WRITTEN);
      let read = Atomics.load(control, READ);
      let waiting = (written - read) | 0;
      let skipped = 0;
      if (waiting > this.capacity - 2 * margin) {
        const keep = this.capacity >> 1;
        skipped = waiting - keep;
        read = (written - keep) | 0;
        waiting = keep;
      }
      const n = Math.min(waiting, limit);
      for (let i = 0; i < n; i++) {
        const slot = (read + i) & mask;
        left[i] = this.left[slot]!;
        right[i] = this.right[slot]!;
      }
      const after = Atomics.load(control, WRITTEN);
      if (((after - read) | 0) > this.capacity - margin) continue; // overwritten meanwhile: again
      this.droppedFrames += skipped;
      Atomics.store(control, READ, (read + n) | 0);
      return n;
    }
    return 0;
  }
}

function checkCapacity(capacity: number): void {
  if (!(
    Number.isInteger(capacity) &&
    capacity >= 256 &&
    capacity <= 1 << 24 &&
    (capacity & (capacity - 1)) === 0
  )) {
    throw new RangeError(`sample tap capacity ${capacity}`);
  }
}
