/** Which implementation drives the block loop. */
export type BackendKind = 'portaudio' | 'virtual' | 'file';

export interface AudioStreamFormat {
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
}

/**
 * The block function: reads `frames` interleaved input frames, writes `frames` interleaved
 * output frames. Runs on the audio thread: it must not allocate, log, await or throw.
 */
export type BlockCallback = (input: Float32Array, output: Float32Array, frames: number) => void;

/** Counters a backend updates while running (plain numbers, read by the runtime). */
export interface BackendCounters {
  xruns: number;
  frames: number;
}

export type BackendExit = { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly reason: string };

/**
 * One interface for every way audio reaches the engine. `run` drives `callback` once per block
 * until `stop()` or a device failure; the waiting between blocks belongs to the backend, the
 * callback itself is synchronous.
 */
export interface AudioBackend {
  readonly kind: BackendKind;
  readonly deviceName: string;
  readonly format: AudioStreamFormat;
  run(callback: BlockCallback, counters: BackendCounters): Promise<BackendExit>;
  stop(): void;
}

/** Fills the virtual interface's inputs (e.g. the demo multitrack). Audio thread: no allocation. */
export interface InputSource {
  fill(input: Float32Array, channels: number, frames: number): void;
}
