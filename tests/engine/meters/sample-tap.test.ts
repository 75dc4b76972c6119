import { describe, expect, it } from 'vitest';
import { SampleTap } from '../../../engine/meters/sample-tap.ts';

/** Frame i of the test stream: left i, right -i (exact in float32 below 2^24). */
function block(from: number, frames: number): [Float32Array, Float32Array] {
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = from + i;
    right[i] = -(from + i);
  }
  return [left, right];
}

describe('SampleTap', () => {
  it('hands every frame over in order, whatever the block and drain sizes', () => {
    const writer = SampleTap.create(4096);
    const reader = SampleTap.attach(writer.buffer, 4096);
    const left = new Float32Array(1000);
    const right = new Float32Array(1000);
    let written = 0;
    let expected = 0;
    let wrong = 0;
    for (let round = 0; round < 200; round++) {
      for (let k = 0; k < 5; k++) {
        const frames = 1 + ((round * 31 + k * 17) % 128);
        writer.write(...block(written, frames), frames);
        written += frames;
      }
      const n = reader.drain(left, right, 1 + ((round * 97) % 1000));
      for (let i = 0; i < n; i++) if (left[i] !== expected + i || right[i] !== -(expected + i)) wrong++;
      expected += n;
    }
    while (reader.available() > 0) {
      const n = reader.drain(left, right, 1000);
      for (let i = 0; i < n; i++) if (left[i] !== expected + i || right[i] !== -(expected + i)) wrong++;
      expected += n;
    }
    expect(wrong).toBe(0);
    expect(expected).toBe(written);
    expect(reader.droppedFrames).toBe(0);
  });

  it('skips to the newest half when the reader falls a capacity behind, and counts the loss', () => {
    const tap = SampleTap.create(1024);
    let written = 0;
    for (let k = 0; k < 30; k++) {
      tap.write(...block(written, 100), 100);
      written += 100;
    }
    const left = new Float32Array(2048);
    const right = new Float32Array(2048);
    const n = tap.drain(left, right, 2048);
    expect(n).toBe(512);
    expect(tap.droppedFrames).toBe(written - 512);
    for (let i = 0; i < n; i++) expect(left[i]).toBe(written - 512 + i);
    expect(tap.available()).toBe(0);
  });

  it('keeps working across the int32 wrap of its frame counters', () => {
    const tap = SampleTap.create(256);
    const control = (tap as unknown as { control: Int32Array }).control;
    control[0] = 2 ** 31 - 100;
    control[1] = 2 ** 31 - 100;
    const left = new Float32Array(256);
    const right = new Float32Array(256);
    let written = 0;
    let expected = 0;
    for (let k = 0; k < 10; k++) {
      tap.write(...block(written, 64), 64);
      written += 64;
      const n = tap.drain(left, right, 256);
      for (let i = 0; i < n; i++) expect(left[i]).toBe(expected + i);
      expected += n;
    }
    expect(expected).toBe(written);
    expect(control[0]).toBeLessThan(0); // wrapped
  });

  it('writes frames past a short array as silence; rejects a bad capacity', () => {
    const tap = SampleTap.create(256);
    tap.write(new Float32Array([1, 2]), new Float32Array([3]), 4);
    const left = new Float32Array(4);
    const right = new Float32Array(4);
    expect(tap.drain(left, right, 4)).toBe(4);
    expect(Array.from(left)).toEqual([1, 2, 0, 0]);
    expect(Array.from(right)).toEqual([3, 0, 0, 0]);
    expect(() => SampleTap.create(1000)).toThrow(RangeError);
    expect(() => SampleTap.attach(new SharedArrayBuffer(64), 256)).toThrow(RangeError);
  });
});
