/**
 * Binary meter frame sent over the WebSocket (server -> client), at a fixed rate.
 * Layout (little endian): u32 magic 'LMTR', u32 sequence, u32 slot count, then per slot two f32:
 * peak (linear, max since last frame) and RMS (linear, over the interval since last frame).
 * Slot order is the `meters` list of the hello message, channels expanded.
 */
export const METER_FRAME_MAGIC = 0x52544d4c; // 'LMTR' read as little-endian u32
const HEADER_BYTES = 12;

export interface MeterFrame {
  readonly sequence: number;
  readonly peak: Float32Array;
  readonly rms: Float32Array;
}

export function encodeMeterFrame(sequence: number, peak: Float32Array, rms: Float32Array): ArrayBuffer {
  const slots = peak.length;
  const buffer = new ArrayBuffer(HEADER_BYTES + slots * 8);
  const view = new DataView(buffer);
  view.setUint32(0, METER_FRAME_MAGIC, true);
  view.setUint32(4, sequence >>> 0, true);
  view.setUint32(8, slots, true);
  for (let i = 0; i < slots; i++) {
    view.setFloat32(HEADER_BYTES + i * 8, peak[i] ?? 0, true);
    view.setFloat32(HEADER_BYTES + i * 8 + 4, rms[i] ?? 0, true);
  }
  return buffer;
}

/** Returns null when the bytes are not a well-formed meter frame. */
export function decodeMeterFrame(bytes: ArrayBuffer): MeterFrame | null {
  if (bytes.byteLength < HEADER_BYTES) return null;
  const view = new DataView(bytes);
  if (view.getUint32(0, true) !== METER_FRAME_MAGIC) return null;
  const slots = view.getUint32(8, true);
  if (bytes.byteLength !== HEADER_BYTES + slots * 8) return null;
  const peak = new Float32Array(slots);
  const rms = new Float32Array(slots);
  for (let i = 0; i < slots; i++) {
    peak[i] = view.getFloat32(HEADER_BYTES + i * 8, true);
    rms[i] = view.getFloat32(HEADER_BYTES + i * 8 + 4, true);
  }
  return { sequence: view.getUint32(4, true), peak, rms };
}
