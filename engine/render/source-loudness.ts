import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import type { OfflineInput } from './offline-render.ts';

const BLOCK = 8192;

/**
 * Integrated loudness (BS.1770-5) of a stereo offline input, read to its end in blocks (constant
 * memory): the source's loudness at unity gain, which is where a gain search starts.
 */
export async function measureInputLoudness(input: OfflineInput, sampleRate: number): Promise<number> {
  const meter = new LoudnessMeter(sampleRate, 2);
  const planar = [new Float32Array(BLOCK), new Float32Array(BLOCK)] as const;
  for (;;) {
    const got = await input.read(planar[0], planar[1], BLOCK);
    if (got === 0) break;
    meter.process(planar, got);
  }
  return meter.integrated();
}
