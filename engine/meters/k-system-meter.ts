import { FULL_SCALE_SINE_MEAN_SQUARE } from './aes17-level.ts';

export interface KSystemMeterOptions {
  /**
   * Averaging section: seconds for a level step to reach 99 % of its final RMS reading (-0.09 dB),
   * the VU meter's rise-time definition (IEC 60268-17: 300 ms). Default 0.3. Katz asks for
   * VU-like averaging without fixing a number; K-meters written to his description differ
   * (M. Zuther's K-Meter: 99 % in 600 ms; F. Adriaensen's jkmeter: ~15 % faster than a VU, no
   * overshoot), so 0.6 is offered as the slow alternative.
   */
  readonly integrationSeconds?: number;
  /** Peak-hold time, seconds; Infinity holds until resetPeakHold(). Default 2. */
  readonly peakHoldSeconds?: number;
  /** Return speed of the peak bar and of the hold marker after its hold time, dB/s. Default 26/3. */
  readonly peakFallDbPerSecond?: number;
}

/** Slots per channel of the array `readInto` fills: channel c starts at offset + c * K_SYSTEM_READOUT_COUNT. */
export const K_SYSTEM_READOUT = {
  /** Averaging section, dB FS RMS (AES17: a full-scale sine reads 0). */
  rmsDbfs: 0,
  /** Peak bar: sample peak with instant rise and a linear-in-dB fall, dB FS. */
  peakDbfs: 1,
  /** Peak-hold marker: largest peak, held, then falling like the bar, dB FS. */
  peakHoldDbfs: 2,
} as const;
export const K_SYSTEM_READOUT_COUNT = 3;

/** 99 % of the final RMS reading is 0.99^2 of the final mean square. */
const RISE_FRACTION = 0.99 * 0.99;
/** Mean squares below this (-297 dB FS) are zeroed: decaying into double subnormals is 25x slower. */
const DENORMAL_FLOOR = 1e-30;

// state slots per channel
const Y1 = 0;
const Y2 = 1;
const PEAK_DB = 2;
const HOLD_DB = 3;
const HOLD_LEFT = 4;
const STATE = 5;
// settings
const FALL_DB_PER_FRAME = 0;
const HOLD_FRAMES = 1;

/**
 * The measuring side of a K-System meter (Katz; see k-scale.ts for the scales and zones): per
 * channel an RMS averaging section with VU-like ballistics and a peak section with hold.
 * Readings are in dB FS; k-scale.ts turns them into K-20/K-14/K-12 readings and colours.
 *
 * Averaging: the mean square x^2 runs through two identical one-pole low-passes in cascade
 * (a critically damped second-order response, like a VU needle without its 1-1.5 % overshoot),
 * and the reading is its square root. The pole is solved so that a step in level reaches 99 % of
 * its final RMS reading after `integrationSeconds` exactly: with a = pole and m frames, the
 * cascade's step response is 1 - a^m (1 + m (1 - a)) = 0.99^2. Being linear in power it reads
 * true RMS on any signal (a sine of amplitude A reads 20 log10 A; the reading ripples by about
 * 1e-5 dB at 1 kHz, 0.03 dB at 20 Hz). Peak section: sample peak, instant rise, falling 26 dB in
 * 3 s (the return speed of Zuther's K-Meter and of fugalh's k20 meter); the hold marker keeps the
 * largest peak for `peakHoldSeconds` (Zuther: 10 s; ours 2 s, or Infinity), then falls at the same
 * speed. Peaks move once per block (at 128 frames / 48 kHz, 0.023 dB steps).
 *
 * `process` and `readInto` run on the audio thread: they allocate nothing and never throw;
 * NaN/Infinity samples count as 0. Used offline the same way, in blocks of any size.
 */
export class KSystemMeter {
  readonly sampleRate: number;
  readonly channelCount: number;
  /** The averaging pole (per frame). */
  readonly pole: number;
  private readonly state: Float64Array;
  private readonly settings = new Float64Array(2);

  constructor(sampleRate: number, channelCount: number, options: KSystemMeterOptions = {}) {
    if (!(sampleRate >= 8000 && sampleRate <= 1_000_000)) throw new RangeError(`sample rate ${sampleRate}`);
    if (!Number.isInteger(channelCount) || channelCount < 1)
      throw new RangeError(`channel count ${channelCount}`);
    const integration = options.integrationSeconds ?? 0.3;
    const hold = options.peakHoldSeconds ?? 2;
    const fall = options.peakFallDbPerSecond ?? 26 / 3;
    if (!(integration > 0 && integration < 60)) throw new RangeError(`integration ${integration} s`);
    if (!(hold >= 0)) throw new RangeError(`peak hold ${hold} s`);
    if (!(fall > 0)) throw new RangeError(`peak fall ${fall} dB/s`);
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.pole = solvePole(integration * sampleRate);
    this.settings[FALL_DB_PER_FRAME] = fall / sampleRate;
    this.settings[HOLD_FRAMES] = hold * sampleRate;
    this.state = new Float64Array(channelCount * STATE);
    this.reset();
  }

