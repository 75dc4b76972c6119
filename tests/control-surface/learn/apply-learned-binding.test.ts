import { describe, expect, it } from 'vitest';
import {
  applyLearnedBinding,
  feedbackBytes,
  feedbackValue,
  learnedFeedback,
} from '../../../control-surface/learn/apply-learned-binding.ts';
import type { LearnedBinding, LearnedMode } from '../../../control-surface/learn/learned-binding.ts';
import type { MidiSource } from '../../../control-surface/learn/midi-source.ts';
import type { SourceEvent } from '../../../control-surface/learn/source-event.ts';
import { consoleParams } from './learn-streams.ts';

const params = consoleParams(2);
const fader = params.spec('strip/01/fader');
const ceiling = params.spec('master/limiter/ceiling');
const release = params.spec('master/limiter/release');
const mute = params.spec('strip/01/mute');

const cc = (controller: number, value: number, channel = 0): SourceEvent => ({
  kind: 'cc',
  channel,
  controller,
  value,
});
const bind = (param: string, source: MidiSource, mode: LearnedMode): LearnedBinding => ({
  param,
  source,
  mode,
});

/** Ardour's fader law, written out here so the test does not lean on the engine's own code. */
const ardourPosition = (db: number): number =>
  Math.pow((6 * Math.log2(Math.pow(10, db / 20)) + 192) / 198, 8);
const ardourDb = (position: number): number =>
  (20 * ((Math.pow(position, 1 / 8) * 198 - 192) / 6)) / Math.log2(10);

describe('absolute mode: range and taper', () => {
  const faderCc7 = bind(
    'strip/01/fader',
    { kind: 'cc', channel: 0, controller: 7 },
    { kind: 'absolute', terms: 'plain', min: -20, max: 0, taper: 'param' },
  );

  it('a fader bound to strip/01/fader over -20..0 dB: CC 0 -> -20 dB, 127 -> 0 dB exactly', () => {
    expect(applyLearnedBinding(faderCc7, cc(7, 0), 0, fader)).toBe(-20);
    expect(applyLearnedBinding(faderCc7, cc(7, 127), -50, fader)).toBe(0);
  });

  it("in between, the parameter's fader law spreads the travel (not linear in dB)", () => {
    const lo = ardourPosition(-20);
    const hi = ardourPosition(0);
    for (const v of [1, 32, 64, 100, 126]) {
      const expected = ardourDb(lo + (v / 127) * (hi - lo));
      expect(applyLearnedBinding(faderCc7, cc(7, v), 0, fader)).toBeCloseTo(expected, 9);
    }
    // Half way along the travel is about -8.3 dB on this law, not -10.
    const mid = applyLearnedBinding(faderCc7, cc(7, 64), 0, fader)!;
    expect(mid).toBeGreaterThan(-9);
    expect(mid).toBeLessThan(-7.5);
    // Monotonic over all 128 values.
    const values = Array.from({ length: 128 }, (_, v) => applyLearnedBinding(faderCc7, cc(7, v), 0, fader)!);
    for (let v = 1; v < 128; v++) expect(values[v]!).toBeGreaterThan(values[v - 1]!);
  });

  it('a linear override is linear in dB; a log override is log in plain units', () => {
    const linear = bind('strip/01/fader', faderCc7.source, {
      kind: 'absolute',
      terms: 'plain',
      min: -20,
      max: 0,
      taper: 'linear',
    });
    expect(applyLearnedBinding(linear, cc(7, 64), 0, fader)).toBeCloseTo(-20 + (20 * 64) / 127, 12);
    const log = bind('master/limiter/release', faderCc7.source, {
      kind: 'absolute',
      terms: 'plain',
      min: 10,
      max: 500,
      taper: 'log',
    });
    expect(applyLearnedBinding(log, cc(7, 64), 50, release)).toBeCloseTo(10 * Math.pow(50, 64 / 127), 9);
    expect(applyLearnedBinding(log, cc(7, 127), 50, release)).toBe(500);
  });

  it('normalized terms and an inverted range', () => {
    const normalized = bind('strip/01/pan', faderCc7.source, {
      kind: 'absolute',
      terms: 'normalized',
      min: 0.25,
      max: 0.75,
      taper: 'param',
    });
    const pan = params.spec('strip/01/pan'); // -1..1 linear
    expect(applyLearnedBinding(normalized, cc(7, 0), 0, pan)).toBe(-0.5);
    expect(applyLearnedBinding(normalized, cc(7, 127), 0, pan)).toBe(0.5);
    const inverted = bind('strip/01/pan', faderCc7.source, {
      kind: 'absolute',
      terms: 'plain',
      min: 1,
      max: -1,
      taper: 'linear',
    });
    expect(applyLearnedBinding(inverted, cc(7, 0), 0, pan)).toBe(1);
    expect(applyLearnedBinding(inverted, cc(7, 127), 0, pan)).toBe(-1);
  });

  it('14-bit sources use their full scale; NRPN values match their resolution only', () => {
    const full = { kind: 'absolute', terms: 'plain', min: -1, max: 1, taper: 'linear' } as const;
    const pan = params.spec('strip/01/pan');
    const pair = bind('strip/01/pan', { kind: 'cc14', channel: 0, controller: 1 }, full);
    expect(applyLearnedBinding(pair, { kind: 'cc14', channel: 0, controller: 1, value: 16383 }, 0, pan)).toBe(
      1,
    );
    expect(
      applyLearnedBinding(pair, { kind: 'cc14', channel: 0, controller: 1, value: 8192 }, 0, pan),
    ).toBeCloseTo(1 / 16383, 12);
    // The plain CC 1 (the MSB alone) does not drive a 14-bit binding.
    expect(applyLearnedBinding(pair, cc(1, 64), 0, pan)).toBeNull();
    const bend = bind('strip/01/pan', { kind: 'pitchBend', channel: 3 }, full);
    expect(applyLearnedBinding(bend, { kind: 'pitchBend', channel: 3, value: 0 }, 0, pan)).toBe(-1);
    expect(applyLearnedBinding(bend, { kind: 'pitchBend', channel: 2, value: 0 }, 0, pan)).toBeNull();
    const nrpn14 = bind('strip/01/pan', { kind: 'nrpn', channel: 0, parameter: 5, resolution: 14 }, full);
    const msbOnly: SourceEvent = { kind: 'nrpn', channel: 0, parameter: 5, msb: 127, lsb: null };
    const complete: SourceEvent = { kind: 'nrpn', channel: 0, parameter: 5, msb: 127, lsb: 127 };
    expect(applyLearnedBinding(nrpn14, msbOnly, 0, pan)).toBeNull();
    expect(applyLearnedBinding(nrpn14, complete, 0, pan)).toBe(1);
    const nrpn7 = bind('strip/01/pan', { kind: 'nrpn', channel: 0, parameter: 5, resolution: 7 }, full);
    expect(applyLearnedBinding(nrpn7, msbOnly, 0, pan)).toBe(1);
    expect(applyLearnedBinding(nrpn7, complete, 0, pan)).toBeNull();
  });
});

