/**
 * The dynamics kernel (dynamics.wat, which documents the memory layouts): level detection, peak
 * hold, gain computer, ballistics and gain multiply of the gate, the channel compressor and the
 * multiband compressor's bands, one call per block. Each processor instance owns a kernel
 * instance; it lays out its memory with {@link KernelLayout}, instantiates with
 * {@link instantiateDynamics}, and keeps typed-array views made once in its constructor.
 */
import { instantiateKernel } from './wasm-kernel.ts';

/** dynamics.wat: byte addresses, counts and flags only. */
export interface DynamicsExports extends WebAssembly.Exports {
  /** Gate on the block in the descriptor's left/right; `stereo` 0 or 1. */
  gate: (descriptor: number, frames: number, stereo: number) => void;
  /** Compressor; flags: 1 stereo, 2 mean-square detection, 4 side-chain high-pass. */
  compress: (descriptor: number, frames: number, flags: number) => void;
  /** Multiband gains and band sum; `idle` bit b: band b bypassed and settled. */
  multiband: (descriptor: number, frames: number, idle: number) => void;
  /**
   * The gain stage of `gate`/`compress` on its own (tests): held levels at `levels` through the
   * settings block at `settings` into gains at `levels`; `gate` 1: the gate's law.
   */
  gains: (settings: number, levels: number, aux: number, ramps: number, frames: number, gate: number) => void;
  /** Peak hold of `frames` f64 levels in place. */
  hold: (state: number, levels: number, frames: number) => void;
  /** dst[i] = ln(src[i]) by the kernel's own pass (tests), with the cache of a settings block. */
  lnPass: (settings: number, src: number, dst: number, count: number) => void;
  /**
   * The one-pole and exp of the gain stage on its own (tests): targets (dB) at `aux` through the
   * settings block at `settings` into gains at `levels`, each exp(...) left at `aux`.
   */
  ballistics: (
    settings: number,
    levels: number,
    aux: number,
    ramps: number,
    frames: number,
    gate: number,
  ) => void;
}

/**
 * Slots (f64) of the settings block the kernel reads for a compressor core or a gate, in
 * dynamics.wat's order: the shared part, then the curve from `curve` on (each processor's own).
 * Slots not named here are the kernel's outputs, caches and scratch.
 */
export const DynamicsSlot = {
  attack: 0,
  release: 1,
  rampStep: 2,
  rampTarget: 3,
  /** Gain reduction or attenuation (dB), the one-pole's state. */
  state: 4,
  ramp: 5,
  /** Largest state x ramp of the last block (the meters' gain reduction). */
  maxState: 6,
  makeup: 8,
  makeupNow: 9,
  /** The last frame's level (NaN: its remembered target is invalid, e.g. after a curve change). */
  lastLevel: 10,
  /** exp cache (argument, value): NaN argument to start. */
  expCache: 14,
  /** ln(10)/20: make-up minus state (dB) -> ln of the gain. */
  gainScale: 19,
  /** First slot of the processor's own curve settings. */
  curve: 21,
  /** Coefficients the kernel's power tables were built for, the tables' size, the tables. */
  tableAttackFor: 30,
  tableReleaseFor: 31,
  tableSize: 32,
  tables: 33,
} as const;

/** Doubles of a settings block with power tables for blocks of up to `maxBlockFrames`. */
export function dynamicsBlockSlots(maxBlockFrames: number): number {
  return DynamicsSlot.tables + 2 * (maxBlockFrames + 2);
}

/**
 * Initial values of a settings block's shared slots (setup code). The tables take what
 * `slots` has beyond DynamicsSlot.tables (none for a JavaScript-only core).
 */
export function initDynamicsSlots(slots: Float64Array, rampStep: number): void {
  slots.fill(0, 0, DynamicsSlot.tables);
  slots[DynamicsSlot.tableAttackFor] = Number.NaN;
  slots[DynamicsSlot.tableReleaseFor] = Number.NaN;
  slots[DynamicsSlot.tableSize] = Math.max(0, (slots.length - DynamicsSlot.tables) >> 1);
  slots[DynamicsSlot.rampStep] = rampStep;
  slots[DynamicsSlot.rampTarget] = 1;
  slots[DynamicsSlot.ramp] = 1;
  slots[DynamicsSlot.lastLevel] = Number.NaN;
  slots[DynamicsSlot.expCache] = Number.NaN;
  slots[DynamicsSlot.gainScale] = Math.LN10 / 20;
}

