import { afterEach, describe, expect, it } from 'vitest';
import { faderValueFromPosition } from '../../../control-surface/midi/mcu/mcu-fader.ts';
import { huiRig, type HuiRig } from './hui-rig.ts';

let rig: HuiRig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

const wire = (r: HuiRig, id: string): number => faderValueFromPosition(r.params.position(id));
const faderSends = (r: HuiRig, strip: number): number[] =>
  r
    .unit('HUI')
    .messages('fader')
    .filter((m) => m.strip === strip)
    .map((m) => m.value);

describe('HUI driver: 14-bit faders through the shared motor-fader rules', () => {
  it('sends a fader as MSB then LSB: strip 0 to 0 dB is B0 00 64 B0 20 08 (§6 case 27)', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    r.params.set('strip/01/fader', -20, 'automation');
    r.clock.advance(100);
    hui.device.clearReceived();
    r.params.set('strip/01/fader', 0, 'automation');
    r.clock.advance(100);
    const faderBytes = hui.device.received.filter((chunk) => chunk[0] === 0xb0 && chunk[1] === 0x00);
    expect(faderBytes.map((chunk) => Array.from(chunk))).toEqual([[0xb0, 0x00, 0x64, 0xb0, 0x20, 0x08]]);
  });

  it('a move from the unit (MSB, LSB) sets the parameter through its taper; no echo for HUI', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.touch(3, true);
    hui.clearLog();
    hui.move(3, 16383);
    expect(r.params.get('strip/04/fader')).toBeCloseTo(6, 6);
    hui.move(3, 8362);
    expect(r.params.get('strip/04/fader')).toBeCloseTo(-10, 1);
    r.clock.advance(1000);
    expect(hui.messages('fader')).toEqual([]);
    expect(r.driver.counters(0)?.echoes).toBe(0);
  });

  it('sends no position to a touched fader, then the authoritative value after the release grace', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.touch(2, true);
    hui.clearLog();
    r.params.set('strip/03/fader', -10, 'automation');
    r.clock.advance(500);
    expect(faderSends(r, 2)).toEqual([]);
    hui.touch(2, false);
    r.clock.advance(150);
    expect(faderSends(r, 2)).toEqual([]);
    r.clock.advance(100);
    expect(faderSends(r, 2)).toEqual([8362]);
  });

  it('release after a move returns the fader to the console value (automation wrote meanwhile)', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.touch(0, true);
    hui.move(0, 9000);
    r.params.set('strip/01/fader', -20, 'automation');
    hui.touch(0, false);
    r.clock.advance(300);
    expect(hui.faders[0]).toBe(5329);
  });

  it('release with no change meanwhile still sends the authoritative value once (the hand moved the fader)', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.touch(5, true);
    hui.move(5, 12000);
    hui.clearLog();
    hui.touch(5, false);
    r.clock.advance(1000);
    expect(faderSends(r, 5)).toEqual([wire(r, 'strip/06/fader')]);
  });

  it('coalesces a 1 kHz automation stream to at most the configured rate per fader, latest wins', async () => {
    const r = (rig = await huiRig(['HUI'], 8, { timing: { faderRateHz: 50 } }));
    const hui = r.unit('HUI');
    hui.clearLog();
    const start = r.clock.now();
    for (let ms = 0; ms < 1000; ms++) {
      const db = -15 + 10 * Math.sin(ms / 50);
      r.params.set('strip/01/fader', db, 'automation');
      r.params.set('strip/02/fader', -db - 30, 'automation');
      r.clock.advance(1);
    }
    r.clock.advance(100);
    for (const strip of [0, 1]) {
      const sent = hui.log.filter((e) => e.message.type === 'fader' && e.message.strip === strip);
      // 1 s at 50 Hz, plus the final value once the interval allows.
      expect(sent.length).toBeLessThanOrEqual(51 + 1);
      expect(sent.length).toBeGreaterThanOrEqual(45);
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(20);
      expect(sent[0]!.at - start).toBeLessThan(20);
    }
    expect(hui.faders[0]).toBe(wire(r, 'strip/01/fader'));
    expect(hui.faders[1]).toBe(wire(r, 'strip/02/fader'));
    // Untouched strips got nothing.
    expect(hui.log.filter((e) => e.message.type === 'fader' && e.message.strip > 1)).toEqual([]);
  });

  it('a faster configured rate is honoured too (100 Hz: at most 101 + 1 sends in 1 s)', async () => {
    const r = (rig = await huiRig(['HUI'], 8, { timing: { faderRateHz: 100 } }));
    const hui = r.unit('HUI');
    hui.clearLog();
    for (let ms = 0; ms < 1000; ms++) {
      r.params.set('strip/01/fader', -40 + (ms % 400) / 10, 'automation');
      r.clock.advance(1);
    }
    r.clock.advance(100);
    const sent = faderSends(r, 0);
    expect(sent.length).toBeLessThanOrEqual(102);
    expect(sent.length).toBeGreaterThanOrEqual(90);
  });

  it('never sends a duplicate: changes that land on the same 14-bit value send nothing', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.clearLog();
    r.params.set('strip/01/fader', 0.00001, 'automation');
    r.clock.advance(100);
    r.params.set('strip/01/fader', 0, 'automation');
    r.clock.advance(100);
    expect(hui.messages('fader')).toEqual([]);
  });

  it('fake touch: moves without a touch edge hold setpoints back until 3 s after the last move', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.move(1, 8000);
    hui.clearLog();
    r.params.set('strip/02/fader', -30, 'automation');
    r.clock.advance(2900);
    hui.move(1, 8100);
    r.clock.advance(2900);
    expect(faderSends(r, 1)).toEqual([]);
    r.clock.advance(400);
    expect(faderSends(r, 1)).toEqual([wire(r, 'strip/02/fader')]);
  });
});
