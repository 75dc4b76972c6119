import { WORKER_EVENT, type EventRing } from '../events/event-ring.ts';
import type { ParamSmoother } from '../graph/param-smoother.ts';
import type { Transport } from '../transport/transport.ts';
import type { AutomationControl } from './automation-control.ts';
import { MODE_CODE } from './automation-mode.ts';

const WRITE = MODE_CODE.write;
const TOUCH = MODE_CODE.touch;
const LATCH = MODE_CODE.latch;

/** One lane as the worker holds it. */
export interface LaneArrays {
  readonly index: number;
  readonly frames: Float64Array;
  readonly values: Float64Array;
}

/**
 * The audio worker's side of automation, once per block at the transport's position:
 * - reads lanes into the smoother's targets (read mode, and touch/latch while not writing), and
 *   tells the main thread the values it played, so the console model and the faders follow;
 * - decides which parameters are being written (write; touch while touched; latch from the first
 *   touch until stop) and reports passes (start, changed values, end) with their timeline
 *   frames, so a recorded move is placed within one block of where it was made.
 * Lanes are replaced between blocks (`install`). `beginBlock`, `recordChange` and `endPasses`
 * run on the audio thread and never allocate or throw; a full ring drops reports (counted).
 */
export class AutomationPlayer {
  private readonly control: AutomationControl;
  private readonly out: EventRing;
  private readonly laneFrames: (Float64Array | null)[];
  private readonly laneValues: (Float64Array | null)[];
  private readonly cursor: Int32Array;
  private readonly writing: Uint8Array;
  /**
   * `modes` and `writing` four parameters at a time, for the per-block scans: almost every
   * parameter has mode off and no pass open, and a console has thousands of them.
   */
  private readonly modeWords: Uint32Array;
  private readonly writingWords: Uint32Array;
  private readonly latched: Uint8Array;
  private readonly published: Float64Array;
  private readonly lastWritten: Float64Array;
  private readonly count: number;
  /** The value being reported or applied: doubles travel through here, never as arguments. */
  private readonly scratch = new Float64Array(1);
  dropped = 0;

  constructor(control: AutomationControl, out: EventRing) {
    this.control = control;
    this.out = out;
    this.count = control.count;
    this.laneFrames = new Array<Float64Array | null>(this.count).fill(null);
    this.laneValues = new Array<Float64Array | null>(this.count).fill(null);
    this.cursor = new Int32Array(this.count);
    const words = this.count >> 2;
    this.modeWords = new Uint32Array(control.modes.buffer, control.modes.byteOffset, words);
    this.writingWords = new Uint32Array(Math.ceil(this.count / 4));
    this.writing = new Uint8Array(this.writingWords.buffer, 0, this.count);
    this.latched = new Uint8Array(this.count);
    this.published = new Float64Array(this.count).fill(Number.NaN);
    this.lastWritten = new Float64Array(this.count).fill(Number.NaN);
  }

  /** Between blocks: replace all lanes (parameters not listed have none). */
  install(lanes: readonly LaneArrays[]): void {
    this.laneFrames.fill(null);
    this.laneValues.fill(null);
    for (const lane of lanes) {
      if (lane.index < 0 || lane.index >= this.count || lane.frames.length === 0) continue;
      this.laneFrames[lane.index] = lane.frames;
      this.laneValues[lane.index] = lane.values;
    }
    this.cursor.fill(0);
    this.published.fill(Number.NaN);
  }

  /**
   * Audio thread, after the transport planned the block and before control changes are taken:
   * opens and closes write passes. A pass opens with the value the parameter had before the
   * hand moved it, one frame before the block, so the lane keeps what played until then.
   * Allocates nothing.
   */
  beginBlock(transport: Transport, smoother: ParamSmoother): void {
    const modeWords = this.modeWords;
    const writingWords = this.writingWords;
    const words = modeWords.length;
    for (let w = 0; w < words; w++) {
      // Four parameters with mode off and no pass open: nothing to do for any of them.
      if ((modeWords[w]! | writingWords[w]!) !== 0) this.beginParams(4 * w, 4 * w + 4, transport, smoother);
    }
    this.beginParams(4 * words, this.count, transport, smoother);
  }

