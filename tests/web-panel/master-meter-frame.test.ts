import { describe, expect, it } from 'vitest';
import {
  decodeMasterMeterFrame,
  encodeMasterMeterFrame,
  encodeMeterFrame,
  isMasterMeterFrame,
  MASTER_FRAME_MAGIC,
  masterFrameBytes,
} from '../../web-panel/protocol/index.ts';

const readouts = [-14.25, -13.5, Number.NaN, Number.NEGATIVE_INFINITY, 0.5, -0.1];
const bands = [-300, -60.5, -20.25];
const pairs = Float32Array.from([0.5, -0.5, 1.5, -2, 0, Number.NaN, 0.25, 0.25]);

describe('master meter frames', () => {
  it('round-trips readouts (NaN and -Infinity kept), bands and goniometer pairs', () => {
    const bytes = encodeMasterMeterFrame(42, readouts, bands, pairs, 4);
    expect(bytes.byteLength).toBe(masterFrameBytes({ readouts: 6, bands: 3, pairs: 4 }));
    expect(bytes.byteLength).toBe(20 + 6 * 4 + 3 * 4 + 4 * 4);
    expect(isMasterMeterFrame(bytes)).toBe(true);
    const frame = decodeMasterMeterFrame(bytes, { readouts: 6, bands: 3, pairs: 256 });
    expect(frame).not.toBeNull();
    expect(frame!.sequence).toBe(42);
    expect(Array.from(frame!.readouts)).toEqual(readouts.map((v) => Math.fround(v)));
    expect(Array.from(frame!.bandsDb)).toEqual(bands);
    // 16-bit points: within one step of 1/32767; over full scale clipped, NaN at the centre.
    const expected = [0.5, -0.5, 1, -1, 0, 0, 0.25, 0.25];
    frame!.pairs.forEach((value, i) => {
      expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(1 / 32767);
    });
  });

  it('is told apart from the strip meter frame by its magic', () => {
    const strip = encodeMeterFrame(1, Float32Array.of(0.5), Float32Array.of(0.25));
    expect(isMasterMeterFrame(strip)).toBe(false);
    expect(decodeMasterMeterFrame(strip)).toBeNull();
    const view = new DataView(encodeMasterMeterFrame(0, [], [], [], 0));
    expect(view.getUint32(0, true)).toBe(MASTER_FRAME_MAGIC);
    expect(new TextDecoder().decode(new Uint8Array(view.buffer, 0, 4))).toBe('LMMF');
  });

  it('rejects malformed frames', () => {
    const good = encodeMasterMeterFrame(7, readouts, bands, pairs, 4);
    const mutate = (edit: (view: DataView) => void): ArrayBuffer => {
      const copy = good.slice(0);
      edit(new DataView(copy));
      return copy;
    };
    expect(decodeMasterMeterFrame(good.slice(0, 19))).toBeNull(); // shorter than the header
    expect(decodeMasterMeterFrame(good.slice(0, good.byteLength - 1))).toBeNull(); // truncated
    const longer = new Uint8Array(good.byteLength + 4);
    longer.set(new Uint8Array(good));
    expect(decodeMasterMeterFrame(longer.buffer)).toBeNull(); // trailing bytes
    expect(
      decodeMasterMeterFrame(
        mutate((v) => {
          v.setUint16(4, 2, true);
        }),
      ),
    ).toBeNull(); // version
    expect(
      decodeMasterMeterFrame(
        mutate((v) => {
          v.setUint16(6, 1, true);
        }),
      ),
    ).toBeNull(); // reserved
    expect(
      decodeMasterMeterFrame(
        mutate((v) => {
          v.setUint16(12, 7, true);
        }),
      ),
    ).toBeNull(); // count vs length
    expect(
      decodeMasterMeterFrame(
        mutate((v) => {
          v.setUint16(16, 0xffff, true);
        }),
      ),
    ).toBeNull();
    expect(decodeMasterMeterFrame(new ArrayBuffer(0))).toBeNull();
    // Well formed but not the layout the hello announced.
    expect(decodeMasterMeterFrame(good, { readouts: 5, bands: 3, pairs: 256 })).toBeNull();
    expect(decodeMasterMeterFrame(good, { readouts: 6, bands: 4, pairs: 256 })).toBeNull();
    expect(decodeMasterMeterFrame(good, { readouts: 6, bands: 3, pairs: 3 })).toBeNull();
    expect(decodeMasterMeterFrame(good)).not.toBeNull();
  });

  it('refuses to encode counts the layout cannot hold', () => {
    expect(() => encodeMasterMeterFrame(0, [], [], [0, 0], 2)).toThrow(RangeError);
    expect(() => encodeMasterMeterFrame(0, new Float32Array(0x10000), [], [], 0)).toThrow(RangeError);
  });
});