/** Flags of `compress`. */
export const COMPRESS_STEREO = 1;
export const COMPRESS_MEAN_SQUARE = 2;
export const COMPRESS_HIGH_PASS = 4;

/** Byte offsets in a gate/compressor descriptor (i32 slots). */
export const Descriptor = {
  left: 0,
  right: 4,
  /** Levels, then the gains (f64 per frame). */
  levels: 8,
  /** Scratch f64 per frame. */
  scratch: 12,
  settings: 16,
  hold: 20,
  detector: 28,
  /** Written by the kernel: 1 when left/right were changed. */
  changed: 32,
  /** Scratch f64 per frame: the on/off ramp. */
  ramps: 36,
  bytes: 64,
} as const;

/** Extra frames after every per-frame buffer: the kernel works in steps of up to four frames. */
export const PADDING_FRAMES = 4;

/** Samples per segment of the kernel's peak hold. */
const HOLD_SEGMENT = 64;
const HOLD_STATE_BYTES = 72;
/** i32 slots of a hold state: the part a reset clears, then the window and the fixed layout. */
const HOLD_DYNAMIC_INTS = 12;
const HOLD_WINDOW = 12;
const HOLD_MASK = 13;
const HOLD_RAW = 14;
const HOLD_SUFFIX = 15;
const HOLD_DEQUE = 16;
const HOLD_DEQUE_MASK = 17;

/** The kernel's table of 2^(j/256), j = 0 .. 255, at address 0 (dynamics.wat, exp). */
const EXP_TABLE_SIZE = 256;
const EXP_TABLE = exp2Table(EXP_TABLE_SIZE);
/** Its table of (1/c, ln c) for the 128 intervals of ln's reduced argument, at address 2048. */
const LN_TABLE_ADDRESS = 2048;
const LN_INTERVALS = 128;
const LN_TABLE = lnTable();
const TABLES_BYTES = LN_TABLE_ADDRESS + LN_INTERVALS * 16;

/** Bump allocation of one kernel instance's memory, 16-byte aligned, after the table (setup code). */
export class KernelLayout {
  bytes = TABLES_BYTES;

  /** Reserves `bytes`; returns the address. */
  take(bytes: number): number {
    const at = Math.ceil(this.bytes / 16) * 16;
    this.bytes = at + bytes;
    return at;
  }
}

/** Where a peak hold lives (setup code): its state and the rings it needs for `maxWindow`. */
export interface HoldLayout {
  readonly state: number;
  readonly maxWindow: number;
  readonly ring: number;
  readonly raw: number;
  readonly suffix: number;
  readonly dequeSize: number;
  readonly deque: number;
}

/** Reserves a peak hold for windows up to `maxWindow` samples (setup code). */
export function layoutHold(layout: KernelLayout, maxWindow: number): HoldLayout {
  const ring = nextPowerOfTwo(maxWindow + HOLD_SEGMENT);
  const dequeSize = nextPowerOfTwo(Math.ceil(maxWindow / HOLD_SEGMENT) + 3);
  return {
    state: layout.take(HOLD_STATE_BYTES),
    maxWindow,
    ring,
    raw: layout.take(ring * 8),
    suffix: layout.take(ring * 8),
    dequeSize,
    deque: layout.take(dequeSize * 16),
  };
}

/** A dynamics kernel instance with memory for `layout`, its table written (setup code). */
export function instantiateDynamics(layout: KernelLayout): { exports: DynamicsExports; buffer: ArrayBuffer } {
  const { exports, memory } = instantiateKernel<DynamicsExports>('dynamics', layout.bytes);
  new Float64Array(memory.buffer, 0, EXP_TABLE_SIZE).set(EXP_TABLE);
  new Float64Array(memory.buffer, LN_TABLE_ADDRESS, 2 * LN_INTERVALS).set(LN_TABLE);
  return { exports, buffer: memory.buffer };
}

