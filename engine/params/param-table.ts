/**
 * Main -> audio worker parameter table in a SharedArrayBuffer: plain values (f32 bits in an
 * Int32Array, so every access is atomic) and one change counter per parameter.
 * One writer (the main thread), one reader (the audio worker).
 */
export class ParamTable {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
  private readonly bits: Int32Array;
  private readonly counters: Int32Array;
  private readonly scratchFloat = new Float32Array(1);
  private readonly scratchBits = new Int32Array(this.scratchFloat.buffer);

  private constructor(buffer: SharedArrayBuffer, count: number) {
    this.buffer = buffer;
    this.count = count;
    this.bits = new Int32Array(buffer, 0, count);
    this.counters = new Int32Array(buffer, count * 4, count);
  }

  static create(count: number): ParamTable {
    return new ParamTable(new SharedArrayBuffer(count * 8), count);
  }

  /** Wraps a table created elsewhere (the worker side). */
  static attach(buffer: SharedArrayBuffer, count: number): ParamTable {
    if (buffer.byteLength < count * 8) throw new RangeError('param table buffer too small');
    return new ParamTable(buffer, count);
  }

  /** Main thread: publish a value. The counter is bumped after the value is stored. */
  write(index: number, value: number): void {
    this.scratchFloat[0] = value;
    Atomics.store(this.bits, index, this.scratchBits[0]!);
    Atomics.add(this.counters, index, 1);
  }

  /** Audio thread: current value. Allocates nothing. */
  read(index: number): number {
    this.scratchBits[0] = Atomics.load(this.bits, index);
    return this.scratchFloat[0]!;
  }

  /** Audio thread: change counter (compare with the last one seen). Allocates nothing. */
  changeCount(index: number): number {
    return Atomics.load(this.counters, index);
  }
}
