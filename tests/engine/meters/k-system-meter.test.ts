import { describe, expect, it } from 'vitest';
import {
  K_SYSTEM_READOUT,
  K_SYSTEM_READOUT_COUNT,
  KSystemMeter,
} from '../../../engine/meters/k-system-meter.ts';
import { kReading, kScale, kZone } from '../../../engine/meters/k-scale.ts';
import { meanSquare, pinkishNoise, scaledToMeanSquare, sine } from './meter-signals.ts';

const RATE = 48000;
const RMS = K_SYSTEM_READOUT.rmsDbfs;
const PEAK = K_SYSTEM_READOUT.peakDbfs;
const HOLD = K_SYSTEM_READOUT.peakHoldDbfs;

/** Feeds `signal` (mono, into every channel) in blocks of `block`, calling `each` after every block. */
function feed(
  meter: KSystemMeter,
  signal: Float32Array,
  block: number,
  each?: (endFrame: number, out: Float64Array) => void,
): Float64Array {
  const out = new Float64Array(meter.channelCount * K_SYSTEM_READOUT_COUNT);
  for (let start = 0; start < signal.length; start += block) {
    const view = signal.subarray(start, Math.min(signal.length, start + block));
    meter.process(
      Array.from({ length: meter.channelCount }, () => view),
      view.length,
    );
    if (each !== undefined) {
      meter.readInto(out, 0);
      each(start + view.length, out);
    }
  }
  meter.readInto(out, 0);
  return out;
}

/** The defining equation of the averaging, solved here on its own: 1 - a^m (1 + m (1 - a)) = 0.99^2. */
function poleFor(frames: number): number {
  let low = 0;
  let high = 1;
  for (let k = 0; k < 200; k++) {
    const a = (low + high) / 2;
    if (1 - a ** frames * (1 + frames * (1 - a)) > 0.9801) low = a;
    else high = a;
  }
  return (low + high) / 2;
}

