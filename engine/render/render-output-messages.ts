import type { WavStreamWriterOptions } from '../audio/wav-stream-writer.ts';
import type { ErrorCode } from '../errors.ts';
import type { OutputMeasurement } from './render-output.ts';

/** Main thread to the render output worker: one render at a time, in order. */
export type ToOutputWorker =
  /** `cancel`: an Int32Array word the main thread sets to 1 when it aborts (writes then skip). */
  | {
      readonly type: 'open';
      readonly target: string;
      readonly options: WavStreamWriterOptions;
      readonly cancel: SharedArrayBuffer;
    }
  /** The buffers are transferred; they come back in a 'returned' message once written. */
  | {
      readonly type: 'write';
      readonly left: Float32Array;
      readonly right: Float32Array;
      readonly frames: number;
    }
  | { readonly type: 'finish' }
  | { readonly type: 'abort' };

/** The render output worker to the main thread. */
export type FromOutputWorker =
  | { readonly type: 'returned'; readonly left: Float32Array; readonly right: Float32Array }
  | { readonly type: 'finished'; readonly measurement: OutputMeasurement }
  | { readonly type: 'failed'; readonly code: ErrorCode; readonly message: string }
  | { readonly type: 'aborted' };
