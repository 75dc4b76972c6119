import { describe, expect, it } from 'vitest';
import { WriteBehindSink } from '../../../engine/render/write-behind-sink.ts';

/** A writer that records what it was given (copies) and can fail on a chosen call. */
function recorder(failOn = -1) {
  const chunks: number[][] = [];
  let calls = 0;
  let inFlight = 0;
  let overlapped = false;
  const write = async (channels: readonly Float32Array[], frames: number): Promise<void> => {
    const call = calls++;
    inFlight++;
    if (inFlight > 1) overlapped = true;
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    if (call === failOn) throw new Error(`disk full on write ${call}`);
    chunks.push(Array.from(channels[0]!.subarray(0, frames)), Array.from(channels[1]!.subarray(0, frames)));
  };
  return { write, chunks, overlapped: () => overlapped };
}

describe('WriteBehindSink', () => {
  it('writes every frame once, in order, in chunks, never two writes at a time', async () => {
    const { write, chunks, overlapped } = recorder();
    const sink = new WriteBehindSink(write, 2, 100);
    const left = new Float32Array(37);
    const right = new Float32Array(37);
    let next = 0;
    for (let block = 0; block < 20; block++) {
      for (let i = 0; i < 37; i++) {
        left[i] = next;
        right[i] = -next;
        next++;
      }
      await sink.push([left, right], 37);
    }
    await sink.finish();
    const written = chunks.filter((_, k) => k % 2 === 0).flat();
    const writtenRight = chunks.filter((_, k) => k % 2 === 1).flat();
    expect(written).toEqual(Array.from({ length: 740 }, (_, i) => i));
    expect(writtenRight).toEqual(Array.from({ length: 740 }, (_, i) => -i));
    expect(chunks.length / 2).toBe(8); // 7 full chunks of 100, then 40
    expect(overlapped()).toBe(false);
  });

  it('reports a failed write from a later push or from finish, and settle() never throws', async () => {
    const block = [new Float32Array(50), new Float32Array(50)];
    const early = new WriteBehindSink(recorder(0).write, 2, 100);
    await early.push(block, 50);
    await early.push(block, 50); // starts write 0, which will fail
    await expect(
      (async () => {
        for (let k = 0; k < 4; k++) await early.push(block, 50);
      })(),
    ).rejects.toThrow('disk full on write 0');

    const late = new WriteBehindSink(recorder(1).write, 2, 100);
    await late.push(block, 50);
    await late.push(block, 50);
    await late.push(block, 50);
    await expect(late.finish()).rejects.toThrow('disk full on write 1');

    const abandoned = new WriteBehindSink(recorder(0).write, 2, 100);
    await abandoned.push(block, 100);
    await expect(abandoned.settle()).resolves.toBeUndefined();
  });
});
