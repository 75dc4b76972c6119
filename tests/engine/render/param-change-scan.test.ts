import { describe, expect, it } from 'vitest';
import { ParamTable } from '../../../engine/params/param-table.ts';
import { createRuntime } from '../../../engine/worker/create-runtime.ts';
import { MASTERING_LAYOUT } from '../../../engine/render/render.ts';

const BLOCK = 128;

describe('parameter changes with the total change counter', () => {
  it('counts every write in the total, after the parameter counter', () => {
    const writer = ParamTable.create(4);
    const reader = ParamTable.attach(writer.buffer, 4);
    expect(reader.totalChanges()).toBe(0);
    writer.write(2, 1.5);
    writer.write(0, -3);
    writer.write(2, 2.5);
    expect(reader.totalChanges()).toBe(3);
    expect(reader.changeCount(2)).toBe(2);
    expect(() => ParamTable.attach(new SharedArrayBuffer(4 * 8), 4)).toThrow(RangeError);
  });

  it('still takes a write made after many blocks without changes (any parameter, first or last)', () => {
    const parts = createRuntime({ layout: MASTERING_LAYOUT, sampleRate: 48000, maxBlockFrames: BLOCK });
    const { runtime, params, specs, graph } = parts;
    runtime.configure({ sampleRate: 48000, blockSize: BLOCK, inputChannels: 2, outputChannels: 2 });
    const input = new Float32Array(2 * BLOCK);
    const output = new Float32Array(2 * BLOCK);
    for (let k = 0; k < 50; k++) runtime.process(input, output, BLOCK);
    const ceiling = specs.findIndex((spec) => spec.id === 'master/limiter/ceiling');
    const last = specs.length - 1;
    const lastSpec = specs[last]!;
    const lastValue = lastSpec.min === lastSpec.default ? lastSpec.max : lastSpec.min;
    params.write(ceiling, -3);
    runtime.process(input, output, BLOCK);
    expect(graph.smoother.target[ceiling]).toBe(-3);
    for (let k = 0; k < 20; k++) runtime.process(input, output, BLOCK);
    params.write(last, lastValue);
    runtime.process(input, output, BLOCK);
    expect(graph.smoother.target[last]).toBe(Math.fround(lastValue));
  });
});
