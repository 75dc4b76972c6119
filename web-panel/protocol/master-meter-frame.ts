/**
 * Binary master-meter frame (server -> client), sent on the same socket as the strip meter frame
 * and told apart by its magic. One frame carries the master readouts (loudness, K-System, stereo
 * image, peaks, gain reductions), the latest spectrum (dB FS per band) and a decimated set of
 * goniometer points. What each slot means is in the hello's `master` layout.
 *
 * Layout (little endian):
 *   u32 magic 'LMMF', u16 version, u16 reserved (0), u32 sequence,
 *   u16 readout count, u16 band count, u16 pair count, u16 reserved (0),
 *   f32 readouts[readout count]   (NaN unknown, +-Infinity kept: silence reads -Infinity)
 *   f32 bandsDb[band count]
 *   i16 pairs[pair count * 2]     (L, R interleaved; sample * 32767, clipped to +-1)
 */
export const MASTER_FRAME_MAGIC = 0x464d4d4c; // 'LMMF' read as little-endian u32
export const MASTER_FRAME_VERSION = 1;
const HEADER_BYTES = 20;
/** Goniometer points are full scale at +-1; a sample over full scale is drawn on the edge. */
const PAIR_SCALE = 32767;

/** The fixed master readouts' labels (the gain reductions follow, labelled by the engine). */
export const MASTER_LABEL = {
  momentary: 'loudness/momentary',
  shortTerm: 'loudness/short-term',
  integrated: 'loudness/integrated',
  loudnessRange: 'loudness/range',
  maxMomentary: 'loudness/max-momentary',
  maxShortTerm: 'loudness/max-short-term',
  leftRms: 'k/left/rms',
  leftPeak: 'k/left/peak',
  leftPeakHold: 'k/left/peak-hold',
  rightRms: 'k/right/rms',
  rightPeak: 'k/right/peak',
  rightPeakHold: 'k/right/peak-hold',
  correlation: 'image/correlation',
  balance: 'image/balance',
  mid: 'image/mid',
  side: 'image/side',
  left: 'image/left',
  right: 'image/right',
  truePeak: 'peak/true',
  samplePeak: 'peak/sample',
} as const;

export interface MasterFrameShape {
  readonly readouts: number;
  readonly bands: number;
  readonly pairs: number;
}

export interface MasterMeterFrame {
  readonly sequence: number;
  /** In the hello's `master.labels` order. */
  readonly readouts: Float32Array;
  /** dB FS per band, in the hello's `master.bandCentresHz` order. */
  readonly bandsDb: Float32Array;
  /** Goniometer points, L and R interleaved, -1..1. */
  readonly pairs: Float32Array;
}

export function masterFrameBytes(shape: MasterFrameShape): number {
  return HEADER_BYTES + shape.readouts * 4 + shape.bands * 4 + shape.pairs * 4;
}

/**
 * Encodes one frame; `pairs` holds `pairCount` interleaved L/R points (fewer than the buffer may
 * hold). Counts are limited to 16 bits by the layout.
 */
export function encodeMasterMeterFrame(
  sequence: number,
  readouts: ArrayLike<number>,
  bandsDb: ArrayLike<number>,
  pairs: ArrayLike<number>,
  pairCount: number,
): ArrayBuffer {
  const shape = { readouts: readouts.length, bands: bandsDb.length, pairs: pairCount };
  if (shape.readouts > 0xffff || shape.bands > 0xffff || pairCount > 0xffff || pairCount * 2 > pairs.length) {
    throw new RangeError(`master frame counts ${JSON.stringify(shape)} do not fit`);
  }
  const buffer = new ArrayBuffer(masterFrameBytes(shape));
  const view = new DataView(buffer);
  view.setUint32(0, MASTER_FRAME_MAGIC, true);
  view.setUint16(4, MASTER_FRAME_VERSION, true);
  view.setUint32(8, sequence >>> 0, true);
  view.setUint16(12, shape.readouts, true);
  view.setUint16(14, shape.bands, true);
  view.setUint16(16, pairCount, true);
  let at = HEADER_BYTES;
  for (let i = 0; i < shape.readouts; i++, at += 4) view.setFloat32(at, readouts[i] ?? Number.NaN, true);
  for (let i = 0; i < shape.bands; i++, at += 4) view.setFloat32(at, bandsDb[i] ?? Number.NaN, true);
  for (let i = 0; i < pairCount * 2; i++, at += 2) {
    const sample = pairs[i] ?? 0;
    // NaN becomes the centre: a goniometer point cannot show it (the peak readouts do).
    const clipped = sample > 1 ? 1 : sample < -1 ? -1 : sample === sample ? sample : 0;
    view.setInt16(at, Math.round(clipped * PAIR_SCALE), true);
  }
  return buffer;
}

/** True when the bytes start like a master frame (to route them before a full decode). */
export function isMasterMeterFrame(bytes: ArrayBuffer): boolean {
  return bytes.byteLength >= 4 && new DataView(bytes).getUint32(0, true) === MASTER_FRAME_MAGIC;
}

/**
 * Returns null when the bytes are not a well-formed master frame of this version, or (with
 * `expected`) when the counts differ from the layout the hello announced.
 */
export function decodeMasterMeterFrame(
  bytes: ArrayBuffer,
  expected?: MasterFrameShape,
): MasterMeterFrame | null {
  if (bytes.byteLength < HEADER_BYTES) return null;
  const view = new DataView(bytes);
  if (view.getUint32(0, true) !== MASTER_FRAME_MAGIC) return null;
  if (view.getUint16(4, true) !== MASTER_FRAME_VERSION) return null;
  if (view.getUint16(6, true) !== 0 || view.getUint16(18, true) !== 0) return null;
  const shape = {
    readouts: view.getUint16(12, true),
    bands: view.getUint16(14, true),
    pairs: view.getUint16(16, true),
  };
  if (bytes.byteLength !== masterFrameBytes(shape)) return null;
  if (
    expected !== undefined &&
    (expected.readouts !== shape.readouts || expected.bands !== shape.bands || shape.pairs > expected.pairs)
  ) {
    return null;
  }
  const readouts = new Float32Array(shape.readouts);
  const bandsDb = new Float32Array(shape.bands);
  const pairs = new Float32Array(shape.pairs * 2);
  let at = HEADER_BYTES;
  for (let i = 0; i < shape.readouts; i++, at += 4) readouts[i] = view.getFloat32(at, true);
  for (let i = 0; i < shape.bands; i++, at += 4) bandsDb[i] = view.getFloat32(at, true);
  for (let i = 0; i < shape.pairs * 2; i++, at += 2) pairs[i] = view.getInt16(at, true) / PAIR_SCALE;
  return { sequence: view.getUint32(8, true), readouts, bandsDb, pairs };
}
