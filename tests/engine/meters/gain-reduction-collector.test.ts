import { describe, expect, it } from 'vitest';
import { GainReductionCollector } from '../../../engine/meters/gain-reduction-collector.ts';
import { Compressor, CompressorParam, compressorDefaults } from '../../../engine/processors/compressor.ts';
import { sine } from './meter-signals.ts';

describe('GainReductionCollector', () => {
  it('snapshots every source per block and holds the largest since clearHeld', () => {
    const gate = new Float64Array(1);
    const multiband = new Float64Array(3);
    const limiter = new Float64Array(2);
    const shared = new Float64Array(new SharedArrayBuffer(8 * 5));
    const collector = new GainReductionCollector(
      [
        { label: 'strip/01/gate', values: gate, index: 0 },
        { label: 'master/multiband/low', values: multiband, index: 0 },
        { label: 'master/multiband/mid', values: multiband, index: 1 },
        { label: 'master/multiband/high', values: multiband, index: 2 },
        { label: 'master/limiter', values: limiter, index: 1 },
      ],
      shared,
    );
    expect(collector.count).toBe(5);
    expect(collector.snapshot).toBe(shared);
    gate[0] = 12;
    multiband.set([1, 2, 3]);
    limiter.set([0.5, 4]);
    collector.collect();
    expect(Array.from(shared)).toEqual([12, 1, 2, 3, 4]);
    gate[0] = 3;
    limiter[1] = 6;
    collector.collect();
    expect(Array.from(shared)).toEqual([3, 1, 2, 3, 6]);
    expect(Array.from(collector.held)).toEqual([12, 1, 2, 3, 6]);
    collector.clearHeld();
    collector.collect();
    expect(Array.from(collector.held)).toEqual([3, 1, 2, 3, 6]);
    expect(collector.labels[4]).toBe('master/limiter');
    expect(() => new GainReductionCollector([{ label: 'x', values: gate, index: 1 }])).toThrow(RangeError);
  });

  it("reads a real compressor's published reduction", () => {
    const compressor = new Compressor(48000, 128, 2);
    const values = compressorDefaults();
    values[CompressorParam.on] = 1;
    values[CompressorParam.threshold] = -30;
    values[CompressorParam.ratio] = 4;
    compressor.update(values, 0);
    const collector = new GainReductionCollector([
      { label: 'strip/01/comp', values: compressor.gainReductionDb, index: 0 },
    ]);
    const left = sine(128, 1000, 48000, 0.5);
    for (let k = 0; k < 400; k++) {
      const l = left.slice();
      const r = left.slice();
      compressor.process(l, r, 128);
      collector.collect();
      expect(collector.snapshot[0]).toBe(compressor.gainReductionDb[0]);
    }
    expect(collector.snapshot[0]).toBeGreaterThan(10);
  });
});
