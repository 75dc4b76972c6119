/**
 * Worker -> main "latest value" readouts in a SharedArrayBuffer: the audio worker writes its
 * meters' readouts (loudness, K-System, stereo image, gain reduction: see each meter's readInto)
 * straight into `values` once per block, between `beginWrite` and `endWrite`; the main thread
 * copies a consistent snapshot whenever it draws. Unlike MeterBlock (peaks and energy folded
 * "since last read"), these readings are already time-averaged or held by the meters, so the
 * newest set is what a display wants.
 *
 * A seqlock: the sequence word is odd while a block is being written, and a reader that saw it
 * odd or changed copies again. The writer never waits.
 */
const SEQUENCE = 0;
const CONTROL_BYTES = 8;

export class MeterReadouts {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
  /** Writer: fill between beginWrite() and endWrite(). Reader: use read(), not this. */
  readonly values: Float64Array;
  private readonly control: Int32Array;

  private constructor(buffer: SharedArrayBuffer, count: number) {
    this.buffer = buffer;
    this.count = count;
    this.control = new Int32Array(buffer, 0, 2);
    this.values = new Float64Array(buffer, CONTROL_BYTES, count);
  }

  static byteLength(count: number): number {
    return CONTROL_BYTES + count * 8;
  }

  /** `count` readout slots, all NaN until first written. */
  static create(count: number): MeterReadouts {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`readout count ${count}`);
    const readouts = new MeterReadouts(new SharedArrayBuffer(MeterReadouts.byteLength(count)), count);
    readouts.values.fill(Number.NaN);
    return readouts;
  }

  /** The other thread's view of readouts made by `create`. */
  static attach(buffer: SharedArrayBuffer, count: number): MeterReadouts {
    if (buffer.byteLength < MeterReadouts.byteLength(count)) throw new RangeError('readout buffer too small');
    return new MeterReadouts(buffer, count);
  }

  /** Writer (audio thread): the block's readouts are about to be written. Allocates nothing. */
  beginWrite(): void {
    Atomics.add(this.control, SEQUENCE, 1);
  }

  /** Writer (audio thread): the block's readouts are complete. Allocates nothing. */
  endWrite(): void {
    Atomics.add(this.control, SEQUENCE, 1);
  }

  /**
   * Reader: copy a consistent set into `out` (the first `count` slots). Returns false, leaving
   * `out` unspecified, if the writer was busy through eight attempts. Allocates nothing.
   */
  read(out: Float64Array): boolean {
    const control = this.control;
    const values = this.values;
    const n = Math.min(this.count, out.length);
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = Atomics.load(control, SEQUENCE);
      if (before & 1) continue;
      for (let i = 0; i < n; i++) out[i] = values[i]!;
      if (Atomics.load(control, SEQUENCE) === before) return true;
    }
    return false;
  }
}
