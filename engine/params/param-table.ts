/**
 * Main -> audio worker parameter table in a SharedArrayBuffer: plain values (f32 bits in an
 * Int32Array, so every access is atomic), one change counter per parameter, and one total change
 * counter after them. One writer (the main thread), one reader (the audio worker).
 *
 * The total lets the worker skip its per-block scan of every counter (thousands on a large
 * console, ~455 of them monitor parameters) when nothing was written since the last scan: a
 * write bumps the parameter's counter first and the total after it, so a reader that sees the
 * total it saw before has already seen every per-parameter bump that total counts.
 */
export class ParamTable {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
  private readonly bits: Int32Array;
  private readonly counters: Int32Array;
  private readonly total: Int32Array;
  private readonly scratchFloat = new Float32Array(1);
  private readonly scratchBits = new Int32Array(this.scratchFloat.buffer);

  private constructor(buffer: SharedArrayBuffer, count: number) {
    this.buffer = buffer;
    this.count = count;
    this.bits = new Int32Array(buffer, 0, count);
    this.counters = new Int32Array(buffer, count * 4, count);
    this.total = new Int32Array(buffer, count * 8, 1);
  }

  /** Bytes a table of `count` parameters needs: values, counters, the total. */
  static byteLength(count: number): number {
    return count * 8 + 4;
  }

  static create(count: number): ParamTable {
    return new ParamTable(new SharedArrayBuffer(ParamTable.byteLength(count)), count);
  }

  /** Wraps a table created elsewhere (the worker side). */
  static attach(buffer: SharedArrayBuffer, count: number): ParamTable {
    if (buffer.byteLength < ParamTable.byteLength(count))
      throw new RangeError('param table buffer too small');
    return new ParamTable(buffer, count);
  }

  /** Main thread: publish a value. Its counter is bumped after the value, the total last. */
  write(index: number, value: number): void {
    this.scratchFloat[0] = value;
    Atomics.store(this.bits, index, this.scratchBits[0]!);
    Atomics.add(this.counters, index, 1);
    Atomics.add(this.total, 0, 1);
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

  /**
   * Audio thread: writes to any parameter so far (wraps; compare for equality with the last one
   * seen). Read it before the per-parameter counters. Allocates nothing.
   */
  totalChanges(): number {
    return Atomics.load(this.total, 0);
  }
}
