import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { EventRing, MeterBlock, ParamTable, type EventRecord } from '../../engine/index.ts';

describe('ParamTable', () => {
  it('publishes plain values with a change counter per parameter', () => {
    const writer = ParamTable.create(3);
    const reader = ParamTable.attach(writer.buffer, 3);
    expect(reader.changeCount(1)).toBe(0);
    writer.write(1, -6.5);
    writer.write(1, -7.25);
    expect(reader.changeCount(1)).toBe(2);
    expect(reader.read(1)).toBe(-7.25);
    expect(reader.changeCount(0)).toBe(0);
  });
});

describe('EventRing', () => {
  it('keeps order, refuses to overwrite when full, and wraps', () => {
    const ring = EventRing.create(4);
    const out: EventRecord = { type: 0, target: 0, value: 0, extra: 0 };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(ring.push(i + 1, i, i * 0.5)).toBe(true);
      expect(ring.push(9, 9, 9)).toBe(false);
      for (let i = 0; i < 4; i++) {
        expect(ring.pop(out)).toBe(true);
        expect(out).toEqual({ type: i + 1, target: i, value: i * 0.5, extra: 0 });
      }
      expect(ring.pop(out)).toBe(false);
    }
  });
  it('rejects a capacity that is not a power of two', () => {
    expect(() => EventRing.create(6)).toThrow(RangeError);
  });
});

describe('MeterBlock (max since last read)', () => {
  it('returns the maximum and the RMS of everything since the last read, then clears', () => {
    const meters = MeterBlock.create(2);
    meters.commitBlock(Float32Array.of(0.25, 0.5), Float64Array.of(10 * 0.25 * 0.25, 0), 10);
    meters.commitBlock(Float32Array.of(0.75, 0.125), Float64Array.of(10 * 0.75 * 0.75, 0), 10);
    const peak = new Float32Array(2);
    const rms = new Float32Array(2);
    expect(meters.read(peak, rms)).toBe(20);
    expect(Array.from(peak)).toEqual([0.75, 0.5]);
    expect(rms[0]).toBeCloseTo(Math.sqrt((0.25 * 0.25 + 0.75 * 0.75) / 2), 6);
    expect(meters.read(peak, rms)).toBe(0);
    expect(Array.from(peak)).toEqual([0, 0]);
  });

  it('loses and duplicates nothing while a real worker thread writes concurrently', async () => {
    const meters = MeterBlock.create(1);
    const blocks = 200_000;
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      const control = new Int32Array(workerData.buffer, 0, 4);
      const frames = new Float64Array(workerData.buffer, 16, 2);
      const sums = [new Float64Array(workerData.buffer, 32, 1), new Float64Array(workerData.buffer, 40, 1)];
      const peaks = [new Float32Array(workerData.buffer, 48, 1), new Float32Array(workerData.buffer, 52, 1)];
      for (let k = 0; k < workerData.blocks; k++) {
        // The same protocol as MeterBlock.commitBlock.
        Atomics.add(control, 1, 1);
        const bank = Atomics.load(control, 0) & 1;
        const blockPeak = (k % 1000) / 1000;
        if (blockPeak > peaks[bank][0]) peaks[bank][0] = blockPeak;
        sums[bank][0] += 1;
        frames[bank] += 1;
        Atomics.add(control, 1, 1);
      }
      parentPort.postMessage('done');`;
    // Cross-check the layout the inline writer assumes against the class.
    expect(MeterBlock.byteLength(1)).toBe(56);
    const worker = new Worker(source, { eval: true, workerData: { buffer: meters.buffer, blocks } });
    const done = new Promise((resolve) => worker.once('message', resolve));
    const peak = new Float32Array(1);
    const rms = new Float32Array(1);
    let frames = 0;
    let sumSquares = 0;
    let maxPeak = 0;
    const state = { finished: false };
    void done.then(() => (state.finished = true));
    while (!state.finished) {
      const got = meters.read(peak, rms);
      frames += got;
      sumSquares += rms[0]! * rms[0]! * got;
      maxPeak = Math.max(maxPeak, peak[0]!);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const last = meters.read(peak, rms);
    frames += last;
    sumSquares += rms[0]! * rms[0]! * last;
    maxPeak = Math.max(maxPeak, peak[0]!);
    await worker.terminate();
    expect(frames).toBe(blocks);
    expect(sumSquares).toBeCloseTo(blocks, 3);
    expect(maxPeak).toBeCloseTo(0.999, 6);
  });
});
