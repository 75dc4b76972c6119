/** Messages between the main thread and the audio worker (structural, rare; never per block). */

export type AudioSelection =
  | { readonly kind: 'virtual' }
  /** Try these devices in order; the first that opens is used. */
  | { readonly kind: 'portaudio'; readonly candidates: readonly string[]; readonly required: boolean };

export interface WorkerConfig {
  readonly entry: string;
  readonly audio: AudioSelection;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly stripCount: number;
  readonly stripLabels: readonly string[];
  /** Mono stems for the virtual interface's inputs, shared. */
  readonly stems: readonly SharedArrayBuffer[];
  readonly paramBuffer: SharedArrayBuffer;
  readonly meterBuffer: SharedArrayBuffer;
  readonly eventBuffer: SharedArrayBuffer;
  readonly eventCapacity: number;
  readonly statusBuffer: SharedArrayBuffer;
  readonly watchdogMs: number;
}

export type MainToWorker =
  | {
      readonly type: 'measure';
      readonly control: SharedArrayBuffer;
      readonly stimulus: SharedArrayBuffer;
      readonly recording: SharedArrayBuffer;
    }
  | { readonly type: 'stop' };

export type WorkerToMain =
  | {
      readonly type: 'ready';
      readonly backend: string;
      readonly device: string;
      readonly skipped: readonly string[];
    }
  | { readonly type: 'fault'; readonly reason: string; readonly backend: string; readonly device: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'stopped' };
