import { LOUDNESS_READOUT } from './loudness/loudness-meter.ts';

/** Entries per second: Tech 3342 samples short-term loudness at 10 Hz, and so does the graph. */
export const LOUDNESS_HISTORY_RATE_HZ = 10;

/**
 * Control words: [0] sequence (odd while an entry is being written), [1] next slot,
 * [2] entries held (up to the capacity), [3] frames per entry.
 */
const SEQUENCE = 0;
const SLOT = 1;
const FILLED = 2;
const PERIOD = 3;
const CONTROL_BYTES = 16;

/**
 * Loudness history for the panel's graph: momentary and short-term loudness (LUFS) sampled every
 * 100 ms of audio, in a fixed-capacity ring in a SharedArrayBuffer (6000 entries = 10 minutes).
 * The audio worker appends from its LoudnessMeter's readout; the main thread copies the ring out
 * in time order. Nothing is allocated per entry; when the ring is full the oldest entry goes.
 *
 * The writer never waits: each entry is written between two increments of a sequence word (a
 * seqlock, as in MeterBlock), and a reader that saw the sequence move copies again.
 */
export class LoudnessHistory {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private readonly control: Int32Array;
  private readonly momentary: Float64Array;
  private readonly shortTerm: Float64Array;
  /** Writer side: frames since the last entry. */
  private pending = 0;

  private constructor(buffer: SharedArrayBuffer, capacity: number) {
    this.buffer = buffer;
    this.capacity = capacity;
    this.control = new Int32Array(buffer, 0, 4);
    this.momentary = new Float64Array(buffer, CONTROL_BYTES, capacity);
    this.shortTerm = new Float64Array(buffer, CONTROL_BYTES + capacity * 8, capacity);
  }

  static byteLength(capacity: number): number {
    return CONTROL_BYTES + capacity * 16;
  }

  /**
   * A new history of `capacity` entries, one every `periodFrames` frames (see
   * `periodFramesFor`); 6000 entries at 10 Hz hold 10 minutes.
   */
  static create(capacity: number, periodFrames: number): LoudnessHistory {
    checkCapacity(capacity);
    if (!(Number.isInteger(periodFrames) && periodFrames >= 1))
      throw new RangeError(`period ${periodFrames}`);
    const history = new LoudnessHistory(
      new SharedArrayBuffer(LoudnessHistory.byteLength(capacity)),
      capacity,
    );
    history.control[PERIOD] = periodFrames;
    return history;
  }

  /** The other thread's view of a history made by `create`. */
  static attach(buffer: SharedArrayBuffer, capacity: number): LoudnessHistory {
    checkCapacity(capacity);
    if (buffer.byteLength < LoudnessHistory.byteLength(capacity))
      throw new RangeError('history buffer too small');
    return new LoudnessHistory(buffer, capacity);
  }

  /** Frames per entry for 10 entries a second at `sampleRate`. */
  static periodFramesFor(sampleRate: number): number {
    return Math.round(sampleRate / LOUDNESS_HISTORY_RATE_HZ);
  }

  /**
   * Writer (audio thread), once per block after the loudness meter has measured it: count
   * `frames` more frames and append `readout`'s momentary and short-term values (a
   * LoudnessMeter.readInto array) each time a period is complete. Blocks longer than a period
   * append the same values once per period they complete. Allocates nothing, never waits.
   */
  advance(readout: Float64Array, frames: number): void {
    const period = this.control[PERIOD]!;
    let pending = this.pending + (frames > 0 ? Math.floor(frames) : 0);
    while (pending >= period) {
      pending -= period;
      this.push(readout);
    }
    this.pending = pending;
  }

  /** Writer: append one entry now from `readout` (LOUDNESS_READOUT slots). Allocates nothing. */
  push(readout: Float64Array): void {
    const control = this.control;
    Atomics.add(control, SEQUENCE, 1);
    const slot = control[SLOT]!;
    this.momentary[slot] = readout[LOUDNESS_READOUT.momentary]!;
    this.shortTerm[slot] = readout[LOUDNESS_READOUT.shortTerm]!;
    control[SLOT] = slot + 1 === this.capacity ? 0 : slot + 1;
    if (control[FILLED]! < this.capacity) control[FILLED] = control[FILLED]! + 1;
    Atomics.add(control, SEQUENCE, 1);
  }

  /** Writer: forget every entry (with the loudness meter's reset). Allocates nothing. */
  clear(): void {
    const control = this.control;
    Atomics.add(control, SEQUENCE, 1);
    control[SLOT] = 0;
    control[FILLED] = 0;
    this.pending = 0;
    Atomics.add(control, SEQUENCE, 1);
  }

  /** Entries held (at most the capacity). */
  count(): number {
    return Atomics.load(this.control, FILLED);
  }

  /**
   * Reader: copy the newest entries, oldest first, into `momentaryOut` and `shortTermOut` (as many
   * as are held and fit) and return how many; entry i is (n - 1 - i) / 10 s older than the newest.
   * Returns 0 if the writer kept writing through four attempts. Allocates nothing.
   */
  readInto(momentaryOut: Float64Array, shortTermOut: Float64Array): number {
    const control = this.control;
    const capacity = this.capacity;
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = Atomics.load(control, SEQUENCE);
      if (before & 1) continue;
      const slot = control[SLOT]!;
      const filled = control[FILLED]!;
      const n = Math.min(filled, momentaryOut.length, shortTermOut.length);
      let from = slot - n;
      if (from < 0) from += capacity;
      for (let i = 0; i < n; i++) {
        momentaryOut[i] = this.momentary[from]!;
        shortTermOut[i] = this.shortTerm[from]!;
        from = from + 1 === capacity ? 0 : from + 1;
      }
      if (Atomics.load(control, SEQUENCE) === before) return n;
    }
    return 0;
  }
}

function checkCapacity(capacity: number): void {
  if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 1 << 24)) {
    throw new RangeError(`history capacity ${capacity}`);
  }
}
