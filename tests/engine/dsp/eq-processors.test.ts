/**
 * Real-time behaviour of the EQs and the LR4 splitter: no allocation in the block loop while
 * parameters change, no subnormal state after a burst and silence, bypassed sections cost
 * nothing and pass audio bit-exactly, and a rough speed print.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinkwitzRileySplitter3 } from '../../../engine/dsp/linkwitz-riley.ts';
import { CHANNEL_EQ_PARAMS, ChannelEq, channelEqParamIndex } from '../../../engine/processors/channel-eq.ts';
import {
  MASTERING_EQ_PARAMS,
  MasteringEq,
  masteringEqParamIndex,
} from '../../../engine/processors/mastering-eq.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';

const FS = 48000;
const BLOCK = 128;
/** Only the engine's own files count (this test file's path contains "/engine/" too). */
const ENGINE_FILES = fileURLToPath(new URL('../../../engine/', import.meta.url));

function defaults(params: readonly { default: number }[]): Float64Array {
  return new Float64Array(params.map((p) => p.default));
}

/** Deterministic noise in [-amplitude, amplitude). */
function noise(length: number, amplitude: number, seed = 1): Float32Array {
  let state = seed;
  return new Float32Array(length).map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * amplitude;
  });
}

const ce = channelEqParamIndex;
const me = masteringEqParamIndex;

/** Every channel EQ section on, moderate settings. */
function channelEqAllOn(): Float64Array {
  const values = defaults(CHANNEL_EQ_PARAMS);
  values[ce('hpf/on')] = 1;
  values[ce('hpf/slope')] = 1;
  values[ce('lpf/on')] = 1;
  values[ce('lpf/slope')] = 1;
  values[ce('eq/1/gain')] = 6;
  values[ce('eq/2/gain')] = -4;
  values[ce('eq/3/gain')] = 3;
  values[ce('eq/4/gain')] = -5;
  return values;
}

/** Pass filters on, bands on L/R, mid and side. */
function masteringEqAllOn(): Float64Array {
  const values = defaults(MASTERING_EQ_PARAMS);
  values[me('hpf/on')] = 1;
  values[me('hpf/slope')] = 1;
  values[me('lpf/on')] = 1;
  for (let band = 1; band <= 6; band++) {
    values[me(`band/${band}/gain`)] = band % 2 === 0 ? -3 : 4;
    values[me(`band/${band}/target`)] = band % 3;
  }
  return values;
}

