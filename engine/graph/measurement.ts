/**
 * Plays a stimulus on chosen outputs and records one input with sample alignment: frame k of
 * the recording is captured in the same block loop iteration that plays stimulus frame k, so
 * the offset of a known event in the recording is the round-trip latency. Used by the loopback
 * test and by room calibration. While it runs, the stimulus replaces the mix on all outputs.
 *
 * Control words (Int32, shared): [0] state (0 idle, 1 armed, 2 running, 3 done),
 * [1] output channel mask, [2] record channel, [3] frames done.
 */
export const MEASUREMENT_STATE = { IDLE: 0, ARMED: 1, RUNNING: 2, DONE: 3 } as const;
export const MEASUREMENT_CONTROL_WORDS = 4;

export class Measurement {
  private control: Int32Array | null = null;
  private stimulus: Float32Array | null = null;
  private recording: Float32Array | null = null;
  private outputMask = 0;
  private recordChannel = 0;
  private position = 0;

  /** Worker, between blocks: install a measurement (shared buffers come from the main thread). */
  arm(control: SharedArrayBuffer, stimulus: SharedArrayBuffer, recording: SharedArrayBuffer): void {
    this.control = new Int32Array(control, 0, MEASUREMENT_CONTROL_WORDS);
    this.stimulus = new Float32Array(stimulus);
    this.recording = new Float32Array(recording);
    this.outputMask = Atomics.load(this.control, 1);
    this.recordChannel = Atomics.load(this.control, 2);
    this.position = 0;
    Atomics.store(this.control, 0, MEASUREMENT_STATE.RUNNING);
  }

  get active(): boolean {
    return this.control !== null;
  }

  /**
   * Audio thread: overwrite `output` with the stimulus and record the input. Allocates nothing.
   */
  process(
    input: Float32Array,
    inputChannels: number,
    output: Float32Array,
    outputChannels: number,
    frames: number,
  ): void {
    const control = this.control;
    const stimulus = this.stimulus;
    const recording = this.recording;
    if (control === null || stimulus === null || recording === null) return;
    const recordable = this.recordChannel < inputChannels;
    for (let i = 0; i < frames; i++) {
      const at = this.position + i;
      const sample = at < stimulus.length ? stimulus[at]! : 0;
      for (let c = 0; c < outputChannels; c++) {
        output[i * outputChannels + c] = (this.outputMask >> c) & 1 ? sample : 0;
      }
      if (at < recording.length)
        recording[at] = recordable ? input[i * inputChannels + this.recordChannel]! : 0;
    }
    this.position += frames;
    Atomics.store(control, 3, Math.min(this.position, recording.length));
    if (this.position >= recording.length) {
      Atomics.store(control, 0, MEASUREMENT_STATE.DONE);
      Atomics.notify(control, 0);
      this.control = null;
      this.stimulus = null;
      this.recording = null;
    }
  }
}
