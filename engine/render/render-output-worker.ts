import { Worker } from 'node:worker_threads';
import type { WavStreamWriterOptions } from '../audio/wav-stream-writer.ts';
import { LatheError } from '../errors.ts';
import type { FromOutputWorker, ToOutputWorker } from './render-output-messages.ts';
import type { OutputMeasurement, RenderOutput } from './render-output.ts';

const BOOTSTRAP = new URL('../worker/worker-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./render-output-thread.ts', import.meta.url);

/**
 * A started worker left by the last render, for the next one: starting one takes about 0.3 s.
 * Unreferenced while idle, so it never holds the process open.
 */
let idleWorker: Worker | null = null;

/** An idle worker that fails or exits is simply forgotten; the next render starts another. */
function forgetIdle(this: Worker): void {
  if (idleWorker === this) idleWorker = null;
}

function takeIdle(): Worker | null {
  const worker = idleWorker;
  idleWorker = null;
  worker?.off('error', forgetIdle).off('exit', forgetIdle).ref();
  return worker;
}

function keepIdle(worker: Worker): void {
  if (idleWorker !== null) {
    void worker.terminate();
    return;
  }
  idleWorker = worker;
  worker.on('error', forgetIdle).on('exit', forgetIdle).unref();
}

type Pair = readonly [Float32Array, Float32Array];

/**
 * A render's output measured and written on a worker thread (render-output-thread.ts), so the
 * rendering thread only runs the console: the measurement, conversion and file writing (a fifth
 * of a mastering render's time on one thread) run beside it on a second core.
 *
 * Filled pairs are transferred to the worker and come back once written. While a new worker
 * starts, the render runs ahead: up to `maxBufferedFrames` frames wait in pairs for it; beyond
 * that the render waits for a pair to come back. Output and measurement are those of
 * InlineRenderOutput, bit for bit (the same RenderOutputStage on the same samples).
 */
export class WorkerRenderOutput implements RenderOutput {
  readonly chunkFrames: number;
  private readonly target: string;
  private readonly worker: Worker;
  private readonly maxPairs: number;
  private readonly free: Pair[] = [];
  private allocated = 0;
  private current: Pair;
  private waiting: { resolve: (pair: Pair) => void; reject: (error: Error) => void } | null = null;
  private finishing: { resolve: (m: OutputMeasurement) => void; reject: (error: Error) => void } | null =
    null;
  private aborting: Promise<void> | null = null;
  private abortDone: (() => void) | null = null;
  /** Set to 1 on abort: the worker skips the writes still queued (see render-output-thread.ts). */
  private readonly cancel = new Int32Array(new SharedArrayBuffer(4));
  private failure: Error | null = null;
  /** The worker is no longer this output's: finished or aborted (back in the pool), or dead. */
  private done = false;
  private readonly onMessage = (message: FromOutputWorker): void => {
    this.received(message);
  };
  private readonly onError = (error: Error): void => {
    this.died(error.message);
  };
  private readonly onExit = (code: number): void => {
    this.died(`exited with code ${code}`);
  };

  private constructor(target: string, worker: Worker, chunkFrames: number, maxBufferedFrames: number) {
    this.target = target;
    this.worker = worker;
    this.chunkFrames = chunkFrames;
    this.maxPairs = Math.max(2, Math.ceil(maxBufferedFrames / chunkFrames));
    this.current = this.allocate();
    worker.on('message', this.onMessage);
    worker.on('error', this.onError);
    worker.on('exit', this.onExit);
  }

  /**
   * Opens the output on a worker: the idle one if there is one, else a new one. Returns at once;
   * an error creating the file is thrown by a later push() or by finish().
   */
  static open(
    target: string,
    options: WavStreamWriterOptions,
    chunkFrames: number,
    maxBufferedFrames: number,
  ): WorkerRenderOutput {
    const worker =
      takeIdle() ?? new Worker(BOOTSTRAP, { workerData: { entry: ENTRY.href }, name: 'lathe-render-output' });
    const output = new WorkerRenderOutput(target, worker, chunkFrames, maxBufferedFrames);
    output.post({ type: 'open', target, options, cancel: output.cancel.buffer });
    return output;
  }

  /** Whether a started worker is waiting: a render then pays no start-up for one. */
  static get warm(): boolean {
    return idleWorker !== null;
  }

  buffers(): Pair {
    return this.current;
  }

  async push(frames: number): Promise<void> {
    this.throwIfClosed();
    const [left, right] = this.current;
    this.post({ type: 'write', left, right, frames }, [
      left.buffer as ArrayBuffer,
      right.buffer as ArrayBuffer,
    ]);
    const next = this.free.pop() ?? (this.allocated < this.maxPairs ? this.allocate() : null);
    this.current =
      next ??
      (await new Promise<Pair>((resolve, reject) => {
        this.waiting = { resolve, reject };
      }));
  }

  async finish(): Promise<OutputMeasurement> {
    this.throwIfClosed();
    return new Promise<OutputMeasurement>((resolve, reject) => {
      this.finishing = { resolve, reject };
      this.post({ type: 'finish' });
    });
  }

  abort(): Promise<void> {
    if (this.aborting !== null) return this.aborting;
    if (this.done) return Promise.resolve();
    Atomics.store(this.cancel, 0, 1);
    this.aborting = new Promise<void>((resolve) => {
      this.abortDone = resolve;
      this.post({ type: 'abort' });
    }).then(() => {
      this.release();
    });
    return this.aborting;
  }

  private throwIfClosed(): void {
    if (this.failure !== null) throw this.failure;
    if (this.done || this.aborting !== null)
      throw new LatheError(
        'LATHE_RENDER_FAILED',
        `${this.target}: the output is already finished or aborted`,
      );
  }

  private allocate(): Pair {
    this.allocated++;
    return [new Float32Array(this.chunkFrames), new Float32Array(this.chunkFrames)];
  }

  private post(message: ToOutputWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.done) this.worker.postMessage(message, transfer);
  }

  private received(message: FromOutputWorker): void {
    switch (message.type) {
      case 'returned': {
        const pair: Pair = [message.left, message.right];
        const waiting = this.waiting;
        this.waiting = null;
        if (waiting) waiting.resolve(pair);
        else this.free.push(pair);
        return;
      }
      case 'finished': {
        const finishing = this.finishing;
        this.finishing = null;
        this.release();
        finishing?.resolve(message.measurement);
        // An abort asked for meanwhile has nothing left to do.
        const done = this.abortDone;
        this.abortDone = null;
        done?.();
        return;
      }
      case 'failed':
        this.fail(new LatheError(message.code, message.message));
        return;
      case 'aborted': {
        const done = this.abortDone;
        this.abortDone = null;
        done?.();
        return;
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    const finishing = this.finishing;
    this.waiting = null;
    this.finishing = null;
    waiting?.reject(this.failure);
    finishing?.reject(this.failure);
  }

  private died(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.fail(
      new LatheError('LATHE_RENDER_FAILED', `${this.target}: the render's output worker stopped: ${reason}`),
    );
    const done = this.abortDone;
    this.abortDone = null;
    done?.();
    this.detach();
  }

  private detach(): void {
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
  }

  /** Hands the worker to the next render (or ends it if one is already waiting). */
  private release(): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    keepIdle(this.worker);
  }
}
