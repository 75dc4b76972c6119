import { describe, expect, it } from 'vitest';
import { LOUDNESS_READOUT, LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';
import { measureLoudness } from '../../../engine/meters/loudness/measure-loudness.ts';
import { tone } from '../../support/ebu-signals.ts';

const RATE = 48000;

describe('LoudnessMeter behaviour', () => {
  it('reads -Infinity before any audio and after reset', () => {
    const meter = new LoudnessMeter(RATE, 2);
    const empty = meter.snapshot();
    for (const key of [
      'momentary',
      'shortTerm',
      'integrated',
      'loudnessRange',
      'maxMomentary',
      'maxShortTerm',
    ] as const) {
      expect(empty[key], key).toBe(-Infinity);
    }
    const audio = tone(RATE, 2, [{ seconds: 5, db: -23 }]);
    meter.process(audio.channels, audio.channels[0]!.length);
    expect(meter.integrated()).toBeGreaterThan(-24);
    meter.reset();
    expect(meter.integrated()).toBe(-Infinity);
    expect(meter.maxMomentary()).toBe(-Infinity);
    expect(meter.snapshot().seconds).toBe(0);
  });

  it('starts max M after the first full 0.4 s and max S after 3 s', () => {
    const meter = new LoudnessMeter(RATE, 2);
    const audio = tone(RATE, 2, [{ seconds: 4, db: -23 }]);
    const feed = (from: number, to: number): void => {
      meter.process(
        audio.channels.map((c) => c.subarray(Math.round(from * RATE), Math.round(to * RATE))),
        Math.round(to * RATE) - Math.round(from * RATE),
      );
    };
    feed(0, 0.39);
    expect(meter.momentary()).toBeGreaterThan(-24); // partial window, read as if preceded by silence
    expect(meter.maxMomentary()).toBe(-Infinity);
    feed(0.39, 0.4);
    expect(Math.abs(meter.maxMomentary() - -22.993)).toBeLessThan(0.01);
    feed(0.4, 2.99);
    expect(meter.maxShortTerm()).toBe(-Infinity);
    feed(2.99, 3);
    expect(Math.abs(meter.maxShortTerm() - -22.993)).toBeLessThan(0.01);
  });

  it('gives the same readings whatever the block size, including odd ones', () => {
    const audio = tone(RATE, 2, [
      { seconds: 3, db: -30 },
      { seconds: 4, db: -18 },
    ]);
    const whole = measureLoudness(audio);
    const meter = new LoudnessMeter(RATE, 2);
    const frames = audio.channels[0]!.length;
    for (let start = 0, size = 1; start < frames; start += size, size = (size * 7 + 3) % 1000) {
      const end = Math.min(frames, start + size);
      meter.process(
        audio.channels.map((c) => c.subarray(start, end)),
        end - start,
      );
    }
    expect(meter.integrated()).toBeCloseTo(whole.integrated, 9);
    expect(meter.maxMomentary()).toBeCloseTo(whole.maxMomentary, 9);
    expect(meter.maxShortTerm()).toBeCloseTo(whole.maxShortTerm, 9);
  });

  it('measures NaN and Infinity samples as 0 and counts them', () => {
    const audio = tone(RATE, 2, [{ seconds: 10, db: -23 }]);
    let bad = 0;
    for (let i = 1000; i < audio.channels[0]!.length; i += 4801) {
      audio.channels[0]![i] = NaN;
      audio.channels[1]![i + 7] = i % 2 ? Infinity : -Infinity;
      bad += 2;
    }
    const meter = new LoudnessMeter(RATE, 2);
    meter.process(audio.channels, audio.channels[0]!.length);
    expect(Math.abs(meter.integrated() - -22.993)).toBeLessThan(0.01);
    expect(meter.snapshot().nonFiniteSamples).toBe(bad);
  });

  it('never throws on missing channels, short channels or silly frame counts', () => {
    const meter = new LoudnessMeter(RATE, 2);
    const one = new Float32Array(480).fill(0.1);
    expect(() => {
      meter.process([one], 480);
      meter.process([one, new Float32Array(10)], 480);
      meter.process([], 480);
      meter.process([one, one], -5);
      meter.process([one, one], NaN);
      meter.process([one, one], 1e9);
    }).not.toThrow();
    expect(Number.isNaN(meter.momentary())).toBe(false);
  });

  it('recovers from absurd finite samples that overflow the filter', () => {
    const meter = new LoudnessMeter(RATE, 1);
    const huge = new Float32Array(4800).fill(3e38);
    meter.process([huge], huge.length);
    const audio = tone(RATE, 1, [{ seconds: 5, db: -23 }], 997);
    meter.process(audio.channels, audio.channels[0]!.length);
    expect(Number.isNaN(meter.momentary())).toBe(false);
    expect(Math.abs(meter.momentary() - -26.01)).toBeLessThan(0.01);
  });

  it('goes quiet (exactly -Infinity, no subnormal tail) in silence after a full-scale burst', () => {
    const meter = new LoudnessMeter(RATE, 2);
    const burst = tone(RATE, 2, [{ seconds: 1, db: 0 }], 40);
    meter.process(burst.channels, burst.channels[0]!.length);
    const silence = new Float32Array(RATE);
    // The blocks still overlapping the burst enter the integrated reading; after 4 s none do.
    for (let s = 0; s < 4; s++) meter.process([silence, silence], RATE);
    const integrated = meter.integrated();
    expect(integrated).toBeGreaterThan(-10);
    for (let s = 0; s < 30; s++) meter.process([silence, silence], RATE);
    expect(meter.momentary()).toBe(-Infinity);
    expect(meter.shortTerm()).toBe(-Infinity);
    expect(meter.integrated()).toBe(integrated);
  });

  it('weights 6 channels as L R C LFE Ls Rs, LFE excluded, and honours explicit weights', () => {
    const five = tone(RATE, 5, [{ seconds: 10, db: [-28, -28, -24, -30, -30] }]).channels;
    const lfe = tone(RATE, 1, [{ seconds: 10, db: 0 }], 60).channels[0]!;
    const six = [five[0]!, five[1]!, five[2]!, lfe, five[3]!, five[4]!];
    const { integrated } = measureLoudness({ sampleRate: RATE, channels: six });
    expect(Math.abs(integrated - -23.016)).toBeLessThan(0.01);
    const dualMono = measureLoudness(tone(RATE, 1, [{ seconds: 10, db: -23 }], 997), { channelWeights: [2] });
    expect(Math.abs(dualMono.integrated - -23)).toBeLessThan(0.01);
  });

  it('readInto fills the documented slots', () => {
    const meter = new LoudnessMeter(RATE, 2);
    const audio = tone(RATE, 2, [{ seconds: 4, db: -23 }]);
    meter.process(audio.channels, audio.channels[0]!.length);
    const out = new Float64Array(6);
    meter.readInto(out);
    expect(out[LOUDNESS_READOUT.momentary]).toBe(meter.momentary());
    expect(out[LOUDNESS_READOUT.shortTerm]).toBe(meter.shortTerm());
    expect(out[LOUDNESS_READOUT.integrated]).toBe(meter.integrated());
    expect(out[LOUDNESS_READOUT.loudnessRange]).toBe(meter.loudnessRange());
    expect(out[LOUDNESS_READOUT.maxMomentary]).toBe(meter.maxMomentary());
    expect(out[LOUDNESS_READOUT.maxShortTerm]).toBe(meter.maxShortTerm());
  });
});
