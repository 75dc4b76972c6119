import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { LoudnessHistory } from '../../../engine/meters/loudness-history.ts';
import { MeterReadouts } from '../../../engine/meters/meter-readouts.ts';
import { SampleTap } from '../../../engine/meters/sample-tap.ts';

const BOOTSTRAP = new URL('../../../engine/worker/worker-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./shared-writer.worker.ts', import.meta.url).href;

/** Runs the writer in a real worker thread; `poll` reads concurrently until the writer is done. */
async function withWriter(
  kind: 'tap' | 'readouts' | 'history',
  buffer: SharedArrayBuffer,
  size: number,
  blocks: number,
  poll: () => void,
): Promise<void> {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, kind, buffer, size, blocks } });
  const state = { finished: false };
  const done = new Promise<void>((resolve, reject) => {
    worker.once('message', () => {
      state.finished = true;
      resolve();
    });
    worker.once('error', reject);
  });
  while (!state.finished) {
    poll();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  poll();
  await worker.terminate();
}

describe('meter shared memory with a real writer thread', () => {
  it('SampleTap: every frame arrives in order or is counted as dropped, never torn', async () => {
    const capacity = 1 << 14;
    const reader = SampleTap.create(capacity);
    const left = new Float32Array(capacity);
    const right = new Float32Array(capacity);
    const blocks = 200_000;
    let next = 0; // frame number expected next
    let received = 0;
    let bad = 0;
    let drains = 0;
    await withWriter('tap', reader.buffer, capacity, blocks, () => {
      for (;;) {
        const dropped = reader.droppedFrames;
        const n = reader.drain(left, right, 1 + ((drains * 7919) % capacity));
        drains++;
        if (n === 0) return;
        next += reader.droppedFrames - dropped;
        for (let i = 0; i < n; i++) {
          const value = (next + i) % 16777216;
          if (left[i] !== value || right[i] !== -value) bad++;
        }
        next += n;
        received += n;
      }
    });
    console.log(
      `sample tap: ${received} frames received, ${reader.droppedFrames} dropped in ${drains} drains, ${bad} wrong`,
    );
    expect(bad).toBe(0);
    expect(received + reader.droppedFrames).toBe(blocks * 128);
  }, 60_000);

  it("MeterReadouts: every read is one block's complete set, and reads never go back in time", async () => {
    const readouts = MeterReadouts.create(64);
    const out = new Float64Array(64);
    let reads = 0;
    let torn = 0;
    let backwards = 0;
    let last = -1;
    await withWriter('readouts', readouts.buffer, 64, 2_000_000, () => {
      for (let k = 0; k < 200; k++) {
        if (!readouts.read(out)) continue;
        reads++;
        const first = out[0]!;
        if (Number.isNaN(first)) continue;
        for (let i = 1; i < 64; i++) if (out[i] !== first) torn++;
        if (first < last) backwards++;
        last = first;
      }
    });
    console.log(`meter readouts: ${reads} reads, ${torn} torn values, last block ${last}`);
    expect(torn).toBe(0);
    expect(backwards).toBe(0);
    expect(last).toBe(2_000_000 - 1);
  }, 60_000);

  it('LoudnessHistory: every copy is in order and consistent while entries are pushed', async () => {
    const capacity = 6000;
    const history = LoudnessHistory.create(capacity, 4800);
    const m = new Float64Array(capacity);
    const s = new Float64Array(capacity);
    let copies = 0;
    let bad = 0;
    await withWriter('history', history.buffer, capacity, 3_000_000, () => {
      for (let k = 0; k < 20; k++) {
        const n = history.readInto(m, s);
        if (n === 0) continue;
        copies++;
        for (let i = 0; i < n; i++) if (m[i] !== m[0]! + i || s[i] !== -m[i]!) bad++;
      }
    });
    const n = history.readInto(m, s);
    console.log(`loudness history: ${copies} copies, ${bad} out of order`);
    expect(bad).toBe(0);
    expect(n).toBe(capacity);
    expect(m[n - 1]).toBe(3_000_000 - 1);
  }, 60_000);
});