/** A channel processor's kernel memory (gate or compressor), laid out and instantiated. */
export interface ChannelDynamicsMemory {
  readonly exports: DynamicsExports;
  readonly buffer: ArrayBuffer;
  /** Byte address of the descriptor the kernel reads (the processor passes it per call). */
  readonly descriptor: number;
  /** The descriptor's `changed` flag. */
  readonly changed: Int32Array;
  /** The block slots (dynamicsBlockSlots(frames) doubles) the descriptor points to. */
  readonly slots: Float64Array;
  /** The block's channels in kernel memory (`frames` long). */
  readonly left: Float32Array;
  readonly right: Float32Array;
  readonly hold: HoldLayout;
  /** Byte address of `detectorSlots` doubles for the detector, or -1 when none were asked for. */
  readonly detector: number;
}

/**
 * Lays out and instantiates the memory a gate or channel compressor needs for blocks of up to
 * `frames` frames (audio lines, levels, scratch, ramps, block slots, the hold for MAX_HOLD_MS at
 * `sampleRate`, optionally `detectorSlots` doubles of detector state) and fills in the
 * descriptor. Setup code.
 */
export function channelDynamicsMemory(
  frames: number,
  sampleRate: number,
  maxHoldMs: number,
  detectorSlots = 0,
): ChannelDynamicsMemory {
  const layout = new KernelLayout();
  const descriptor = layout.take(Descriptor.bytes);
  const left = layout.take((frames + PADDING_FRAMES) * 4);
  const right = layout.take((frames + PADDING_FRAMES) * 4);
  const levels = layout.take((frames + PADDING_FRAMES) * 8);
  const scratch = layout.take((frames + PADDING_FRAMES) * 8);
  const ramps = layout.take((frames + PADDING_FRAMES) * 8);
  const detector = detectorSlots > 0 ? layout.take(detectorSlots * 8) : -1;
  const slotCount = dynamicsBlockSlots(frames);
  const slots = layout.take(slotCount * 8);
  const hold = layoutHold(layout, Math.ceil((maxHoldMs * sampleRate) / 1000) + 1);
  const { exports, buffer } = instantiateDynamics(layout);
  const addresses = new Int32Array(buffer, descriptor, Descriptor.bytes / 4);
  addresses[Descriptor.left / 4] = left;
  addresses[Descriptor.right / 4] = right;
  addresses[Descriptor.levels / 4] = levels;
  addresses[Descriptor.scratch / 4] = scratch;
  addresses[Descriptor.ramps / 4] = ramps;
  addresses[Descriptor.settings / 4] = slots;
  addresses[Descriptor.hold / 4] = hold.state;
  if (detector >= 0) addresses[Descriptor.detector / 4] = detector;
  return {
    exports,
    buffer,
    descriptor,
    changed: addresses.subarray(Descriptor.changed / 4, Descriptor.changed / 4 + 1),
    slots: new Float64Array(buffer, slots, slotCount),
    left: new Float32Array(buffer, left, frames),
    right: new Float32Array(buffer, right, frames),
    hold,
    detector,
  };
}

/**
 * 2^(j/size) for j = 0 .. size - 1, each the double nearest the exact value: the root
 * 2^(1/size) to 200 bits (Newton's method on BigInt), its powers in 200-bit fixed point (each
 * product's truncation under 2^-190 relative), rounded to 53 bits. Module setup, once.
 */
function exp2Table(size: number): Float64Array {
  const bits = 200n;
  const n = BigInt(size);
  // Newton for x^size = 2 (x scaled by 2^bits), from the double estimate.
  const target = 1n << (bits * n + 1n);
  let root = BigInt(Math.round(2 ** (1 / size) * 2 ** 52)) << (bits - 52n);
  for (let step = 0; step < 100; step++) {
    const next = ((n - 1n) * root + target / root ** (n - 1n)) / n;
    if (next === root) break;
    root = next;
  }
  const table = new Float64Array(size);
  let power = 1n << bits;
  for (let j = 0; j < size; j++) {
    table[j] = roundToDouble(power, bits);
    power = (power * root) >> bits;
  }
  return table;
}

/**
 * For the intervals of ln's reduced argument m in [sqrt(1/2), sqrt(2)) (128, equal in bits from
 * the bits of sqrt(1/2)), the middle c (bits: sqrt(1/2)'s + (j + 1/2) 2^45) and (1/c, ln c),
 * each correctly rounded: ln c = 2 atanh((c - 1)/(c + 1)) summed in 200-bit fixed point.
 * Module setup, once.
 */
