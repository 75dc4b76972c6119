/**
 * Peak-hold level detector of the compressor and gate: each level becomes the largest of the last
 * `window` levels (a sliding maximum, monotonic deque, O(1) amortized per sample).
 *
 * Why a hold and not an instantaneous peak: |x| of a tone falls to zero twice per period, so a
 * gain computer fed with it sees the level drop between crests and the release pulls the gain
 * back up every half period (ripple = distortion, and a steady-state reduction ~1-2 dB short of
 * the static curve at 1 kHz with 10/150 ms ballistics). Holding the crest for at least half a
 * period makes a tone read its peak level exactly.
 *
 * Unlike RunningMaximum (the JavaScript limiter's hold, now a test reference) the window can
 * change while running without losing the history: the compressor's hold follows its release time.
 *
 * The gate, compressor and multiband run the dynamics kernel's hold (engine/wasm/dynamics.wat,
 * $hold: segment suffix/prefix maxima, constant work per sample), tested equal to this class bit
 * for bit; this class is the reference and stays for scalar uses.
 */
export class PeakHold {
  readonly maxWindow: number;
  private window = 1;
  /** Deque ring: values strictly decreasing from front to back, with their arrival times. */
  private readonly values: Float64Array;
  private readonly times: Int32Array;
  private readonly mask: number;
  private head = 0;
  private size = 0;
  private time = 0;

  constructor(maxWindow: number) {
    if (!Number.isInteger(maxWindow) || maxWindow < 1) throw new RangeError(`invalid window ${maxWindow}`);
    this.maxWindow = maxWindow;
    let capacity = 1;
    while (capacity < maxWindow + 1) capacity *= 2;
    this.values = new Float64Array(capacity);
    this.times = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /**
   * Window in samples, clamped to 1 (no hold: the level itself) .. maxWindow. History is kept:
   * a shorter window drops the expired entries at the next sample. Allocates nothing.
   */
  setWindow(window: number): void {
    this.window = Math.min(this.maxWindow, Math.max(1, window | 0));
  }

  /** In place: levels[i] = max of the last `window` levels of the stream. Allocates nothing. */
  process(levels: Float64Array, frames: number): void {
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
      const x = levels[i]!;
      // Entries not larger than x can never be the maximum again.
      while (size > 0 && values[(head + size - 1) & mask]! <= x) size--;
      const tail = (head + size) & mask;
      values[tail] = x;
      times[tail] = time;
      size++;
      // `while`, not `if`: after the window shrank, several entries may have expired at once.
      while (times[head]! <= time - window) {
        head = (head + 1) & mask;
        size--;
      }
      levels[i] = values[head]!;
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
