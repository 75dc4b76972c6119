import { describe, expect, it } from 'vitest';
import { LoudnessHistory } from '../../../engine/meters/loudness-history.ts';
import {
  LOUDNESS_READOUT,
  LOUDNESS_READOUT_COUNT,
  LoudnessMeter,
} from '../../../engine/meters/loudness/loudness-meter.ts';
import { sine } from './meter-signals.ts';

function readout(momentary: number, shortTerm: number): Float64Array {
  const out = new Float64Array(LOUDNESS_READOUT_COUNT);
  out[LOUDNESS_READOUT.momentary] = momentary;
  out[LOUDNESS_READOUT.shortTerm] = shortTerm;
  return out;
}

describe('LoudnessHistory', () => {
  it('keeps the newest `capacity` entries, oldest first, the oldest dropped when full', () => {
    const history = LoudnessHistory.create(5, 4800);
    const reader = LoudnessHistory.attach(history.buffer, 5);
    const m = new Float64Array(8);
    const s = new Float64Array(8);
    expect(reader.readInto(m, s)).toBe(0);
    for (let k = 0; k < 3; k++) history.push(readout(-30 + k, -40 + k));
    expect(reader.readInto(m, s)).toBe(3);
    expect(Array.from(m.subarray(0, 3))).toEqual([-30, -29, -28]);
    expect(Array.from(s.subarray(0, 3))).toEqual([-40, -39, -38]);
    for (let k = 3; k < 8; k++) history.push(readout(-30 + k, -40 + k));
    expect(reader.count()).toBe(5);
    expect(reader.readInto(m, s)).toBe(5);
    expect(Array.from(m.subarray(0, 5))).toEqual([-27, -26, -25, -24, -23]);
    expect(Array.from(s.subarray(0, 5))).toEqual([-37, -36, -35, -34, -33]);
    // A shorter output takes the newest.
    const few = new Float64Array(2);
    expect(reader.readInto(few, new Float64Array(2))).toBe(2);
    expect(Array.from(few)).toEqual([-24, -23]);
    history.clear();
    expect(reader.readInto(m, s)).toBe(0);
  });

  it('appends one entry per 100 ms of audio, whatever the block size', () => {
    const period = LoudnessHistory.periodFramesFor(48000);
    expect(period).toBe(4800);
    for (const block of [128, 1000, 4800, 20000]) {
      const history = LoudnessHistory.create(6000, period);
      const values = readout(-20, -21);
      let frames = 0;
      while (frames + block <= 48000 * 3) {
        history.advance(values, block);
        frames += block;
      }
      expect(history.count()).toBe(Math.floor(frames / period));
    }
    // Ten minutes at 10 Hz fill 6000 entries exactly.
    const tenMinutes = LoudnessHistory.create(6000, period);
    const values = readout(-20, -21);
    for (let k = 0; k < (600 * 48000) / 128; k++) tenMinutes.advance(values, 128);
    expect(tenMinutes.count()).toBe(6000);
  });

  it('records a LoudnessMeter: the short-term values as the meter read them every 100 ms', () => {
    const meter = new LoudnessMeter(48000, 1);
    const history = LoudnessHistory.create(100, 4800);
    const out = new Float64Array(LOUDNESS_READOUT_COUNT);
    // 5 s of 1 kHz rising 1 dB per second.
    const expected: number[] = [];
    for (let block = 0; block < 250; block++) {
      const level = 0.05 * 10 ** (Math.floor(block / 50) / 20);
      const tone = sine(960, 1000, 48000, level, (2 * Math.PI * 1000 * block * 960) / 48000);
      meter.process([tone], 960);
      meter.readInto(out);
      if ((block + 1) % 5 === 0) expected.push(out[LOUDNESS_READOUT.shortTerm]!);
      history.advance(out, 960);
    }
    const m = new Float64Array(100);
    const s = new Float64Array(100);
    const n = history.readInto(m, s);
    expect(n).toBe(50);
    expect(Array.from(s.subarray(0, n))).toEqual(expected);
    expect(s[n - 1]).toBeGreaterThan(s[n - 11]!);
  });
});
