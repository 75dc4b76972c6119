import { describe, expect, it } from 'vitest';
import { consoleParamSpecs, fromNormalized, toNormalized, type ParamSpec } from '../../engine/index.ts';

const specs = consoleParamSpecs(1);
const byId = (id: string): ParamSpec => specs.find((spec) => spec.id === id)!;
const [fader, pan, mute] = [byId('strip/01/fader'), byId('strip/01/pan'), byId('strip/01/mute')];

describe('faderdB taper (Ardour law: ((6 log2 g + 192) / 198)^8)', () => {
  it('puts 0 dB near 78 % and +6.02 dB (g = 2) at the top', () => {
    expect(toNormalized(fader, 0)).toBeCloseTo(Math.pow(192 / 198, 8), 12);
    expect(toNormalized(fader, 0)).toBeCloseTo(0.7818, 4);
    expect(toNormalized(fader, 6)).toBeCloseTo(
      Math.pow((6 * Math.log2(Math.pow(10, 6 / 20)) + 192) / 198, 8),
      12,
    );
    expect(fromNormalized(fader, 1)).toBe(6);
  });
  it('maps -inf (the floor) to 0 and back', () => {
    expect(toNormalized(fader, -144)).toBe(0);
    expect(fromNormalized(fader, 0)).toBe(-144);
  });
  it('matches the law at -20 dB and round-trips across the travel', () => {
    const g = Math.pow(10, -20 / 20);
    expect(toNormalized(fader, -20)).toBeCloseTo(Math.pow((6 * Math.log2(g) + 192) / 198, 8), 12);
    for (const db of [-80, -40, -12.5, -3, 0, 3, 5.9])
      expect(fromNormalized(fader, toNormalized(fader, db))).toBeCloseTo(db, 9);
  });
  it('clamps positions outside 0..1', () => {
    expect(fromNormalized(fader, 1.5)).toBe(6);
    expect(fromNormalized(fader, -1)).toBe(-144);
  });
});

describe('linear, stepped and log tapers', () => {
  it('pan is linear over -1..1', () => {
    expect(toNormalized(pan, 0)).toBe(0.5);
    expect(fromNormalized(pan, 0.25)).toBe(-0.5);
  });
  it('mute is two steps with the threshold halfway', () => {
    expect(fromNormalized(mute, 0.49)).toBe(0);
    expect(fromNormalized(mute, 0.51)).toBe(1);
    expect(toNormalized(mute, 1)).toBe(1);
  });
  it('log spreads decades evenly', () => {
    const frequency: ParamSpec = {
      id: 'f',
      label: 'f',
      unit: 'Hz',
      min: 20,
      max: 20000,
      default: 1000,
      taper: 'log',
      smoothingMs: 0,
    };
    expect(toNormalized(frequency, 200)).toBeCloseTo(1 / 3, 12);
    expect(fromNormalized(frequency, 2 / 3)).toBeCloseTo(2000, 9);
  });
});
