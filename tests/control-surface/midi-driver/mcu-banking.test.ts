import { afterEach, describe, expect, it } from 'vitest';
import { MCU_BUTTON } from '../../../control-surface/index.ts';
import { mcuRig, type Rig } from './mcu-rig.ts';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

/** The user's order, left to right: an extender, the main unit, another extender. */
const THREE_UNITS = [
  { port: 'X-Touch-Ext A', profile: 'x-touch-ext' },
  { port: 'X-Touch', profile: 'x-touch' },
  { port: 'X-Touch-Ext B', profile: 'x-touch-ext' },
];

describe('MCU driver: banking across a main unit and two extenders in the user order', () => {
  it('lays console strips over the units left to right, each unit with its own model byte', async () => {
    const r = (rig = await mcuRig(THREE_UNITS, 32));
    const [a, main, b] = [r.unit('X-Touch-Ext A'), r.unit('X-Touch'), r.unit('X-Touch-Ext B')];
    expect([a.cell(0, 0), main.cell(0, 0), b.cell(7, 0)]).toEqual(['Ch 1   ', 'Ch 9   ', 'Ch 24  ']);
    expect(a.messages('lcd').every((m) => m.model === 0x15)).toBe(true);
    expect(main.messages('lcd').every((m) => m.model === 0x14)).toBe(true);
    // X-Touch colours pushed white so no strip display is dark (reference §1.11).
    expect(a.messages('xtouchColours')).toEqual([
      { type: 'xtouchColours', model: 0x15, colours: new Array(8).fill('white') },
    ]);

    r.params.set('strip/10/fader', -20, 'recall');
    r.clock.advance(50);
    expect(main.faders[1]).toBe(5329);
    b.touch(0, true);
    b.move(0, 0);
    expect(r.params.get('strip/17/fader')).toBe(-144);
    a.press(0x12); // mute, strip 2 of the left extender
    expect(r.params.get('strip/03/mute')).toBe(1);
    expect(a.leds.get(0x12)).toBe('on');
    expect(main.leds.get(0x12)).toBe('off');
  });

  it('bank and channel buttons move by all surface strips / one strip, within the console', async () => {
    const r = (rig = await mcuRig(THREE_UNITS, 32));
    const [a, main, b] = [r.unit('X-Touch-Ext A'), r.unit('X-Touch'), r.unit('X-Touch-Ext B')];
    r.params.set('strip/25/fader', -10, 'recall');
    main.press(MCU_BUTTON.bankRight);
    r.clock.advance(100);
    expect(r.driver.offset).toBe(24);
    expect([a.cell(0, 0), main.cell(0, 0), b.cell(0, 0)]).toEqual(['Ch 25  ', '       ', '       ']);
    expect(a.faders[0]).toBe(8362); // strip 25 at -10 dB
    expect(main.faders[0]).toBe(0); // nothing beyond strip 32: unbound faders rest at the bottom
    main.press(MCU_BUTTON.bankRight); // no further: strip 32 is already on the surface
    expect(r.driver.offset).toBe(24);
    main.press(MCU_BUTTON.channelLeft);
    expect(r.driver.offset).toBe(23);
    main.press(MCU_BUTTON.channelRight);
    main.press(MCU_BUTTON.channelRight);
    expect(r.driver.offset).toBe(24);
    main.press(MCU_BUTTON.bankLeft);
    main.press(MCU_BUTTON.bankLeft);
    expect(r.driver.offset).toBe(0);
    r.clock.advance(100);
    expect(a.cell(0, 0)).toBe('Ch 1   ');
    // A fader move now lands on the strip it shows.
    a.touch(3, true);
    a.move(3, 15999);
    expect(r.params.get('strip/04/fader')).toBe(6);
  });

  it('flip: faders drive the V-Pot parameter and V-Pots the fader parameter, the flip LED lit', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.press(MCU_BUTTON.flip);
    r.clock.advance(100);
    expect(r.driver.flip).toBe(true);
    expect(mcu.leds.get(MCU_BUTTON.flip)).toBe('on');
    expect(mcu.faders[0]).toBe(8192); // pan centre on the fader
    expect(mcu.rings.get(0)?.mode).toBe('wrap'); // gain on the V-Pot (Ardour's flip ring)
    mcu.touch(0, true);
    mcu.move(0, 16240);
    expect(r.params.get('strip/01/pan')).toBe(1);
    const before = r.params.position('strip/01/fader');
    mcu.turn(0, -5);
    expect(r.params.position('strip/01/fader')).toBeCloseTo(before - 0.05, 6);
    mcu.press(MCU_BUTTON.flip);
    mcu.touch(0, false);
    r.clock.advance(300);
    expect(mcu.leds.get(MCU_BUTTON.flip)).toBe('off');
    expect(mcu.faders[0]).toBe(Math.round(r.params.position('strip/01/fader') * 16383));
  });

  it("LCD: names on top, V-Pot values below, the moving fader's value while it moves; changed spans only", async () => {
    const labels = ['Kick', 'Snare', 'Vocals1'];
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }], 8, {
      stripLabel: (strip) => labels[strip] ?? `Ch ${strip + 1}`,
    }));
    const mcu = r.unit('MCU');
    // Ardour's separated cells: 6 characters and a space (reference §1.8, cases 9-12).
    expect([mcu.cell(0, 0), mcu.cell(1, 0), mcu.cell(2, 0)]).toEqual(['Kick   ', 'Snare  ', 'Vocals ']);
    expect(mcu.cell(0, 1)).toBe('C      ');
    mcu.clearLog();
    mcu.touch(1, true);
    mcu.move(1, 8000);
    r.clock.advance(50);
    const shown = r.params.get('strip/02/fader').toFixed(1);
    expect(mcu.cell(1, 1).trim()).toBe(shown.length <= 4 ? `${shown}dB` : shown);
    const spans = mcu.messages('lcd');
    expect(spans.length).toBe(1);
    expect(spans[0]!.offset).toBe(0x38 + 7);
    expect(spans[0]!.text.length).toBeLessThanOrEqual(6);
    mcu.touch(1, false);
    r.clock.advance(1100);
    expect(mcu.cell(1, 1)).toBe('C      ');
    r.params.set('strip/03/pan', -0.25, 'panel');
    r.clock.advance(50);
    expect(mcu.cell(2, 1)).toBe('L25    ');
  });

  it('pages from the mapping file: the limiter ceiling on a V-Pot, no code', async () => {
    const r = (rig = await mcuRig([{ port: 'X-Touch', profile: 'x-touch' }]));
    const xt = r.unit('X-Touch');
    xt.press(MCU_BUTTON.assignPlugin);
    r.clock.advance(100);
    expect(r.driver.page).toBe('master-chain');
    expect(xt.leds.get(MCU_BUTTON.assignPlugin)).toBe('on');
    expect(xt.leds.get(MCU_BUTTON.assignPan)).toBe('off');
    expect(xt.cell(0, 0)).toBe('Ceiling');
    xt.turn(0, 5);
    expect(r.params.get('master/limiter/ceiling')).toBeCloseTo(-1 + 5 * 0.005 * 12, 6);
    r.clock.advance(100);
    expect(xt.cell(0, 1).trim()).toBe('-0.7dB');
    // The master fader stays on the master on every page; strip faders have nothing here.
    xt.touch(8, true);
    xt.move(8, 0);
    expect(r.params.get('master/fader')).toBe(-144);
    expect(xt.faders[0]).toBe(0);
    xt.press(MCU_BUTTON.assignPan);
    expect(r.driver.page).toBe('mixer');
  });

  it('meters: every strip refreshed at the profile rate, unchanged levels too, for the banked strips', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }], 16, {
      meter: (strip) => (strip === 8 ? -20 : -Infinity),
    }));
    const mcu = r.unit('MCU');
    expect(mcu.messages('meterMode')).toHaveLength(8);
    mcu.press(MCU_BUTTON.bankRight);
    mcu.clearLog();
    r.clock.advance(1000);
    const meters = mcu.messages('meter');
    expect(meters.filter((m) => m.strip === 0)).toHaveLength(10); // 100 ms refresh
    expect(meters.filter((m) => m.strip === 0).every((m) => m.level === 6)).toBe(true); // -20 dB, §6 case 17
    expect(meters.filter((m) => m.strip === 1).every((m) => m.level === 0)).toBe(true);
  });
});