  /** Audio thread: beginBlock for parameters [from, to). Allocates nothing, never throws. */
  private beginParams(from: number, to: number, transport: Transport, smoother: ParamSmoother): void {
    const modes = this.control.modes;
    const touched = this.control.touched;
    const playing = transport.playing;
    const frame = transport.firstStart;
    for (let i = from; i < to; i++) {
      const mode = modes[i]!;
      if (mode === 0) {
        if (this.writing[i] === 1) this.endPass(i, frame, smoother);
        continue;
      }
      if (mode === LATCH && playing && touched[i] === 1) this.latched[i] = 1;
      const write =
        playing &&
        (mode === WRITE || (mode === TOUCH && touched[i] === 1) || (mode === LATCH && this.latched[i] === 1));
      if (write && this.writing[i] === 0) this.startPass(i, frame > 0 ? frame - 1 : 0, smoother);
      else if (!write && this.writing[i] === 1) this.endPass(i, frame, smoother);
    }
  }

  /**
   * Audio thread, after control changes were taken: lanes drive every automated parameter that
   * is not being written (in read mode the lane wins over a control). Allocates nothing.
   */
  readLanes(transport: Transport, smoother: ParamSmoother): void {
    if (!transport.playing) return;
    const modeWords = this.modeWords;
    const words = modeWords.length;
    for (let w = 0; w < words; w++) {
      if (modeWords[w]! !== 0) this.readParams(4 * w, 4 * w + 4, transport, smoother);
    }
    this.readParams(4 * words, this.count, transport, smoother);
  }

  /** Audio thread: readLanes for parameters [from, to). Allocates nothing, never throws. */
  private readParams(from: number, to: number, transport: Transport, smoother: ParamSmoother): void {
    const modes = this.control.modes;
    const frame = transport.firstStart;
    for (let i = from; i < to; i++) {
      const mode = modes[i]!;
      if (mode === 0 || mode === WRITE || this.writing[i] === 1) continue;
      this.read(i, frame, smoother);
    }
  }

  /** Audio thread: the block wrapped at the loop's end: close passes there and reopen at the start. */
  wrapPasses(transport: Transport, smoother: ParamSmoother): void {
    for (let i = 0; i < this.count; i++) {
      if (this.writing[i] === 0) continue;
      this.endPass(i, transport.loopEnd - 1, smoother);
      this.startPass(i, transport.secondStart, smoother);
    }
  }

  /** Audio thread: a control changed parameter `index`; record it if a pass is open. */
  recordChange(index: number, frame: number, smoother: ParamSmoother): void {
    if (this.writing[index] !== 1) return;
    const value = smoother.target[index]!;
    if (value === this.lastWritten[index]) return;
    this.lastWritten[index] = value;
    this.scratch[0] = value;
    this.report(WORKER_EVENT.PASS_POINT, index, frame);
  }

  /** Audio thread: the transport stopped: close every pass and forget latches. */
  endPasses(frame: number, smoother: ParamSmoother): void {
    for (let i = 0; i < this.count; i++) {
      if (this.writing[i] === 1) this.endPass(i, frame, smoother);
      this.latched[i] = 0;
    }
  }

  private startPass(index: number, frame: number, smoother: ParamSmoother): void {
    this.writing[index] = 1;
    const value = smoother.target[index]!;
    this.lastWritten[index] = value;
    this.scratch[0] = value;
    this.report(WORKER_EVENT.PASS_START, index, frame);
  }

  private endPass(index: number, frame: number, smoother: ParamSmoother): void {
    this.writing[index] = 0;
    this.scratch[0] = smoother.target[index]!;
    this.report(WORKER_EVENT.PASS_END, index, frame);
  }

  private read(index: number, frame: number, smoother: ParamSmoother): void {
    const frames = this.laneFrames[index];
    const values = this.laneValues[index];
    if (frames === null || frames === undefined || values === null || values === undefined) return;
    const last = frames.length - 1;
    let k = this.cursor[index]!;
    if (k > last || frames[k]! > frame) k = 0;
    while (k < last && frames[k + 1]! <= frame) k++;
    this.cursor[index] = k;
    const incoming = smoother.incoming;
    if (frame <= frames[0]!) incoming[0] = values[0]!;
    else if (k >= last) incoming[0] = values[last]!;
    else {
      const f0 = frames[k]!;
      const v0 = values[k]!;
      incoming[0] = v0 + ((values[k + 1]! - v0) * (frame - f0)) / (frames[k + 1]! - f0);
    }
    smoother.applyIncoming(index);
    const played = smoother.target[index]!;
    if (played !== this.published[index]) {
      this.published[index] = played;
      this.scratch[0] = played;
      this.report(WORKER_EVENT.AUTOMATION_VALUE, index, frame);
    }
  }

  /** Sends `scratch[0]` as the report's value. */
  private report(type: number, index: number, frame: number): void {
    if (!this.out.pushFrom(type, index, this.scratch, 0, frame)) this.dropped++;
  }
}
