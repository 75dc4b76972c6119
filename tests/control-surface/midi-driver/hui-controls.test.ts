import { afterEach, describe, expect, it } from 'vitest';
import { huiRig, type HuiRig } from './hui-rig.ts';

let rig: HuiRig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

/** HUI strip ports (zone = strip): 1 select, 2 mute, 3 solo, 7 rec/rdy. */
const MUTE = 2;
const SOLO = 3;
const SELECT = 1;
/** Zone 0x0A: 0 channel left, 1 bank left, 2 channel right, 3 bank right. */
const BANK_ZONE = 0x0a;

describe('HUI driver: switches and LEDs', () => {
  it('a mute press on strip 3 toggles its parameter; the LED follows (B0 0C 02 B0 2C 42, §6 case 28)', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.device.clearReceived();
    hui.press(2, MUTE);
    expect(r.params.get('strip/03/mute')).toBe(1);
    expect(Array.from(hui.device.receivedBytes())).toEqual([0xb0, 0x0c, 0x02, 0xb0, 0x2c, 0x42]);
    hui.device.clearReceived();
    hui.press(2, MUTE);
    expect(r.params.get('strip/03/mute')).toBe(0);
    expect(Array.from(hui.device.receivedBytes())).toEqual([0xb0, 0x0c, 0x02, 0xb0, 0x2c, 0x02]);
  });

  it('only the press acts: a release alone changes nothing', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.send({ type: 'switch', zone: 4, port: SOLO, pressed: false });
    expect(r.params.get('strip/05/solo')).toBe(0);
    hui.send({ type: 'switch', zone: 4, port: SOLO, pressed: true });
    expect(r.params.get('strip/05/solo')).toBe(1);
  });

  it('LEDs show parameters changed elsewhere, once per change', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.clearLog();
    r.params.set('strip/08/solo', 1, 'panel');
    r.params.set('strip/08/solo', 1, 'panel');
    r.params.set('strip/01/mute', 1, 'panel');
    expect(hui.messages('led')).toEqual([
      { type: 'led', zone: 7, port: SOLO, on: true },
      { type: 'led', zone: 0, port: MUTE, on: true },
    ]);
  });

  it('a switch with nothing mapped (select on the default mapping) is counted, nothing changes', async () => {
    const r = (rig = await huiRig());
    const before = r.params.specs.map((s) => r.params.get(s.id));
    r.unit('HUI').press(0, SELECT);
    expect(r.driver.counters(0)?.unmapped).toBe(2); // the press and the release
    expect(r.params.specs.map((s) => r.params.get(s.id))).toEqual(before);
  });
});

describe('HUI driver: V-Pots and rings', () => {
  it('turns use the HUI sign: B0 40 41 is one step clockwise, B0 40 01 one step back', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    const start = r.params.position('strip/01/pan');
    hui.device.send([0xb0, 0x40, 0x41]);
    expect(r.params.position('strip/01/pan')).toBeCloseTo(start + 0.01, 9);
    hui.device.send([0xb0, 0x40, 0x05]);
    expect(r.params.position('strip/01/pan')).toBeCloseTo(start - 0.04, 9);
    expect(r.params.get('strip/01/pan')).toBeLessThan(0);
  });

  it('the ring follows the parameter: pan centre is a dot with the centre LED, full right the last LED', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    expect(hui.rings.get(0)).toEqual({ mode: 'dot', value: 6, centre: true });
    hui.device.clearReceived();
    r.params.set('strip/01/pan', 1, 'panel');
    expect(Array.from(hui.device.receivedBytes())).toEqual([0xb0, 0x10, 0x0b]);
    expect(hui.rings.get(0)).toEqual({ mode: 'dot', value: 11, centre: false });
    // The parameter-edit V-Pots (8..12) have no mapping: dark.
    expect(hui.rings.get(12)).toEqual({ mode: 'dot', value: 0, centre: false });
  });

  it('the parameter-edit V-Pots are counted as out of range, nothing changes', async () => {
    const r = (rig = await huiRig());
    const before = r.params.specs.map((s) => r.params.get(s.id));
    r.unit('HUI').turn(10, 3);
    expect(r.driver.counters(0)?.outOfRange).toBe(1);
    expect(r.params.specs.map((s) => r.params.get(s.id))).toEqual(before);
  });
});

describe('HUI driver: banking via the mapping pages', () => {
  it('bank right moves all 8 strips to console strips 9..16; channel right steps by one; bounds hold', async () => {
    const r = (rig = await huiRig(['HUI'], 16));
    const hui = r.unit('HUI');
    r.params.set('strip/09/fader', -10, 'panel');
    r.params.set('strip/10/mute', 1, 'panel');
    hui.press(BANK_ZONE, 3);
    expect(r.driver.offset).toBe(8);
    r.clock.advance(100);
    expect(hui.displays.slice(0, 8)).toEqual([
      'Ch 9',
      'Ch10',
      'Ch11',
      'Ch12',
      'Ch13',
      'Ch14',
      'Ch15',
      'Ch16',
    ]);
    expect(hui.faders[0]).toBe(8362);
    expect(hui.led(1, MUTE)).toBe(true);
    hui.press(0, MUTE);
    expect(r.params.get('strip/09/mute')).toBe(1);
    hui.press(BANK_ZONE, 3); // no bank past the last
    expect(r.driver.offset).toBe(8);
    hui.press(BANK_ZONE, 0); // channel left
    expect(r.driver.offset).toBe(7);
    r.clock.advance(100);
    expect(hui.displays[0]).toBe('Ch 8');
    hui.press(BANK_ZONE, 1); // bank left: stops at 0
    expect(r.driver.offset).toBe(0);
    hui.press(BANK_ZONE, 2); // channel right
    expect(r.driver.offset).toBe(1);
  });

  it('two units bank together in the user order', async () => {
    const r = (rig = await huiRig(['HUI A', 'HUI B'], 24));
    const a = r.unit('HUI A');
    const b = r.unit('HUI B');
    expect(a.displays[0]).toBe('Ch 1');
    expect(b.displays[0]).toBe('Ch 9');
    b.press(3, MUTE);
    expect(r.params.get('strip/12/mute')).toBe(1);
    expect(b.led(3, MUTE)).toBe(true);
    expect(a.led(3, MUTE)).toBe(false);
    a.press(BANK_ZONE, 3);
    r.clock.advance(100);
    expect(a.displays[0]).toBe('Ch17');
    // Offset 16 is the last bank start: B would show strips 25..32, which this console lacks.
    expect(b.displays[0]).toBe('    ');
    expect(b.faders[0]).toBe(0);
    expect(r.driver.offset).toBe(16);
  });

  it('a page switch selects its page (Assign "pan" = the mixer page by default; others by option)', async () => {
    const r = (rig = await huiRig(['HUI'], 8, { pageSwitches: { 'master-chain': { zone: 0x0b, port: 0 } } }));
    const hui = r.unit('HUI');
    expect(hui.led(0x0b, 2)).toBe(true);
    hui.press(0x0b, 0);
    expect(r.driver.page).toBe('master-chain');
    expect(hui.led(0x0b, 2)).toBe(false);
    expect(hui.led(0x0b, 0)).toBe(true);
    r.clock.advance(100);
    expect(hui.displays[0]).toBe('Ceil');
    hui.press(0x0b, 2);
    expect(r.driver.page).toBe('mixer');
  });
});
