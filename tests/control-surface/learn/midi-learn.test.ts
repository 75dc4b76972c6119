import { describe, expect, it } from 'vitest';
import { ccSweep, learnFrom, merge, random, range, type Timed } from './learn-streams.ts';

/** A 14-bit pair per move: MSB then LSB in one chunk, running status after the first. */
function pairStream(
  channel: number,
  msbCc: number,
  values: readonly number[],
  start = 0,
  everyMs = 10,
): Timed[] {
  return values.map(
    (v, i) => [start + i * everyMs, [0xb0 | channel, msbCc, v >> 7, msbCc + 32, v & 0x7f]] as const,
  );
}

describe('MIDI learn: 7-bit controllers, jitter and noise', () => {
  it('a fader on CC 7 wins over a jittering pot that started first, and over clock bytes', () => {
    const jitter = ccSweep(0, 10, [63, 64, 63, 64, 63, 64, 63, 64, 63, 64], 0, 7);
    const fader = ccSweep(0, 7, range(20, 40), 30, 10);
    const clock: Timed[] = range(0, 300, 20).map((t) => [t + 1, [0xf8]] as const);
    const run = learnFrom('strip/01/fader', merge(jitter, fader, clock));
    expect(run.result?.binding.source).toEqual({ kind: 'cc', channel: 0, controller: 7 });
    expect(run.result?.binding.mode).toEqual({
      kind: 'absolute',
      terms: 'plain',
      min: -144,
      max: 6,
      taper: 'param',
    });
    expect(run.result?.binding.port).toBe('Test Port');
    // 20, 21, 22, 23: travel 3 over four messages; the fourth settles that no LSB follows.
    expect(run.at).toBeLessThanOrEqual(30 + 4 * 10);
  });

  it('jitter alone (+-1 around a value) never qualifies', () => {
    // A pot sends on change only: 62..64 in a random walk, never the same value twice running.
    const next = random(7);
    const values = [63];
    while (values.length < 200) {
      const v = Math.max(62, Math.min(64, values[values.length - 1]! + (next() < 0.5 ? -1 : 1)));
      if (v !== values[values.length - 1]) values.push(v);
    }
    const jitter = ccSweep(2, 10, values);
    expect(learnFrom('strip/01/pan', jitter, {}, 5000).result).toBeNull();
  });

  it('a knob whose values could be encoder detents but never repeat is a knob after 8 values', () => {
    const run = learnFrom('strip/01/pan', ccSweep(0, 74, range(70, 80)));
    expect(run.result?.binding.source).toEqual({ kind: 'cc', channel: 0, controller: 74 });
    expect(run.at).toBe(70); // the 8th value (77) at 7 * 10 ms
    // Below 32 a controller may be a pair's MSB: decided once no LSB came within pairGapMs.
    const msb = learnFrom('strip/01/pan', ccSweep(0, 21, range(70, 80)));
    expect(msb.result?.binding.source).toEqual({ kind: 'cc', channel: 0, controller: 21 });
    expect(msb.at).toBe(70 + 3 + 1);
  });

  it('a button sending 127 then 0 is learned as a toggle on press and release', () => {
    const run = learnFrom('strip/01/mute', [
      [0, [0xb3, 64, 127]],
      [120, [0xb3, 64, 0]],
    ]);
    expect(run.result?.binding).toMatchObject({
      source: { kind: 'cc', channel: 3, controller: 64 },
      mode: { kind: 'toggle' },
    });
    expect(run.result?.shape).toBe('button');
    expect(run.at).toBe(120);
  });

  it('two 7-bit controls on CC 7 and CC 39 moved together are not a 14-bit pair', () => {
    // Two hands: each control every 10 ms, 4-6 ms apart, so CC 39 never follows CC 7 at once.
    const a = ccSweep(0, 7, range(30, 50), 0, 10);
    const b = ccSweep(0, 39, range(90, 70, -1), 5, 10);
    const run = learnFrom('strip/01/fader', merge(a, b));
    expect(run.result?.binding.source).toEqual({ kind: 'cc', channel: 0, controller: 7 });
  });

  it('a lone controller in the LSB range (CC 39) is learned as 7-bit once its MSB stays silent', () => {
    const run = learnFrom('strip/01/fader', ccSweep(0, 39, range(10, 30), 0, 10));
    expect(run.result?.binding.source).toEqual({ kind: 'cc', channel: 0, controller: 39 });
    expect(run.at).toBeGreaterThanOrEqual(200); // lsbWaitMs
  });
});