  /** Forget everything (ballistics, peaks, hold). Allocates nothing. */
  reset(): void {
    for (let c = 0; c < this.channelCount; c++) {
      const o = c * STATE;
      this.state[o + Y1] = 0;
      this.state[o + Y2] = 0;
      this.state[o + PEAK_DB] = -Infinity;
      this.state[o + HOLD_DB] = -Infinity;
      this.state[o + HOLD_LEFT] = 0;
    }
  }

  /** Drop the hold markers (the user clicked them). Allocates nothing. */
  resetPeakHold(): void {
    for (let c = 0; c < this.channelCount; c++) {
      this.state[c * STATE + HOLD_DB] = -Infinity;
      this.state[c * STATE + HOLD_LEFT] = 0;
    }
  }

  /**
   * Audio thread: measure `frames` frames of planar `channels` (missing channels are silence,
   * frames beyond a short array are not read). Allocates nothing, never throws.
   */
  process(channels: readonly Float32Array[], frames: number): void {
    const n = frames > 0 ? Math.floor(frames) : 0;
    if (n === 0) return;
    const state = this.state;
    const a = this.pole;
    const b = 1 - a;
    const fall = this.settings[FALL_DB_PER_FRAME]! * n;
    const holdFrames = this.settings[HOLD_FRAMES]!;
    for (let c = 0; c < this.channelCount; c++) {
      const o = c * STATE;
      let y1 = state[o + Y1]!;
      let y2 = state[o + Y2]!;
      let peak = 0;
      if (c < channels.length) {
        const x = channels[c]!;
        const end = Math.min(n, x.length);
        for (let i = 0; i < end; i++) {
          let v = x[i]!;
          // v - v is NaN for NaN and +-Infinity, 0 for every finite sample.
          if (v - v !== 0) v = 0;
          const magnitude = v < 0 ? -v : v;
          if (magnitude > peak) peak = magnitude;
          y1 += b * (v * v - y1);
          y2 += b * (y1 - y2);
        }
        // Frames past a short array are silence.
        for (let i = end; i < n; i++) {
          y1 -= b * y1;
          y2 += b * (y1 - y2);
        }
      } else {
        for (let i = 0; i < n; i++) {
          y1 -= b * y1;
          y2 += b * (y1 - y2);
        }
      }
      if (y1 < DENORMAL_FLOOR) y1 = 0;
      if (y2 < DENORMAL_FLOOR) y2 = 0;
      state[o + Y1] = y1;
      state[o + Y2] = y2;

      const blockPeakDb = 20 * Math.log10(peak);
      const falling = state[o + PEAK_DB]! - fall;
      const peakDb = blockPeakDb > falling ? blockPeakDb : falling;
      state[o + PEAK_DB] = peakDb;
      const holdDb = state[o + HOLD_DB]!;
      if (blockPeakDb >= holdDb) {
        state[o + HOLD_DB] = blockPeakDb;
        state[o + HOLD_LEFT] = holdFrames;
      } else {
        const left = state[o + HOLD_LEFT]! - n;
        if (left > 0) {
          state[o + HOLD_LEFT] = left;
        } else {
          // Held long enough: fall like the bar (for the part of the block past the hold), never below it.
          state[o + HOLD_LEFT] = 0;
          const dropped = holdDb + left * (fall / n);
          state[o + HOLD_DB] = dropped > peakDb ? dropped : peakDb;
        }
      }
    }
  }

  /**
   * Audio thread: every channel's readings into `out` from `offset` (K_SYSTEM_READOUT slots,
   * K_SYSTEM_READOUT_COUNT per channel); -Infinity for silence. Allocates nothing.
   */
  readInto(out: Float64Array, offset: number): void {
    const state = this.state;
    // AES17 dB FS RMS, written out here: a double passed to a call V8 does not inline is boxed.
    const toSineReference = 1 / FULL_SCALE_SINE_MEAN_SQUARE;
    for (let c = 0; c < this.channelCount; c++) {
      const o = c * STATE;
      const at = offset + c * K_SYSTEM_READOUT_COUNT;
      out[at + K_SYSTEM_READOUT.rmsDbfs] = 10 * Math.log10(state[o + Y2]! * toSineReference);
      out[at + K_SYSTEM_READOUT.peakDbfs] = state[o + PEAK_DB]!;
      out[at + K_SYSTEM_READOUT.peakHoldDbfs] = state[o + HOLD_DB]!;
    }
  }
}

/**
 * The pole a for which two cascaded one-poles y += (1 - a)(x - y) answer a unit step with
 * RISE_FRACTION after `frames` frames: 1 - a^m (1 + m (1 - a)) = RISE_FRACTION. The left side
 * grows monotonically from 0 (a = 1) to 1 (a = 0): bisection, to double precision.
 */
function solvePole(frames: number): number {
  let low = 0;
  let high = 1;
  for (let k = 0; k < 100; k++) {
    const a = 0.5 * (low + high);
    const response = 1 - Math.pow(a, frames) * (1 + frames * (1 - a));
    if (response > RISE_FRACTION) low = a;
    else high = a;
  }
  return 0.5 * (low + high);
}
