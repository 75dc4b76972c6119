/** What a render measured of its own output (BS.1770-5), for the report and the bext chunk. */
export interface OutputMeasurement {
  readonly integratedLufs: number;
  readonly loudnessRangeLu: number;
  readonly maxShortTermLufs: number;
  readonly truePeakDbtp: number;
  readonly samplePeakDbfs: number;
}

/**
 * Where a render's master output goes: measured (loudness, true peak) and written to the file.
 * The render fills the planar pair `buffers()` gives and pushes it; the output owns a pushed
 * pair from then on (it may be moved to another thread), so the render asks for the next one.
 * Pushes arrive in order; a failure (a file write) is thrown by a later push or by finish().
 */
export interface RenderOutput {
  /** Frames each buffer of the pair holds. */
  readonly chunkFrames: number;
  /** The pair to fill next. */
  buffers(): readonly [Float32Array, Float32Array];
  /** Hands over the current pair with `frames` frames in it; resolves when the next is ready. */
  push(frames: number): Promise<void>;
  /** Completes the file (its bext carries the loudness) and returns the measurement. */
  finish(): Promise<OutputMeasurement>;
  /** Stops and deletes the temporary file. Never throws. */
  abort(): Promise<void>;
}