describe('MIDI learn: 14-bit pairs, pitch bend, notes', () => {
  it('an MSB/LSB pair (CC 1 / CC 33, running status) is one 14-bit control', () => {
    const run = learnFrom('strip/01/fader', pairStream(0, 1, range(5000, 6000, 37)));
    expect(run.result?.binding.source).toEqual({ kind: 'cc14', channel: 0, controller: 1 });
    expect(run.result?.evidence).toContain('followed directly by CC 33');
  });

  it('a slow 14-bit move that sends the LSB alone while the MSB holds is still the pair', () => {
    const stream: Timed[] = [];
    let lastMsb = -1;
    range(8000, 8600, 23).forEach((v, i) => {
      const bytes = v >> 7 === lastMsb ? [0xb1, 33, v & 0x7f] : [0xb1, 1, v >> 7, 33, v & 0x7f];
      lastMsb = v >> 7;
      stream.push([i * 10, bytes]);
    });
    const run = learnFrom('strip/01/fader', stream);
    expect(run.result?.binding.source).toEqual({ kind: 'cc14', channel: 1, controller: 1 });
  });

  it('armed mid-move (the first message is an LSB), the pair is still found', () => {
    const run = learnFrom('strip/01/fader', [
      [0, [0xb0, 33, 0x55]],
      ...pairStream(0, 1, range(3000, 4500, 150), 10),
    ]);
    expect(run.result?.binding.source).toEqual({ kind: 'cc14', channel: 0, controller: 1 });
  });

  it('pitch bend from a fader wins over its touch note; a wheel resting with jitter does not qualify', () => {
    const resting: Timed[] = range(0, 200, 10).map(
      (t, i) => [t, [0xe0, (8192 + (i % 3) - 1) & 0x7f, (8192 + (i % 3) - 1) >> 7]] as const,
    );
    expect(learnFrom('strip/01/fader', resting, {}, 3000).result).toBeNull();
    const touch: Timed[] = [[0, [0x90, 0x68, 0x7f]]];
    const move: Timed[] = range(4000, 9000, 250).map(
      (v, i) => [20 + i * 10, [0xe0, v & 0x7f, v >> 7]] as const,
    );
    const release: Timed[] = [[2000, [0x90, 0x68, 0x00]]];
    const run = learnFrom('strip/01/fader', merge(touch, move, release));
    expect(run.result?.binding.source).toEqual({ kind: 'pitchBend', channel: 0 });
    expect(run.result?.binding.mode.kind).toBe('absolute');
  });

  it('a pad (note on, note off) and a note with velocity-0 release are toggles', () => {
    const pad = learnFrom('strip/02/mute', [
      [0, [0x99, 36, 100]],
      [90, [0x89, 36, 64]],
    ]);
    expect(pad.result?.binding).toMatchObject({
      source: { kind: 'note', channel: 9, note: 36 },
      mode: { kind: 'toggle' },
    });
    const button = learnFrom('strip/02/solo', [
      [0, [0x90, 0x10, 0x7f]],
      [150, [0x90, 0x10, 0x00]],
    ]);
    expect(button.result?.binding.source).toEqual({ kind: 'note', channel: 0, note: 0x10 });
    expect(button.at).toBe(150);
    const held = learnFrom('strip/02/solo', [[0, [0x90, 0x11, 0x7f]]], {}, 2000);
    expect(held.at).toBe(1000); // noteSettleMs
  });
});

