import { describe, expect, it } from 'vitest';
import { MeterReadouts } from '../../../engine/meters/meter-readouts.ts';

describe('MeterReadouts', () => {
  it('hands the last complete block of readouts to another view of the same memory', () => {
    const writer = MeterReadouts.create(4);
    const reader = MeterReadouts.attach(writer.buffer, 4);
    const out = new Float64Array(4);
    expect(reader.read(out)).toBe(true);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    writer.beginWrite();
    writer.values.set([1, -2, 3.5, -Infinity]);
    // Mid-block the reader gets nothing rather than a half-written set.
    expect(reader.read(out)).toBe(false);
    writer.endWrite();
    expect(reader.read(out)).toBe(true);
    expect(Array.from(out)).toEqual([1, -2, 3.5, -Infinity]);
    expect(() => MeterReadouts.attach(new SharedArrayBuffer(16), 4)).toThrow(RangeError);
  });
});