describe('KSystemMeter', () => {
  it('reads a sine at its AES17 RMS level, and so on the K scales', () => {
    // -20 dB FS RMS (AES17) is a sine of amplitude 0.1; 997 Hz so no period divides the block.
    const meter = new KSystemMeter(RATE, 2);
    const readings: number[] = [];
    feed(meter, sine(RATE * 3, 997, RATE, 0.1), 128, (end, out) => {
      if (end > RATE * 2) readings.push(out[RMS]!, out[K_SYSTEM_READOUT_COUNT + RMS]!);
    });
    const low = Math.min(...readings);
    const high = Math.max(...readings);
    console.log(
      `997 Hz at amplitude 0.1: ${low.toFixed(6)} .. ${high.toFixed(6)} dB FS RMS over the last second`,
    );
    expect(Math.abs(low + 20)).toBeLessThan(0.001);
    expect(Math.abs(high + 20)).toBeLessThan(0.001);
    expect(kReading(kScale('K-20'), high)).toBeCloseTo(0, 2);
    expect(kZone(kReading(kScale('K-20'), high))).toBe('amber');
    expect(kReading(kScale('K-14'), high)).toBeCloseTo(-6, 2);
    expect(kZone(kReading(kScale('K-14'), high))).toBe('green');
    // -7 dB FS RMS is +5 on K-12: red.
    const loud = feed(new KSystemMeter(RATE, 1), sine(RATE * 3, 997, RATE, 10 ** (-7 / 20)), 128);
    expect(kReading(kScale('K-12'), loud[RMS]!)).toBeCloseTo(5, 2);
    expect(kZone(kReading(kScale('K-12'), loud[RMS]!))).toBe('red');
  });

  it('reaches 99 % of the final RMS reading 300 ms after a step, whatever the rate', () => {
    for (const rate of [44100, 48000, 96000]) {
      const meter = new KSystemMeter(rate, 1);
      const m = Math.round(0.3 * rate);
      // A DC step of 0.5 is a true step of the mean square (0.25: +3.01 - 6.02 = -3.0103 dB FS RMS).
      const at300 = feed(meter, new Float32Array(m).fill(0.5), 1000)[RMS]!;
      const final = feed(meter, new Float32Array(rate * 5).fill(0.5), 1000)[RMS]!;
      const expectedFinal = 10 * Math.log10(2 * 0.25);
      expect(Math.abs(final - expectedFinal)).toBeLessThan(1e-9);
      expect(Math.abs(at300 - final - 20 * Math.log10(0.99))).toBeLessThan(1e-6);
    }
    // A sine burst, as the VU standard specifies it: 99 % at 300 ms within its ripple.
    const meter = new KSystemMeter(RATE, 1);
    const at300 = feed(meter, sine(RATE * 0.3, 1000, RATE, 0.5), 120)[RMS]!;
    expect(Math.abs(at300 - (20 * Math.log10(0.5) + 20 * Math.log10(0.99)))).toBeLessThan(0.005);
    // The slow alternative: 99 % at 600 ms.
    const slow = new KSystemMeter(RATE, 1, { integrationSeconds: 0.6 });
    const at600 = feed(slow, new Float32Array(RATE * 0.6).fill(0.5), 128)[RMS]!;
    expect(Math.abs(at600 - (10 * Math.log10(0.5) + 20 * Math.log10(0.99)))).toBeLessThan(1e-6);
  });

  it('follows the critically damped average exactly on pink-ish noise (direct convolution)', () => {
    // Pink-ish noise at -20 dB FS RMS (AES17): reads 0 on K-20 on average.
    const noise = scaledToMeanSquare(pinkishNoise(RATE * 12, 7), 0.5 * 10 ** (-20 / 10));
    const meter = new KSystemMeter(RATE, 1);
    const a = poleFor(0.3 * RATE);
    // Impulse response of the two one-poles in cascade: h[k] = (1 - a)^2 (k + 1) a^k.
    const length = Math.ceil(Math.log(1e-15) / Math.log(a)) + 2000;
    const expectedAt = (n: number): number => {
      let sum = 0;
      let ak = 1;
      for (let k = 0; k < length && k <= n; k++) {
        const x = noise[n - k]!;
        sum += (k + 1) * ak * x * x;
        ak *= a;
      }
      return 10 * Math.log10(2 * (1 - a) ** 2 * sum);
    };
    let worst = 0;
    let powerSum = 0;
    let count = 0;
    let low = Infinity;
    let high = -Infinity;
    feed(meter, noise, 480, (end, out) => {
      if (end % (RATE / 2) === 0 && end > RATE) {
        worst = Math.max(worst, Math.abs(out[RMS]! - expectedAt(end - 1)));
      }
      if (end > 2 * RATE) {
        powerSum += 10 ** (out[RMS]! / 10);
        count++;
        low = Math.min(low, out[RMS]!);
        high = Math.max(high, out[RMS]!);
      }
    });
    const averageDb = 10 * Math.log10(powerSum / count);
    const trueDb = 10 * Math.log10(2 * meanSquare(noise, 2 * RATE - 0.3 * RATE * 3));
    console.log(
      `pink-ish noise at -20 dB FS RMS: reading vs direct convolution ${worst.toExponential(2)} dB; ` +
        `K-20 ${(low + 20).toFixed(2)} .. ${(high + 20).toFixed(2)}, mean power ${(averageDb + 20).toFixed(3)}; ` +
        `true ${(trueDb + 20).toFixed(3)}`,
    );
    expect(worst).toBeLessThan(1e-6);
    expect(Math.abs(averageDb - trueDb)).toBeLessThan(0.05);
    expect(Math.abs(kReading(kScale('K-20'), averageDb))).toBeLessThan(0.1);
  });

  it('peak bar: instant rise, falls 26 dB in 3 s; hold marker: held 2 s, then falls', () => {
    const meter = new KSystemMeter(RATE, 1);
    const block = 480;
    const signal = new Float32Array(RATE * 4);
    signal[100] = -0.5;
    const trace: { end: number; peak: number; hold: number }[] = [];
    feed(meter, signal, block, (end, out) => trace.push({ end, peak: out[PEAK]!, hold: out[HOLD]! }));
    const impulse = 20 * Math.log10(0.5);
    const fallPerFrame = 26 / 3 / RATE;
    const first = trace[0]!;
    expect(first.peak).toBeCloseTo(impulse, 12);
    expect(first.hold).toBeCloseTo(impulse, 12);
    for (const { end, peak, hold } of trace) {
      const since = end - block; // frames since the end of the block with the impulse
      expect(peak).toBeCloseTo(impulse - since * fallPerFrame, 9);
      const holdFrames = 2 * RATE;
      expect(hold).toBeCloseTo(
        since <= holdFrames ? impulse : impulse - (since - holdFrames) * fallPerFrame,
        9,
      );
    }
    const oneSecond = trace.find((t) => t.end === RATE + block)!;
    expect(oneSecond.peak).toBeCloseTo(impulse - 26 / 3, 9);
    expect(oneSecond.hold).toBe(impulse);
  });

  it('infinite hold keeps the largest peak until resetPeakHold; a smaller peak never lowers it', () => {
    const meter = new KSystemMeter(RATE, 1, { peakHoldSeconds: Infinity });
    const signal = new Float32Array(RATE * 10);
    signal[1000] = 0.9;
    signal[RATE * 5] = 0.2;
    const out = feed(meter, signal, 128);
    expect(out[HOLD]).toBeCloseTo(20 * Math.log10(0.9), 6);
    expect(out[PEAK]).toBeLessThan(20 * Math.log10(0.2) - (26 / 3) * 4.9);
    meter.resetPeakHold();
    meter.readInto(out, 0);
    expect(out[HOLD]).toBe(-Infinity);
    const next = feed(meter, sine(128, 1000, RATE, 0.25, Math.PI / 2), 128);
    expect(next[HOLD]).toBeCloseTo(20 * Math.log10(0.25), 6);
  });

  it('measures NaN and Infinity as 0, reads -Infinity for silence, and decays to exactly 0 (no subnormals)', () => {
    const meter = new KSystemMeter(RATE, 2);
    const left = sine(RATE, 1000, RATE, 0.5);
    left[10] = Number.NaN;
    left[20] = Infinity;
    meter.process([left, left], RATE);
    const out = new Float64Array(2 * K_SYSTEM_READOUT_COUNT);
    meter.readInto(out, 0);
    expect(Number.isFinite(out[RMS])).toBe(true);
    expect(out[PEAK]).toBeCloseTo(20 * Math.log10(0.5), 4);
    // A missing channel is silence.
    const single = new KSystemMeter(RATE, 2);
    single.process([left], RATE);
    single.readInto(out, 0);
    expect(out[K_SYSTEM_READOUT_COUNT + RMS]).toBe(-Infinity);
    // 60 s of silence later the averaging state is exactly 0.
    const silence = new Float32Array(RATE);
    for (let s = 0; s < 60; s++) meter.process([silence, silence], RATE);
    meter.readInto(out, 0);
    expect(out[RMS]).toBe(-Infinity);
    meter.reset();
    meter.readInto(out, 0);
    expect([out[RMS], out[PEAK], out[HOLD]]).toEqual([-Infinity, -Infinity, -Infinity]);
  });
});
