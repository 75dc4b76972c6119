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
  private readonly peak: [Float32Array, Float32Array];
  private readonly sumSquares: [Float64Array, Float64Array];
  private readonly frames: Float64Array;
  private writeBank: Float32Array;
  private writeSums: Float64Array;
  private writeBankIndex = 0;

  private constructor(buffer: SharedArrayBuffer, slots: number) {
    this.buffer = buffer;
    this.slots = slots;
    this.control = new Int32Array(buffer, 0, CONTROL_WORDS);
    let offset = CONTROL_WORDS * 4;
    this.frames = new Float64Array(buffer, offset, 2);
    offset += 16;
    const sums0 = new Float64Array(buffer, offset, slots);
    offset += slots * 8;
    const sums1 = new Float64Array(buffer, offset, slots);
    offset += slots * 8;
    const peak0 = new Float32Array(buffer, offset, slots);
    offset += slots * 4;
    const peak1 = new Float32Array(buffer, offset, slots);
    this.peak = [peak0, peak1];
    this.sumSquares = [sums0, sums1];
    this.writeBank = peak0;
    this.writeSums = sums0;
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

  /** Audio thread: start writing one block's meters. Allocates nothing. */
  beginBlock(): void {
    Atomics.add(this.control, WRITER_SEQUENCE, 1);
    this.writeBankIndex = Atomics.load(this.control, ACTIVE) & 1;
    this.writeBank = this.peak[this.writeBankIndex]!;
    this.writeSums = this.sumSquares[this.writeBankIndex]!;
  }

  /** Audio thread: fold one slot's block peak (linear, >= 0) and sum of squares in. Allocates nothing. */
  accumulate(slot: number, blockPeak: number, blockSumSquares: number): void {
    if (blockPeak > this.writeBank[slot]! || blockPeak !== blockPeak) this.writeBank[slot] = blockPeak;
    this.writeSums[slot] = this.writeSums[slot]! + blockSumSquares;
  }

  /** Audio thread: finish the block of `frames` frames. Allocates nothing. */
  endBlock(frames: number): void {
    this.frames[this.writeBankIndex] = this.frames[this.writeBankIndex]! + frames;
    Atomics.add(this.control, WRITER_SEQUENCE, 1);
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
    const peak = this.peak[old]!;
    const sums = this.sumSquares[old]!;
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
