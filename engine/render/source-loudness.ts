import { LoudnessMeter } from '../meters/loudness/loudness-meter.ts';
import type { OfflineInput } from './offline-render.ts';

const BLOCK = 8192;

/**
 * Integrated loudness (BS.1770-5) of a stereo offline input, read to its end in blocks (constant
 * memory): the source's loudness at unity gain, which is where a gain search starts.
 */
export async function measureInputLoudness(input: OfflineInput, sampleRate: number): Promise<number> {
  const channels = input.channels;
  const meter = new LoudnessMeter(sampleRate, channels);
  const interleaved = new Float32Array(BLOCK * channels);
  const planar = Array.from({ length: channels }, () => new Float32Array(BLOCK));
  for (;;) {
    const got = await input.read(interleaved, BLOCK);
    if (got === 0) break;
    for (let c = 0; c < channels; c++) {
      const channel = planar[c]!;
      for (let i = 0; i < got; i++) channel[i] = interleaved[i * channels + c]!;
    }
    meter.process(planar, got);
  }
  return meter.integrated();
}
