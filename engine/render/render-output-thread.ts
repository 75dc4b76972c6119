import { parentPort } from 'node:worker_threads';
import { isLatheError } from '../errors.ts';
import type { FromOutputWorker, ToOutputWorker } from './render-output-messages.ts';
import { RenderOutputStage } from './render-output-stage.ts';

/**
 * The render output worker (see render-output-worker.ts): runs a RenderOutputStage for each
 * render the main thread opens, handling messages strictly in order.
 */
const port = parentPort;
if (port === null) throw new Error('render-output-thread.ts runs as a worker thread');

/** Frames between syncs to the disk (about 5 s at 48 kHz): see RenderOutputStage.open. */
const SYNC_EVERY_FRAMES = 262144;

let stage: RenderOutputStage | null = null;
/** Set once this render has failed (and been reported): writes are then only handed back. */
let failed = false;
/** This render's cancel word (set by the main thread when it aborts): queued writes are skipped. */
let cancelled: Int32Array = new Int32Array(1);
let queue: Promise<void> = Promise.resolve();

function post(message: FromOutputWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function fail(error: unknown): Promise<void> {
  failed = true;
  // The writer deletes its file when it fails itself; anything else failing must too.
  await stage?.abort();
  stage = null;
  post(
    isLatheError(error)
      ? { type: 'failed', code: error.code, message: error.message }
      : { type: 'failed', code: 'LATHE_RENDER_FAILED', message: (error as Error).message },
  );
}

async function handle(message: ToOutputWorker): Promise<void> {
  switch (message.type) {
    case 'open':
      failed = false;
      cancelled = new Int32Array(message.cancel);
      try {
        stage = await RenderOutputStage.open(message.target, message.options, SYNC_EVERY_FRAMES);
      } catch (error) {
        await fail(error);
      }
      return;
    case 'write':
      if (stage !== null && !failed && Atomics.load(cancelled, 0) === 0) {
        try {
          await stage.write(message.left, message.right, message.frames);
        } catch (error) {
          await fail(error);
        }
      }
      post({ type: 'returned', left: message.left, right: message.right }, [
        message.left.buffer as ArrayBuffer,
        message.right.buffer as ArrayBuffer,
      ]);
      return;
    case 'finish':
      if (stage === null || failed) return;
      if (Atomics.load(cancelled, 0) !== 0) {
        // Aborted while finishing: writes were skipped, so the file must not be completed.
        await fail(new Error('the render was aborted'));
        return;
      }
      try {
        const measurement = await stage.finish();
        stage = null;
        post({ type: 'finished', measurement });
      } catch (error) {
        await fail(error);
      }
      return;
    case 'abort':
      await stage?.abort();
      stage = null;
      failed = false;
      post({ type: 'aborted' });
      return;
  }
}

port.on('message', (message: ToOutputWorker) => {
  queue = queue.then(() => handle(message)).catch(fail);
});