describe('relative mode: the limiter ceiling on an endless encoder', () => {
  const source = { kind: 'relativeCc', channel: 0, controller: 16, encoding: 'signMagnitude' } as const;
  const tenth = bind('master/limiter/ceiling', source, {
    kind: 'relative',
    terms: 'plain',
    step: 0.1,
    acceleration: false,
    min: -6,
    max: -0.3,
  });
  const turn = (binding: LearnedBinding, from: number, values: readonly number[]): number => {
    let value = from;
    for (const v of values) value = applyLearnedBinding(binding, cc(16, v), value, ceiling) ?? value;
    return value;
  };

  it('0.1 dB per detent, exactly, and never past its bound (-0.3 dBFS) however far it turns', () => {
    expect(turn(tenth, -1, [1, 1, 1, 1, 1])).toBe(-0.5);
    expect(turn(tenth, -1, [1, 1, 1, 1, 1, 1, 1])).toBe(-0.3);
    expect(
      turn(
        tenth,
        -1,
        Array.from({ length: 50 }, () => 1),
      ),
    ).toBe(-0.3);
    expect(turn(tenth, -0.3, [0x41, 0x41, 0x41])).toBe(-0.6);
    expect(
      turn(
        tenth,
        -5.8,
        Array.from({ length: 10 }, () => 0x41),
      ),
    ).toBe(-6);
  });

  it('repeated steps land on the step grid, exactly, also at zero', () => {
    const unbounded = bind('master/limiter/ceiling', source, {
      kind: 'relative',
      terms: 'plain',
      step: 0.1,
      acceleration: false,
    });
    expect(turn(unbounded, -0.7, [1, 1, 1, 1])).toBe(-0.3);
    expect(Object.is(turn(unbounded, -0.3 + 1e-15, [1, 1, 1]), 0)).toBe(true);
    expect(turn(unbounded, -0.3, [1, 1, 1, 1, 1])).toBe(0); // the parameter's own top
  });

  it('without acceleration a fast turn (5 detents in one message) is one step; with it, five', () => {
    expect(turn(tenth, -1, [5])).toBe(-0.9);
    const accelerated = bind('master/limiter/ceiling', source, {
      ...tenth.mode,
      acceleration: true,
    } as LearnedMode);
    expect(turn(accelerated, -1, [5])).toBe(-0.5);
    expect(turn(accelerated, -1, [0x43])).toBe(-1.3);
  });

  it('a value set elsewhere beyond the bound is not pulled back against the turn', () => {
    expect(turn(tenth, -0.1, [1])).toBe(-0.1);
    expect(turn(tenth, -0.1, [0x41])).toBe(-0.2);
  });

  it('a zero move (value 0 or 64 in sign-magnitude) changes nothing', () => {
    expect(applyLearnedBinding(tenth, cc(16, 0), -1, ceiling)).toBeNull();
    expect(applyLearnedBinding(tenth, cc(16, 64), -1, ceiling)).toBeNull();
  });

  it('normalized steps follow the parameter taper; NRPN increments step by one', () => {
    const normalized = bind('master/limiter/ceiling', source, {
      kind: 'relative',
      terms: 'normalized',
      step: 0.01,
      acceleration: true,
    });
    // -12..0 dB linear: 1 % of the travel is 0.12 dB.
    expect(turn(normalized, -1, [1])).toBeCloseTo(-0.88, 12);
    const nrpn = bind(
      'master/limiter/ceiling',
      { kind: 'nrpn', channel: 0, parameter: 10240, resolution: 7 },
      tenth.mode,
    );
    const step = (delta: 1 | -1): SourceEvent => ({ kind: 'nrpnStep', channel: 0, parameter: 10240, delta });
    expect(applyLearnedBinding(nrpn, step(1), -1, ceiling)).toBe(-0.9);
    expect(applyLearnedBinding(nrpn, step(-1), -1, ceiling)).toBe(-1.1);
  });
});

