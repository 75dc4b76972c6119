/**
 * Main -> audio worker automation state in a SharedArrayBuffer: the mode of each parameter and
 * whether its control is touched (by a hand on a motor fader, or a pointer in the panel).
 * One writer (the main thread), one reader (the worker); single bytes cannot tear.
 */
export class AutomationControl {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
  readonly modes: Uint8Array;
  readonly touched: Uint8Array;

  private constructor(buffer: SharedArrayBuffer, count: number) {
    this.buffer = buffer;
    this.count = count;
    this.modes = new Uint8Array(buffer, 0, count);
    this.touched = new Uint8Array(buffer, count, count);
  }

  static create(count: number): AutomationControl {
    return new AutomationControl(new SharedArrayBuffer(count * 2), count);
  }

  static attach(buffer: SharedArrayBuffer, count: number): AutomationControl {
    if (buffer.byteLength < count * 2) throw new RangeError('automation control buffer too small');
    return new AutomationControl(buffer, count);
  }
}