describe('MIDI learn: relative encoders in each encoding', () => {
  const turn = (controller: number, values: readonly number[]): Timed[] =>
    values.map((v, i) => [i * 15, [0xb0, controller, v]] as const);

  it("two's complement: 1, 1, 2, 1 then 127, 127", () => {
    const run = learnFrom('master/limiter/ceiling', turn(16, [1, 1, 2, 1, 127, 127]));
    expect(run.result?.binding.source).toEqual({
      kind: 'relativeCc',
      channel: 0,
      controller: 16,
      encoding: 'twosComplement',
    });
    expect(run.result?.alternatives).toEqual([]);
    expect(run.result?.binding.mode).toEqual({
      kind: 'relative',
      terms: 'normalized',
      step: 0.01,
      acceleration: true,
    });
  });

  it('sign-magnitude (Mackie style): 1, 1, 1 then 65, 65', () => {
    const run = learnFrom('master/limiter/ceiling', turn(17, [1, 1, 1, 65, 65]));
    expect(run.result?.binding.source).toMatchObject({ kind: 'relativeCc', encoding: 'signMagnitude' });
    expect(run.result?.alternatives).toEqual([]);
  });

  it('offset-64: 65, 65, 66 then 63, 63', () => {
    const run = learnFrom('master/limiter/ceiling', turn(18, [65, 65, 66, 63, 63]));
    expect(run.result?.binding.source).toMatchObject({ kind: 'relativeCc', encoding: 'offset64' });
  });

  it('turned one way only: waits for the other way, then takes the preferred encoding and names the other', () => {
    const run = learnFrom('master/limiter/ceiling', turn(19, [1, 1, 1, 1]), {}, 2000);
    expect(run.result?.binding.source).toMatchObject({ encoding: 'twosComplement' });
    expect(run.result?.alternatives).toEqual(['signMagnitude']);
    // Qualified at the third value (30 ms), decided encodingSettleMs later.
    expect(run.at).toBe(30 + 1000);
  });

  it('an encoder on a stepped parameter moves one choice per detent, in plain steps', () => {
    const run = learnFrom('master/dither/bits', turn(20, [1, 1, 1, 127]));
    expect(run.result?.binding.mode).toEqual({
      kind: 'relative',
      terms: 'plain',
      step: 1,
      acceleration: false,
    });
  });
});

describe('MIDI learn: NRPN', () => {
  it('NRPN with LSB (99, 98, 6, 38 per move) is a 14-bit NRPN', () => {
    const stream: Timed[] = range(2000, 4000, 300).map(
      (v, i) => [i * 10, [0xb4, 99, 0, 0xb4, 98, 5, 0xb4, 6, v >> 7, 0xb4, 38, v & 0x7f]] as const,
    );
    const run = learnFrom('strip/01/fader', stream);
    expect(run.result?.binding.source).toEqual({ kind: 'nrpn', channel: 4, parameter: 5, resolution: 14 });
  });

  it('NRPN without LSB (running status, 99 98 6) is a 7-bit NRPN', () => {
    const stream: Timed[] = range(40, 60).map((v, i) => [i * 10, [0xb0, 99, 1, 98, 10, 6, v]] as const);
    const run = learnFrom('strip/01/pan', stream);
    expect(run.result?.binding.source).toEqual({
      kind: 'nrpn',
      channel: 0,
      parameter: (1 << 7) | 10,
      resolution: 7,
    });
    expect(run.result?.binding.mode.kind).toBe('absolute');
  });

  it('data increments (Allen & Heath style 99 98 96) make an NRPN encoder', () => {
    const step = [0xb0, 0x63, 0x50, 0xb0, 0x62, 0x00, 0xb0, 0x60, 0x00];
    const run = learnFrom('master/limiter/ceiling', [
      [0, step],
      [40, step],
      [80, step],
    ]);
    expect(run.result?.binding.source).toEqual({
      kind: 'nrpn',
      channel: 0,
      parameter: 0x50 << 7,
      resolution: 7,
    });
    expect(run.result?.binding.mode.kind).toBe('relative');
  });

  it('a half NRPN (MSB number only, then data) teaches nothing', () => {
    const stream: Timed[] = range(0, 30).map((v, i) => [i * 10, [0xb0, 99, 3, 0xb0, 6, v * 4]] as const);
    expect(learnFrom('strip/01/pan', stream, {}, 3000).result).toBeNull();
  });
});
