/**
 * The monitor path's block loop allocates nothing while everything moves (level, dim, mono,
 * mute, A/B switching, set membership, trims, preamps, delays, EQ gains and frequencies on two
 * speakers with ten sections each), and a rough cost per stereo frame for the report.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParamSmoother } from '../../../engine/graph/param-smoother.ts';
import type { ParamSpec } from '../../../engine/params/param-spec.ts';
import { MonitorPath } from '../../../engine/processors/monitor-path.ts';
import { MONITOR_PATH_PARAMS, monitorParamIndex } from '../../../engine/processors/monitor/monitor-params.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { BLOCK, RATE, noise } from './monitor-harness.ts';

/** Only the engine's own files count (this test's path contains "/engine/" too). */
const ENGINE_FILES = fileURLToPath(new URL('../../../engine/', import.meta.url));

function build(): { path: MonitorPath; smoother: ParamSmoother } {
  const specs: ParamSpec[] = MONITOR_PATH_PARAMS.map(({ key, ...rest }) => ({ ...rest, id: key }));
  const smoother = new ParamSmoother(specs, RATE);
  const path = new MonitorPath(RATE, BLOCK);
  const jump = (key: string, value: number): void => {
    smoother.jumpAt(monitorParamIndex(key), value);
  };
  for (let s = 1; s <= 2; s++) {
    for (let k = 1; k <= 10; k++) {
      jump(`speaker/${s}/eq/${k}/on`, 1);
      jump(`speaker/${s}/eq/${k}/type`, k % 3);
      jump(`speaker/${s}/eq/${k}/freq`, 30 * Math.pow(2, k - 1 + s / 4));
      jump(`speaker/${s}/eq/${k}/gain`, k % 2 === 0 ? -4 : 2);
      jump(`speaker/${s}/eq/${k}/q`, 0.7 + k / 4);
    }
  }
  path.update(smoother.current, 0);
  path.reset();
  return { path, smoother };
}

describe('monitor path block loop', () => {
  it('allocates nothing per block with every parameter moving', async () => {
    const { path, smoother } = build();
    const moving = [
      'level',
      'dim',
      'dim-db',
      'mono',
      'mute',
      'set',
      'ceiling',
      'speaker/1/trim',
      'speaker/2/preamp',
      'speaker/1/delay-ms',
      'speaker/2/delay-ms',
      'speaker/3/set-b',
      'speaker/1/eq/3/gain',
      'speaker/2/eq/7/freq',
      'speaker/1/eq/9/q',
      'speaker/2/eq/2/type',
      'speaker/1/eq/4/on',
    ].map(monitorParamIndex);
    const left = noise(BLOCK, 0.5, 1);
    const right = noise(BLOCK, 0.5, 2);
    const outputs = 4;
    const output = new Float32Array(BLOCK * outputs);
    const incoming = smoother.incoming;
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 5 === 0) {
          const index = moving[k % moving.length]!;
          const spec = MONITOR_PATH_PARAMS[index]!;
          // Through the typed array: a double argument to setTargetAt would box in this loop.
          incoming[0] = spec.min + ((spec.max - spec.min) * ((k * 37) % 101)) / 100;
          smoother.applyIncoming(index);
        }
        smoother.advance(BLOCK);
        path.update(smoother.current, 0);
        path.process(left, right, output, outputs, BLOCK, k % 997 === 0);
      }
    };
    blocks(30_000)();
    const { short, long } = await steadyAllocations(ENGINE_FILES, blocks, { label: 'monitor path' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 120_000);

  it('costs (printed): 2 speakers x 10 sections, ns per stereo frame', () => {
    const { path, smoother } = build();
    const left = noise(BLOCK, 0.5, 1);
    const right = noise(BLOCK, 0.5, 2);
    const output = new Float32Array(BLOCK * 2);
    const run = (count: number): void => {
      for (let k = 0; k < count; k++) {
        smoother.advance(BLOCK);
        path.update(smoother.current, 0);
        path.process(left, right, output, 2, BLOCK, false);
      }
    };
    run(20_000);
    const blocks = 40_000;
    const start = process.hrtime.bigint();
    run(blocks);
    const ns = Number(process.hrtime.bigint() - start) / (blocks * BLOCK);
    console.log(`monitor path: ${ns.toFixed(1)} ns per stereo frame (2 speakers x 10 sections, 48 kHz)`);
    expect(Number.isFinite(ns)).toBe(true);
  });
});
