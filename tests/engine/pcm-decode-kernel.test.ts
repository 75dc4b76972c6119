import { describe, expect, it } from 'vitest';
import { PcmDecodeKernel } from '../../engine/wasm/pcm-decode-kernel.ts';

/** The integer codes over 2^(bits - 1), as the WAV format defines them: the reference. */
function reference(bytes: Uint8Array, channels: number, width: number, frames: number): Float32Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      const at = (i * channels + c) * width;
      out[i] =
        width === 2
          ? view.getInt16(at, true) / 32768
          : (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
    }
    return out;
  });
}

describe('PcmDecodeKernel', () => {
  it('decodes little-endian 16- and 24-bit PCM to exactly the reference values, any channel count and length', () => {
    let seed = 11;
    const byte = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const width of [2, 3]) {
      for (const channels of [1, 2, 3, 6]) {
        const blockFrames = 1031;
        const kernel = new PcmDecodeKernel(channels, width, blockFrames);
        for (const frames of [1, 3, 4, 5, 1027, blockFrames]) {
          for (let i = 0; i < frames * channels * width; i++) kernel.bytes[i] = byte();
          // The extremes too: full-scale negative and positive codes at the start.
          if (frames >= 2) {
            kernel.bytes.fill(0, 0, width * channels);
            kernel.bytes[width - 1] = 0x80;
            kernel.bytes.fill(0xff, width * channels, 2 * width * channels);
            kernel.bytes[width * channels + width - 1] = 0x7f;
          }
          const expected = reference(kernel.bytes, channels, width, frames);
          const offset = 5;
          const got = Array.from({ length: channels }, () => new Float32Array(offset + frames + 2).fill(9));
          kernel.decode(got, offset, frames);
          for (let c = 0; c < channels; c++) {
            const line = got[c]!;
            expect([line[offset - 1], line[offset + frames]], `${width} ${channels} ${frames}`).toEqual([
              9, 9,
            ]);
            for (let i = 0; i < frames; i++) {
              if (!Object.is(line[offset + i], expected[c]![i]))
                expect.fail(
                  `${width}-byte, ${channels} ch, ${frames} frames: channel ${c} frame ${i}: ${line[offset + i]} != ${expected[c]![i]}`,
                );
            }
          }
          if (frames >= 2) {
            expect(got[0]![offset]).toBe(-1);
            expect(got[0]![offset + 1]).toBe(width === 2 ? 32767 / 32768 : 8388607 / 8388608);
          }
        }
      }
    }
  });
});