describe('EQ processors and the LR4 splitter in the block loop', () => {
  it('allocate nothing per block while parameters change', async () => {
    const frames = 64;
    const channelEq = new ChannelEq(FS, frames, 2);
    const masteringEq = new MasteringEq(FS, frames);
    const splitter = new LinkwitzRileySplitter3(FS, frames, 2);
    const channelValues = channelEqAllOn();
    const masterValues = masteringEqAllOn();
    const crossover = new Float64Array([200, 2000]);
    const left = noise(frames, 0.5, 1);
    const right = noise(frames, 0.5, 2);
    const input = noise(frames, 0.5, 3);
    const low = new Float64Array(frames);
    const mid = new Float64Array(frames);
    const high = new Float64Array(frames);
    // Values the loop steps through: gains, frequencies, Qs, switches, slopes, targets.
    const gains = new Float64Array([-6.5, -1.25, 0, 2.75, 9.125, 0]);
    const freqs = new Float64Array([63.5, 180.25, 1234.5, 4321.75, 9876.5]);
    const qs = new Float64Array([0.3, 0.7071, 1.5, 4.25]);
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 3 === 0) {
          const g = gains[k % 6]!;
          channelValues[ce('eq/2/gain')] = g;
          masterValues[me('band/3/gain')] = g;
          channelValues[ce('eq/3/freq')] = freqs[k % 5]!;
          masterValues[me('band/2/q')] = qs[k % 4]!;
        }
        if (k % 5 === 0) {
          crossover[0] = freqs[k % 5]! * 0.25 + 40;
          crossover[1] = freqs[(k + 2) % 5]! + 500;
        }
        if (k % 7 === 0) {
          channelValues[ce('hpf/on')] = k % 2;
          channelValues[ce('lpf/slope')] = (k >> 1) % 2;
          masterValues[me('band/4/target')] = k % 3;
          masterValues[me('band/5/type')] = k % 3;
          masterValues[me('band/6/on')] = (k >> 2) % 2;
        }
        channelEq.update(channelValues, 0);
        channelEq.process(left, right, frames);
        masteringEq.update(masterValues, 0);
        masteringEq.process(left, right, frames);
        splitter.setFrequencies(crossover, 0);
        splitter.split(k & 1, input, low, mid, high, frames);
        // Keep the signal bounded whatever the EQs do to it.
        left[0] = 0.5;
        right[0] = -0.5;
      }
    };
    blocks(20_000)(); // warm up until everything is optimized
    const { short, long } = await steadyAllocations(ENGINE_FILES, blocks, { label: 'EQ/splitter' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('leave no subnormal state and output exactly 0 after a loud burst and 10 s of silence', () => {
    const channelEq = new ChannelEq(FS, BLOCK, 2);
    const masteringEq = new MasteringEq(FS, BLOCK);
    const splitter = new LinkwitzRileySplitter3(FS, BLOCK, 2);
    const channelValues = channelEqAllOn();
    const masterValues = masteringEqAllOn();
    splitter.setFrequencies(new Float64Array([120, 2500]), 0);
    const burst = [noise(FS, 1, 7), noise(FS, 1, 8)] as const;
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const bands = [new Float64Array(BLOCK), new Float64Array(BLOCK), new Float64Array(BLOCK)] as const;
    const silentBlocks = Math.ceil((10 * FS) / BLOCK);
    let subnormalBlocks = 0;
    let lastPeak = 0;
    for (let block = 0; block < FS / BLOCK + silentBlocks; block++) {
      const loud = block < FS / BLOCK;
      let splitterPeak = 0;
      for (const [processor, values] of [
        [channelEq, channelValues],
        [masteringEq, masterValues],
      ] as const) {
        if (loud) {
          left.set(burst[0].subarray(block * BLOCK, (block + 1) * BLOCK));
          right.set(burst[1].subarray(block * BLOCK, (block + 1) * BLOCK));
        } else {
          left.fill(0);
          right.fill(0);
        }
        processor.update(values, 0);
        processor.process(left, right, BLOCK);
      }
      for (let channel = 0; channel < 2; channel++) {
        const source = loud ? burst[channel]!.subarray(block * BLOCK, (block + 1) * BLOCK) : left.fill(0);
        splitter.split(channel, source, bands[0], bands[1], bands[2], BLOCK);
        for (const band of bands) for (const x of band) splitterPeak = Math.max(splitterPeak, Math.abs(x));
      }
      if (!loud) {
        // Checked after every silent block, not only at the end: state must never sit subnormal.
        if (countSubnormals(channelEq) + countSubnormals(masteringEq) + countSubnormals(splitter) > 0) {
          subnormalBlocks++;
        }
        lastPeak = splitterPeak;
      }
    }
    // The last silent block's outputs: ChannelEq then MasteringEq ran on zeros in left/right.
    const outputs = [channelEq, masteringEq].map((processor, k) => {
      left.fill(0);
      right.fill(0);
      processor.update(k === 0 ? channelValues : masterValues, 0);
      processor.process(left, right, BLOCK);
      return Math.max(...left.map(Math.abs), ...right.map(Math.abs));
    });
    expect(subnormalBlocks).toBe(0);
    expect(countSubnormals(channelEq)).toBe(0);
    expect(countSubnormals(masteringEq)).toBe(0);
    expect(countSubnormals(splitter)).toBe(0);
    expect(outputs).toEqual([0, 0]);
    expect(lastPeak).toBe(0);
  });

  it('bypass off and flat sections bit-exactly, and stop running them once their tail has decayed', () => {
    const eq = new ChannelEq(FS, BLOCK, 2);
    const values = defaults(CHANNEL_EQ_PARAMS);
    const input = noise(BLOCK, 0.5, 11);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const cascade = eq['cascade'];
    const run = (): void => {
      left.set(input);
      right.set(input);
      eq.update(values, 0);
      eq.process(left, right, BLOCK);
    };
    run();
    expect(left).toEqual(input);
    expect(Array.from(cascade.mode)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    values[ce('eq/2/gain')] = 6;
    run();
    expect(left).not.toEqual(input);
    expect(cascade.mode[5]).toBe(1);
    values[ce('eq/2/gain')] = 0;
    let blocks = 0;
    while (cascade.mode[5] !== 0 && blocks < 1000) {
      run();
      blocks++;
    }
    // The peak's tail decays (Q 1 at 500 Hz) in well under a second; then the section is off.
    expect(blocks).toBeLessThan(FS / BLOCK);
    run();
    expect(left).toEqual(input);
    expect(right).toEqual(input);

    const master = new MasteringEq(FS, BLOCK);
    const masterValues = defaults(MASTERING_EQ_PARAMS);
    masterValues[me('band/3/target')] = 2;
    left.set(input);
    right.set(noise(BLOCK, 0.5, 12));
    const copy = Float32Array.from(right);
    master.update(masterValues, 0);
    master.process(left, right, BLOCK);
    expect(left).toEqual(input);
    expect(right).toEqual(copy);
    expect(master['midSide']).toBe(false);
    masterValues[me('band/3/gain')] = 2;
    master.update(masterValues, 0);
    expect(master['midSide']).toBe(true);

    // A mono instance treats its signal as mid: same output as stereo fed L = R, side band ignored.
    masterValues[me('band/2/gain')] = -5;
    masterValues[me('band/2/target')] = 1;
    const mono = new MasteringEq(FS, BLOCK, 1);
    const stereo = new MasteringEq(FS, BLOCK, 2);
    const monoOut = Float32Array.from(input);
    left.set(input);
    right.set(input);
    mono.update(masterValues, 0);
    mono.process(monoOut, monoOut, BLOCK);
    stereo.update(masterValues, 0);
    stereo.process(left, right, BLOCK);
    expect(monoOut).not.toEqual(input);
    expect(monoOut).toEqual(left);
  });

  it('skip settled blocks in update, yet drain bypassed sections to off and track the mid/side path', () => {
    const master = new MasteringEq(FS, BLOCK);
    const values = defaults(MASTERING_EQ_PARAMS);
    values[me('band/1/gain')] = 3;
    values[me('band/3/gain')] = 2;
    values[me('band/3/target')] = 1;
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const burst = noise(BLOCK, 0.5, 21);
    const run = (loud: boolean): void => {
      left.set(burst);
      right.set(burst);
      if (!loud) {
        left.fill(0);
        right.fill(0);
      }
      master.update(values, 0);
      master.process(left, right, BLOCK);
    };
    for (let block = 0; block < 20; block++) run(true);
    const lr = master['lr'];
    const mid = master['mid'];
    expect(lr.mode[4]).toBe(1);
    expect(mid.mode[2]).toBe(1);
    expect(master['midSide']).toBe(true);
    // Both bands flat: bypassed, draining while the values stay the same from block to block.
    values[me('band/1/gain')] = 0;
    values[me('band/3/gain')] = 0;
    run(false);
    expect(lr.mode[4]).toBe(2);
    expect(mid.mode[2]).toBe(2);
    let blocks = 0;
    while ((lr.mode[4] !== 0 || mid.mode[2] !== 0) && blocks < 1000) {
      run(false);
      blocks++;
    }
    expect(blocks).toBeLessThan(FS / BLOCK);
    expect(master['midSide']).toBe(false);
    // Settled: nothing left to drain, so update only compares values (and changes nothing).
    expect(master['draining']).toBe(false);
    run(true);
    expect(left).toEqual(burst);

    const channel = new ChannelEq(FS, BLOCK, 2);
    const channelValues = defaults(CHANNEL_EQ_PARAMS);
    channelValues[ce('hpf/on')] = 1;
    channel.update(channelValues, 0);
    left.set(burst);
    right.set(burst);
    channel.process(left, right, BLOCK);
    channelValues[ce('hpf/on')] = 0;
    channel.update(channelValues, 0);
    expect(channel['draining']).toBe(true);
    const cascade = channel['cascade'];
    blocks = 0;
    while (cascade.mode[0] !== 0 && blocks < 1000) {
      left.fill(0);
      right.fill(0);
      channel.update(channelValues, 0);
      channel.process(left, right, BLOCK);
      blocks++;
    }
    expect(blocks).toBeLessThan(FS / BLOCK);
    expect(channel['draining']).toBe(false);
  });

  it('prints a rough speed (not asserted)', () => {
    const blocks = 8000;
    const channelEq = new ChannelEq(FS, BLOCK, 2);
    const masteringEq = new MasteringEq(FS, BLOCK);
    const splitter = new LinkwitzRileySplitter3(FS, BLOCK, 2);
    const channelValues = channelEqAllOn();
    const masterValues = masteringEqAllOn();
    const left = noise(BLOCK, 0.5, 5);
    const right = noise(BLOCK, 0.5, 6);
    const bands = [new Float64Array(BLOCK), new Float64Array(BLOCK), new Float64Array(BLOCK)] as const;
    splitter.setFrequencies(new Float64Array([200, 2000]), 0);
    const time = (work: () => void): number => {
      for (let k = 0; k < blocks / 4; k++) work(); // warm-up
      const start = performance.now();
      for (let k = 0; k < blocks; k++) work();
      return ((performance.now() - start) * 1e6) / (blocks * BLOCK);
    };
    const channelNs = time(() => {
      channelEq.update(channelValues, 0);
      channelEq.process(left, right, BLOCK);
      left[0] = 0.5;
    });
    const masterNs = time(() => {
      masteringEq.update(masterValues, 0);
      masteringEq.process(left, right, BLOCK);
      left[0] = 0.5;
    });
    const splitNs = time(() => {
      splitter.split(0, left, bands[0], bands[1], bands[2], BLOCK);
      splitter.split(1, right, bands[0], bands[1], bands[2], BLOCK);
    });
    console.log(
      `speed per stereo frame: ChannelEq all 8 sections on ${channelNs.toFixed(1)} ns ` +
        `(${(channelNs / 16).toFixed(2)} ns per biquad-sample, ${((channelNs * BLOCK) / 1000).toFixed(2)} µs per 128-frame block); ` +
        `MasteringEq (HPF 24, LPF 12, 2 L/R + 2 mid + 2 side bands) ${masterNs.toFixed(1)} ns; ` +
        `LR4 3-band split ${splitNs.toFixed(1)} ns`,
    );
    expect(channelNs).toBeGreaterThan(0);
  });
});
