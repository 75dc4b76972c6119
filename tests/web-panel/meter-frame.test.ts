import { describe, expect, it } from 'vitest';
import { decodeMeterFrame, encodeMeterFrame, METER_FRAME_MAGIC } from '../../web-panel/protocol/index.ts';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('meter frames', () => {
  it('round-trips sequence, peak and RMS of every slot', () => {
    const peak = f32([0, 0.5, 1, 1.9999, 0.125]);
    const rms = f32([0, 0.25, Math.fround(0.7071), 1.5, 1e-6]);
    const bytes = encodeMeterFrame(1234, peak, rms);
    expect(bytes.byteLength).toBe(12 + 5 * 8);
    const frame = decodeMeterFrame(bytes);
    expect(frame).not.toBeNull();
    expect(frame!.sequence).toBe(1234);
    expect(Array.from(frame!.peak)).toEqual(Array.from(peak));
    expect(Array.from(frame!.rms)).toEqual(Array.from(rms));
  });

  it('uses the documented little-endian layout', () => {
    const bytes = encodeMeterFrame(7, f32([0.5]), f32([0.25]));
    const view = new DataView(bytes);
    expect(new TextDecoder().decode(new Uint8Array(bytes, 0, 4))).toBe('LMTR');
    expect(view.getUint32(0, true)).toBe(METER_FRAME_MAGIC);
    expect(view.getUint32(4, true)).toBe(7);
    expect(view.getUint32(8, true)).toBe(1);
    expect(view.getFloat32(12, true)).toBe(0.5);
    expect(view.getFloat32(16, true)).toBe(0.25);
  });

  it('wraps the sequence number to 32 bits', () => {
    expect(decodeMeterFrame(encodeMeterFrame(2 ** 32 + 5, f32([]), f32([])))!.sequence).toBe(5);
    expect(decodeMeterFrame(encodeMeterFrame(2 ** 32 - 1, f32([]), f32([])))!.sequence).toBe(2 ** 32 - 1);
  });

  it('round-trips an empty frame', () => {
    const frame = decodeMeterFrame(encodeMeterFrame(0, f32([]), f32([])));
    expect(frame).not.toBeNull();
    expect(frame!.peak.length).toBe(0);
    expect(frame!.rms.length).toBe(0);
  });

  it('rejects a wrong magic', () => {
    const bytes = encodeMeterFrame(1, f32([0.1, 0.2]), f32([0.1, 0.2]));
    new DataView(bytes).setUint32(0, 0x4c4d5452, true); // 'RTML'
    expect(decodeMeterFrame(bytes)).toBeNull();
  });

  it('rejects frames shorter than the header', () => {
    expect(decodeMeterFrame(new ArrayBuffer(0))).toBeNull();
    expect(decodeMeterFrame(encodeMeterFrame(1, f32([]), f32([])).slice(0, 11))).toBeNull();
  });

  it('rejects a length that does not match the slot count', () => {
    const bytes = encodeMeterFrame(1, f32([0.1, 0.2, 0.3]), f32([0.1, 0.2, 0.3]));
    expect(decodeMeterFrame(bytes.slice(0, bytes.byteLength - 8))).toBeNull(); // one slot missing
    expect(decodeMeterFrame(bytes.slice(0, bytes.byteLength - 1))).toBeNull(); // one byte short
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(new Uint8Array(bytes));
    expect(decodeMeterFrame(longer.buffer)).toBeNull(); // trailing byte
    const lying = bytes.slice(0);
    new DataView(lying).setUint32(8, 4, true); // claims 4 slots, carries 3
    expect(decodeMeterFrame(lying)).toBeNull();
    const huge = bytes.slice(0);
    new DataView(huge).setUint32(8, 0xffffffff, true);
    expect(decodeMeterFrame(huge)).toBeNull();
  });
});
