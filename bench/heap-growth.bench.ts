import v8 from 'node:v8';
import vm from 'node:vm';
import { report } from './bench-report.ts';
import { BLOCK, createMixHarness, RATE } from './mix-harness.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapGrowth(work: () => void): number {
  gc();
  gc();
  const before = v8.getHeapStatistics().used_heap_size;
  work();
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size - before;
}

/**
 * 60 s of audio through the real block function (64 strips, moving faders, meter reads), heap
 * measured after full GCs before and after. Reference: the same loop retaining one 16-byte
 * object per block, the smallest leak that matters; ratio 0 means no growth at all.
 */
export function run(): void {
  const strips = 64;
  const blocks = Math.round((60 * RATE) / BLOCK);
  const harness = createMixHarness(strips);
  for (let k = 0; k < 5000; k++) harness.block(k);
  const growth = heapGrowth(() => {
    for (let k = 0; k < blocks; k++) harness.block(k);
  });
  const retained: { block: number }[] = [];
  const leaking = createMixHarness(strips);
  for (let k = 0; k < 5000; k++) leaking.block(k);
  const referenceGrowth = heapGrowth(() => {
    for (let k = 0; k < blocks; k++) {
      leaking.block(k);
      retained.push({ block: k });
    }
  });
  report('heap-growth 60s 64ch', growth, 'bytes', referenceGrowth, 'loop leaking 1 object/block');
  retained.length = 0;
}
