/**
 * Worker -> main meter block in a SharedArrayBuffer with "max since last read" semantics:
 * the worker accumulates peak and sum of squares into the active bank; a read flips the banks,
 * waits for an in-flight block to finish, then takes and clears the old bank. No peak is lost
 * between reads and nothing queues up.
 *
 * Control words: [0] active bank, [1] writer sequence (odd while a block is being written).
 */
const CONTROL_WORDS = 4;
const ACTIVE = 0;
const WRITER_SEQUENCE = 1;

export class MeterBlock {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  private readonly control: Int32Array;
  private readonly peak0: Float32Array;
  private readonly peak1: Float32Array;
  private readonly sums0: Float64Array;
  private readonly sums1: Float64Array;
  private readonly frames: Float64Array;

  private constructor(buffer: SharedArrayBuffer, slots: number) {
    this.buffer = buffer;
    this.slots = slots;
    this.control = new Int32Array(buffer, 0, CONTROL_WORDS);
    let offset = CONTROL_WORDS * 4;
    this.frames = new Float64Array(buffer, offset, 2);
    offset += 16;
    this.sums0 = new Float64Array(buffer, offset, slots);
    offset += slots * 8;
    this.sums1 = new Float64Array(buffer, offset, slots);
    offset += slots * 8;
    this.peak0 = new Float32Array(buffer, offset, slots);
    offset += slots * 4;
    this.peak1 = new Float32Array(buffer, offset, slots);
  }

  static byteLength(slots: number): number {
    return CONTROL_WORDS * 4 + 16 + slots * 16 + slots * 8;
  }

  static create(slots: number): MeterBlock {
    return new MeterBlock(new SharedArrayBuffer(MeterBlock.byteLength(slots)), slots);
  }

  static attach(buffer: SharedArrayBuffer, slots: number): MeterBlock {
    if (buffer.byteLength < MeterBlock.byteLength(slots)) throw new RangeError('meter block too small');
    return new MeterBlock(buffer, slots);
  }

  /**
   * Audio thread: fold one block's per-slot peaks (linear, >= 0) and sums of squares over
   * `frames` frames into the active bank. One call per block with typed arrays: passing doubles
   * to a method per slot would box each of them. Allocates nothing.
   */
  commitBlock(blockPeak: Float32Array, blockSumSquares: Float64Array, frames: number): void {
    const control = this.control;
    Atomics.add(control, WRITER_SEQUENCE, 1);
    const bank = Atomics.load(control, ACTIVE) & 1;
    const peak = bank === 0 ? this.peak0 : this.peak1;
    const sums = bank === 0 ? this.sums0 : this.sums1;
    for (let i = 0; i < this.slots; i++) {
      const p = blockPeak[i]!;
      if (p > peak[i]! || p !== p) peak[i] = p;
      sums[i] = sums[i]! + blockSumSquares[i]!;
    }
    this.frames[bank] = this.frames[bank]! + frames;
    Atomics.add(control, WRITER_SEQUENCE, 1);
  }

  /**
   * Main thread: take everything since the last read into `peakOut` and `rmsOut` (linear) and
   * clear it. Returns the number of frames covered (0 if the writer was stuck mid-block; then
   * the data stays and is returned by the next read).
   */
  read(peakOut: Float32Array, rmsOut: Float32Array): number {
    const old = Atomics.load(this.control, ACTIVE) & 1;
    Atomics.store(this.control, ACTIVE, old ^ 1);
    // A block that loaded ACTIVE before the flip may still be writing the old bank.
    let sequence = Atomics.load(this.control, WRITER_SEQUENCE);
    for (let attempt = 0; sequence & 1 && attempt < 10; attempt++) {
      Atomics.wait(this.control, WRITER_SEQUENCE, sequence, 1);
      sequence = Atomics.load(this.control, WRITER_SEQUENCE);
    }
    if (sequence & 1) {
      Atomics.store(this.control, ACTIVE, old);
      return 0;
    }
    const peak = old === 0 ? this.peak0 : this.peak1;
    const sums = old === 0 ? this.sums0 : this.sums1;
    const frames = this.frames[old]!;
    for (let i = 0; i < this.slots; i++) {
      peakOut[i] = peak[i]!;
      rmsOut[i] = frames > 0 ? Math.sqrt(sums[i]! / frames) : 0;
      peak[i] = 0;
      sums[i] = 0;
    }
    this.frames[old] = 0;
    return frames;
  }
}