describe('toggle and momentary', () => {
  const note = { kind: 'note', channel: 0, note: 36 } as const;
  const on = (velocity = 100): SourceEvent => ({
    kind: 'note',
    channel: 0,
    note: 36,
    velocity,
    on: velocity > 0,
  });
  const off: SourceEvent = { kind: 'note', channel: 0, note: 36, velocity: 0, on: false };

  it('toggle flips on each press and ignores releases', () => {
    const toggle = bind('strip/01/mute', note, { kind: 'toggle' });
    expect(applyLearnedBinding(toggle, on(), 0, mute)).toBe(1);
    expect(applyLearnedBinding(toggle, on(), 1, mute)).toBe(0);
    expect(applyLearnedBinding(toggle, off, 1, mute)).toBeNull();
    const ccButton = bind('strip/01/mute', { kind: 'cc', channel: 0, controller: 64 }, { kind: 'toggle' });
    expect(applyLearnedBinding(ccButton, cc(64, 127), 0, mute)).toBe(1);
    expect(applyLearnedBinding(ccButton, cc(64, 0), 1, mute)).toBeNull();
  });

  it('momentary holds the maximum while pressed', () => {
    const momentary = bind('strip/01/mute', note, { kind: 'momentary' });
    expect(applyLearnedBinding(momentary, on(), 0, mute)).toBe(1);
    expect(applyLearnedBinding(momentary, off, 1, mute)).toBe(0);
    expect(applyLearnedBinding(momentary, { ...off, velocity: 64 }, 1, mute)).toBe(0);
  });
});

describe('feedback to motorised and LED controllers', () => {
  it('the value a CC gives comes back as that CC value, for all 128 (fader law, -20..0 dB)', () => {
    const binding = bind(
      'strip/01/fader',
      { kind: 'cc', channel: 0, controller: 7 },
      { kind: 'absolute', terms: 'plain', min: -20, max: 0, taper: 'param' },
    );
    for (let v = 0; v < 128; v++) {
      const value = applyLearnedBinding(binding, cc(7, v), 0, fader)!;
      expect(feedbackValue(binding, value, fader)).toBe(v);
    }
    // Beyond the range the control rests at its end.
    expect(feedbackValue(binding, 6, fader)).toBe(127);
    expect(feedbackValue(binding, -144, fader)).toBe(0);
  });

  it('bytes per source kind; none for encoders', () => {
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(feedbackBytes({ kind: 'cc', channel: 2, controller: 7 }, 100))).toBe('b20764');
    expect(hex(feedbackBytes({ kind: 'cc14', channel: 0, controller: 7 }, 12808))).toBe('b00764b02708');
    expect(hex(feedbackBytes({ kind: 'pitchBend', channel: 1 }, 12808))).toBe('e10864');
    expect(hex(feedbackBytes({ kind: 'nrpn', channel: 0, parameter: 0x285, resolution: 14 }, 0x3fff))).toBe(
      'b06305b06205b0067fb0267f',
    );
    expect(hex(feedbackBytes({ kind: 'nrpn', channel: 0, parameter: 5, resolution: 7 }, 64))).toBe(
      'b06300b06205b00640',
    );
    expect(hex(feedbackBytes({ kind: 'note', channel: 0, note: 36 }, 127))).toBe('90247f');
    expect(
      feedbackBytes({ kind: 'relativeCc', channel: 0, controller: 16, encoding: 'offset64' }, 5).length,
    ).toBe(0);
    const toggle = bind('strip/01/mute', { kind: 'note', channel: 0, note: 36 }, { kind: 'toggle' });
    expect(feedbackValue(toggle, 1, mute)).toBe(127);
    expect(feedbackValue(toggle, 0, mute)).toBe(0);
    const encoder = bind(
      'master/limiter/ceiling',
      { kind: 'relativeCc', channel: 0, controller: 16, encoding: 'offset64' },
      { kind: 'relative', terms: 'plain', step: 0.1, acceleration: false },
    );
    expect(feedbackValue(encoder, -1, ceiling)).toBeNull();
    expect(learnedFeedback(encoder, -1, ceiling)).toBeNull();
    expect(hex(learnedFeedback(toggle, 1, mute)!)).toBe('90247f');
  });
});
