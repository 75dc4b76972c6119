/**
 * Sliding-window maximum (the "held peak" of a look-ahead limiter): out[i] is the largest of the
 * last `window` inputs, this one included. A monotonic deque (values strictly decreasing from
 * front to back, each with the time it arrived) makes it O(1) amortized per sample: every input
 * is pushed once and popped at most once, so one block costs at most window + frames pops.
 *
 * Block interface on purpose: per-sample calls would pass doubles across a call V8 may not
 * inline (boxing = allocation); here only typed arrays and integers cross.
 *
 * The true-peak limiter's hold used to be this class; its WebAssembly kernel
 * (engine/wasm/limiter-envelope.wat) now finds the same maxima by doubling, branch-free, and
 * tests/engine/dsp/true-peak-limiter.test.ts keeps this class as the reference it must match.
 */
export class RunningMaximum {
  readonly maxWindow: number;
  private window: number;
  /** Ring buffer of the deque, capacity a power of two >= maxWindow + 1. */
  private readonly values: Float64Array;
  /** Arrival time of each deque entry; times are rebased before they leave the int32 range. */
  private readonly times: Int32Array;
  private readonly mask: number;
  private head = 0;
  private size = 0;
  private time = 0;

  constructor(maxWindow: number) {
    if (!Number.isInteger(maxWindow) || maxWindow < 1) throw new RangeError(`invalid window ${maxWindow}`);
    this.maxWindow = maxWindow;
    this.window = maxWindow;
    let capacity = 1;
    while (capacity < maxWindow + 1) capacity *= 2;
    this.values = new Float64Array(capacity);
    this.times = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Window length in samples (1 .. maxWindow); clears the history. Allocates nothing. */
  setWindow(window: number): void {
    this.window = Math.min(this.maxWindow, Math.max(1, window | 0));
    this.reset();
  }

  getWindow(): number {
    return this.window;
  }

  /**
   * out[i] = max(input[i - window + 1 .. i]) over the stream (history before the first input
   * and after reset() counts as -Infinity, so the first outputs are the maximum so far).
   * `out` may be `input`. Audio thread: allocates nothing, never throws.
   */
  process(input: Float64Array, out: Float64Array, frames: number): void {
    const values = this.values;
    const times = this.times;
    const mask = this.mask;
    const window = this.window;
    let head = this.head;
    let size = this.size;
    let time = this.time;
    if (time > 0x3fffffff) {
      // Rebase arrival times long before int32 overflow (about 6 hours at 48 kHz).
      for (let k = 0; k < size; k++) times[(head + k) & mask]! -= time;
      time = 0;
    }
    for (let i = 0; i < frames; i++) {
      const x = input[i]!;
      // Entries not larger than x can never be the maximum again.
      while (size > 0 && values[(head + size - 1) & mask]! <= x) size--;
      const tail = (head + size) & mask;
      values[tail] = x;
      times[tail] = time;
      size++;
      if (times[head]! <= time - window) {
        head = (head + 1) & mask;
        size--;
      }
      out[i] = values[head]!;
      time++;
    }
    this.head = head;
    this.size = size;
    this.time = time;
  }

  /** Forgets the history. Allocates nothing. */
  reset(): void {
    this.head = 0;
    this.size = 0;
    this.time = 0;
  }
}