function lnTable(): Float64Array {
  const fixed = 200n;
  const one = 1n << fixed;
  const words = new BigUint64Array(1);
  const value = new Float64Array(words.buffer);
  value[0] = Math.SQRT1_2;
  const base = words[0]!;
  const table = new Float64Array(2 * LN_INTERVALS);
  for (let j = 0; j < LN_INTERVALS; j++) {
    const bits = base + (BigInt(j) << 45n) + (1n << 44n);
    words[0] = bits;
    const c = value[0];
    // c = mantissa 2^exponent exactly, from its bits (normal, positive).
    const exponent = Number(bits >> 52n) - 1075;
    const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
    const cFixed =
      exponent >= 0 ? (mantissa << fixed) << BigInt(exponent) : (mantissa << fixed) >> BigInt(-exponent);
    // |s| = |c - 1|/(c + 1); ln c = ±2 (|s| + |s|^3/3 + |s|^5/5 + ...), |s| < 0.18
    const below = cFixed < one;
    const sFixed = ((below ? one - cFixed : cFixed - one) << fixed) / (cFixed + one);
    const s2 = (sFixed * sFixed) >> fixed;
    let term = sFixed;
    let sum = 0n;
    for (let k = 1n; term > 0n; k += 2n) {
      sum += term / k;
      term = (term * s2) >> fixed;
    }
    table[2 * j] = 1 / c;
    table[2 * j + 1] = (below ? -1 : 1) * roundToDouble(2n * sum, fixed);
  }
  return table;
}

/** x / 2^scale rounded to the nearest double (x > 0, more than 54 bits). */
function roundToDouble(x: bigint, scale: bigint): number {
  const shift = BigInt(x.toString(2).length - 53);
  let mantissa = x >> shift;
  const rest = x - (mantissa << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (mantissa & 1n) === 1n)) mantissa++;
  return Number(mantissa) * 2 ** Number(shift - scale);
}

/**
 * A peak hold in kernel memory (the kernel's `hold`, with PeakHold's semantics): JavaScript sets
 * the window and resets it; the kernel runs it inside the processors' calls.
 */
export class KernelHold {
  readonly maxWindow: number;
  private readonly ints: Int32Array;

  /** Setup code: writes the fixed part of the state. */
  constructor(buffer: ArrayBuffer, layout: HoldLayout) {
    this.maxWindow = layout.maxWindow;
    this.ints = new Int32Array(buffer, layout.state, HOLD_STATE_BYTES / 4);
    this.ints[HOLD_MASK] = layout.ring - 1;
    this.ints[HOLD_RAW] = layout.raw;
    this.ints[HOLD_SUFFIX] = layout.suffix;
    this.ints[HOLD_DEQUE] = layout.deque;
    this.ints[HOLD_DEQUE_MASK] = layout.dequeSize - 1;
    this.setWindow(1);
  }

  /**
   * Window in samples, clamped to 1 (no hold) .. maxWindow; history is kept (a shorter window
   * drops the expired levels at the next sample). Audio thread: allocates nothing.
   */
  setWindow(window: number): void {
    this.ints[HOLD_WINDOW] = Math.min(this.maxWindow, Math.max(1, window | 0));
  }

  /** Forgets the history. Audio thread: allocates nothing. */
  reset(): void {
    this.ints.fill(0, 0, HOLD_DYNAMIC_INTS);
  }
}

/**
 * dst[0 .. frames) = src[0 .. frames) into kernel memory: one memcpy when the whole source fits
 * (the usual block buffer), else per element. Audio thread: allocates nothing.
 */
export function copyIn(src: Float32Array, dst: Float32Array, frames: number): void {
  if (src.length <= dst.length) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < frames; i++) dst[i] = src[i]!;
}

/**
 * dst[0 .. frames) = src[0 .. frames) out of kernel memory: one memcpy when dst has exactly the
 * kernel buffer's length (what copyIn then copied in beyond `frames` comes back unchanged), else
 * per element. Audio thread: allocates nothing.
 */
export function copyOut(src: Float32Array, dst: Float32Array, frames: number): void {
  if (src.length === dst.length) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < frames; i++) dst[i] = src[i]!;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
