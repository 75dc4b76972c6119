/**
 * Several readers of one meter block (the panel and each control surface) each see everything
 * since their own last read: peaks as maxima, RMS over their own frames; none steals from another.
 */
import { describe, expect, it } from 'vitest';
import { MeterBlock, MeterReaders } from '../../../engine/index.ts';

function commit(block: MeterBlock, peak: number, meanSquare: number, frames: number): void {
  block.commitBlock(
    Float32Array.of(peak, peak / 2),
    Float64Array.of(meanSquare * frames, (meanSquare / 4) * frames),
    frames,
  );
}

describe('MeterReaders', () => {
  it('gives each reader the max peak and the RMS of everything since its own last read', () => {
    const block = MeterBlock.create(2);
    const readers = new MeterReaders(block, 2);
    const panel = readers.reader();
    const surface = readers.reader();
    const peak = new Float32Array(2);
    const rms = new Float32Array(2);

    commit(block, 0.5, 0.04, 128);
    expect(panel.read(peak, rms)).toBe(128);
    expect(peak[0]).toBe(0.5);
    expect(rms[0]).toBeCloseTo(0.2, 6);

    commit(block, 0.25, 0.01, 128);
    // The surface has not read yet: it sees both blocks, the louder peak and the RMS of 256 frames.
    expect(surface.read(peak, rms)).toBe(256);
    expect(peak[0]).toBe(0.5);
    expect(rms[0]).toBeCloseTo(Math.sqrt((0.04 * 128 + 0.01 * 128) / 256), 6);
    expect(peak[1]).toBe(0.25);

    // The panel sees only the second block; then both are empty.
    expect(panel.read(peak, rms)).toBe(128);
    expect(peak[0]).toBe(0.25);
    expect(rms[0]).toBeCloseTo(0.1, 6);
    expect(panel.read(peak, rms)).toBe(0);
    expect(surface.read(peak, rms)).toBe(0);
    expect(peak[0]).toBe(0);
  });

  it('keeps NaN visible to every reader (a broken signal must show)', () => {
    const block = MeterBlock.create(2);
    const readers = new MeterReaders(block, 2);
    const a = readers.reader();
    const b = readers.reader();
    const peak = new Float32Array(2);
    const rms = new Float32Array(2);
    block.commitBlock(Float32Array.of(Number.NaN, 0.1), Float64Array.of(0, 0), 64);
    a.read(peak, rms);
    expect(Number.isNaN(peak[0])).toBe(true);
    block.commitBlock(Float32Array.of(0.1, 0.1), Float64Array.of(0, 0), 64);
    b.read(peak, rms);
    expect(Number.isNaN(peak[0])).toBe(true);
  });
});
