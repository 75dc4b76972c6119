/**
 * Single-producer single-consumer ring of fixed-size event records in a SharedArrayBuffer,
 * for changes whose order matters (recall, transport, immediate jumps). A record is
 * (type: i32, target: i32, value: f32, extra: i32; e.g. a timeline frame). Capacity is a power of two.
 * Header words: [0] write index, [1] read index (both monotonically increasing, wrapped by mask).
 */
const HEADER_WORDS = 2;
const RECORD_WORDS = 4;
const WRITE = 0;
const READ = 1;

export interface EventRecord {
  type: number;
  target: number;
  value: number;
  extra: number;
}

export class EventRing {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private readonly header: Int32Array;
  private readonly words: Int32Array;
  private readonly floats: Float32Array;
  private readonly mask: number;

  private constructor(buffer: SharedArrayBuffer, capacity: number) {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError('capacity must be a power of two');
    this.buffer = buffer;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.words = new Int32Array(buffer, HEADER_WORDS * 4, capacity * RECORD_WORDS);
    this.floats = new Float32Array(buffer, HEADER_WORDS * 4, capacity * RECORD_WORDS);
  }

  static byteLength(capacity: number): number {
    return (HEADER_WORDS + capacity * RECORD_WORDS) * 4;
  }

  static create(capacity: number): EventRing {
    return new EventRing(new SharedArrayBuffer(EventRing.byteLength(capacity)), capacity);
  }

  static attach(buffer: SharedArrayBuffer, capacity: number): EventRing {
    return new EventRing(buffer, capacity);
  }

  /** Records waiting to be read. */
  available(): number {
    return (Atomics.load(this.header, WRITE) - Atomics.load(this.header, READ)) | 0;
  }

  /** Producer: append one record; false when the ring is full (nothing is overwritten). */
  push(type: number, target: number, value: number, extra = 0): boolean {
    const write = Atomics.load(this.header, WRITE);
    const read = Atomics.load(this.header, READ);
    if (((write - read) | 0) >= this.capacity) return false;
    const base = (write & this.mask) * RECORD_WORDS;
    this.words[base] = type;
    this.words[base + 1] = target;
    this.floats[base + 2] = value;
    this.words[base + 3] = extra | 0;
    // Publish only after the record is complete.
    Atomics.store(this.header, WRITE, (write + 1) | 0);
    return true;
  }

  /**
   * Producer on the audio thread: as `push`, with the value taken from `values[slot]` (a double
   * argument to a call V8 does not inline is boxed). Allocates nothing.
   */
  pushFrom(type: number, target: number, values: Float64Array, slot: number, extra: number): boolean {
    const write = Atomics.load(this.header, WRITE);
    const read = Atomics.load(this.header, READ);
    if (((write - read) | 0) >= this.capacity) return false;
    const base = (write & this.mask) * RECORD_WORDS;
    this.words[base] = type;
    this.words[base + 1] = target;
    this.floats[base + 2] = values[slot]!;
    this.words[base + 3] = extra | 0;
    Atomics.store(this.header, WRITE, (write + 1) | 0);
    return true;
  }

  /** Consumer (audio thread): take the oldest record into `out`; false when empty. Allocates nothing. */
  pop(out: EventRecord): boolean {
    const read = Atomics.load(this.header, READ);
    const write = Atomics.load(this.header, WRITE);
    if (read === write) return false;
    const base = (read & this.mask) * RECORD_WORDS;
    out.type = this.words[base]!;
    out.target = this.words[base + 1]!;
    out.value = this.floats[base + 2]!;
    out.extra = this.words[base + 3]!;
    Atomics.store(this.header, READ, (read + 1) | 0);
    return true;
  }
}

/** Event types carried by the engine's ring. */
export const ENGINE_EVENT = {
  /** Jump a parameter to a value without smoothing (recall of a snapshot while stopped). */
  PARAM_JUMP: 1,
  /** Zero the xrun counter. */
  RESET_XRUNS: 2,
  /** Transport: start playing. */
  PLAY: 3,
  /** Transport: stop (ends automation passes). */
  STOP: 4,
  /** Transport: move to frame `extra`. */
  LOCATE: 5,
  /** Transport: loop from frame `target` to frame `extra` (value 1 = on, 0 = off). */
  LOOP: 6,
  /** Restart the master meters' measurement (integrated loudness, range, maxima, peaks, history). */
  RESET_MASTER_METERS: 7,
} as const;

/** Event types the audio worker sends back to the main thread on its own ring. */
export const WORKER_EVENT = {
  /** Automation played parameter `target` to `value` (so the console model and faders follow). */
  AUTOMATION_VALUE: 1,
  /** A write pass on parameter `target` started at frame `extra` with `value`. */
  PASS_START: 2,
  /** A written point: parameter `target` = `value` at frame `extra`. */
  PASS_POINT: 3,
  /** The write pass on parameter `target` ended at frame `extra` (last value `value`). */
  PASS_END: 4,
  /** The master meters were reset (the engine's RESET_MASTER_METERS has been applied). */
  METERS_RESET: 5,
} as const;
