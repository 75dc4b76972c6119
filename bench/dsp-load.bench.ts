import { report } from './bench-report.ts';
import { BLOCK, createMixHarness, RATE } from './mix-harness.ts';

const BLOCK_MS = (BLOCK / RATE) * 1000;

/**
 * Reference: the least any mixer of N mono inputs to stereo must do per block, a plain
 * multiply-accumulate with constant gains (no smoothing, metering or parameter handling).
 */
function referenceBlock(strips: number, input: Float32Array, output: Float32Array): void {
  for (let i = 0; i < BLOCK; i++) {
    let left = 0;
    let right = 0;
    for (let s = 0, j = i * strips; s < strips; s++, j++) {
      left += input[j]! * 0.7;
      right += input[j]! * 0.7;
    }
    output[2 * i] = left;
    output[2 * i + 1] = right;
  }
}

function timePerBlockMs(run: (k: number) => void, blocks: number): number {
  for (let k = 0; k < blocks; k++) run(k); // warm up
  const started = performance.now();
  for (let k = 0; k < blocks; k++) run(k);
  return (performance.now() - started) / blocks;
}

export function run(): void {
  for (const strips of [8, 32, 64]) {
    const harness = createMixHarness(strips);
    const blocks = 20_000;
    const ours = timePerBlockMs(harness.block, blocks);
    const reference = timePerBlockMs(() => {
      referenceBlock(strips, harness.input, harness.output);
    }, blocks);
    // Load = processing time / block duration (128 frames at 48 kHz = 2.667 ms).
    report(
      `dsp-load ${strips}ch 48k/128`,
      ours / BLOCK_MS,
      'load',
      reference / BLOCK_MS,
      `plain MAC mix of ${strips}ch`,
    );
  }
}
