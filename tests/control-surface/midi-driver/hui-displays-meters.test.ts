import { afterEach, describe, expect, it } from 'vitest';
import { huiDisplayName } from '../../../control-surface/midi/hui-driver/hui-display-name.ts';
import { huiMeterLevel } from '../../../control-surface/midi/hui-driver/hui-meter-level.ts';
import { paramValueText } from '../../../control-surface/mapping/value-text.ts';
import { huiRig, type HuiRig } from './hui-rig.ts';

let rig: HuiRig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

describe('HUI strip display names (pure)', () => {
  it('fit 4 characters without misleading cuts', () => {
    expect(huiDisplayName('Ch 1', 4)).toBe('Ch 1');
    expect(huiDisplayName('Ch 10', 4)).toBe('Ch10');
    expect(huiDisplayName('Snare 12', 4)).toBe('Sn12');
    expect(huiDisplayName('Ceiling', 4)).toBe('Ceil');
    expect(huiDisplayName('Bus 12345', 4)).toBe('2345');
    expect(huiDisplayName('Café', 4)).toBe('Cafe');
    expect(huiDisplayName('', 4)).toBe('');
  });
});

describe('HUI meter levels (pure)', () => {
  it('Ardour law, 0..12: 0 dBFS = 11, above full scale = 12, -20 dB = 6, silence = 0', () => {
    expect(huiMeterLevel(0)).toBe(11);
    expect(huiMeterLevel(3)).toBe(12);
    expect(huiMeterLevel(12)).toBe(12);
    expect(huiMeterLevel(-20)).toBe(6);
    expect(huiMeterLevel(-Infinity)).toBe(0);
    expect(huiMeterLevel(Number.NaN)).toBe(0);
  });
});

describe('HUI driver: 4-character strip displays', () => {
  it('shows the strip names: F0 00 00 66 05 00 10 <strip> 4 characters F7', async () => {
    const names = ['Kick', 'Snare 12', 'Vocals'];
    const r = (rig = await huiRig(['HUI'], 8, { stripLabel: (s) => names[s] ?? `Ch ${s + 1}` }));
    const hui = r.unit('HUI');
    expect(hui.displays.slice(0, 4)).toEqual(['Kick', 'Sn12', 'Voca', 'Ch 4']);
    const bytes = Array.from(hui.device.receivedBytes());
    const kick = [0xf0, 0x00, 0x00, 0x66, 0x05, 0x00, 0x10, 0x00, 0x4b, 0x69, 0x63, 0x6b, 0xf7];
    expect(bytes.join(',')).toContain(kick.join(','));
  });

  it('shows the value while the fader moves and is touched, the name again after the hold', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.touch(2, true);
    hui.move(2, 8362);
    r.clock.advance(60);
    expect(hui.displays[2]).toBe('-10 ');
    hui.move(2, 16383);
    r.clock.advance(60);
    expect(hui.displays[2]).toBe('+6.0');
    r.clock.advance(3000); // still touched: still the value
    expect(hui.displays[2]).toBe('+6.0');
    hui.touch(2, false);
    r.clock.advance(900);
    expect(hui.displays[2]).toBe('+6.0');
    r.clock.advance(200);
    expect(hui.displays[2]).toBe('Ch 3');
    expect(hui.displays[1]).toBe('Ch 2');
  });

  it('shows the V-Pot value while it turns', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    for (let i = 0; i < 20; i++) hui.turn(4, 1);
    r.clock.advance(60);
    const text = paramValueText(r.params.spec('strip/05/pan'), r.params.get('strip/05/pan'), 4);
    expect(text).not.toBe('C');
    expect(hui.displays[4]).toBe(text.padEnd(4));
    r.clock.advance(1000);
    expect(hui.displays[4]).toBe('Ch 5');
  });

  it('sends only the displays that changed', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    r.clock.advance(500);
    hui.clearLog();
    r.clock.advance(2000);
    expect(hui.messages('smallDisplay')).toEqual([]);
    hui.touch(6, true);
    hui.move(6, 8362);
    r.clock.advance(100);
    expect(hui.messages('smallDisplay')).toEqual([{ type: 'smallDisplay', display: 6, text: '-10 ' }]);
  });
});

describe('HUI driver: meters at a fixed refresh', () => {
  it('both sides of each strip every 100 ms (the profile), unchanged levels too (A0 0s 0v / A0 0s 1v)', async () => {
    const levels = [0, -20, 6, -Infinity];
    const r = (rig = await huiRig(['HUI'], 8, { meter: (s) => levels[s] ?? -Infinity }));
    const hui = r.unit('HUI');
    hui.clearLog();
    hui.device.clearReceived();
    r.clock.advance(1000);
    const meters = hui.messages('meter');
    for (let strip = 0; strip < 8; strip++)
      for (const side of ['left', 'right'] as const)
        expect(meters.filter((m) => m.strip === strip && m.side === side)).toHaveLength(10);
    expect(hui.meters.get('0/left')).toBe(11);
    expect(hui.meters.get('1/right')).toBe(6);
    expect(hui.meters.get('2/left')).toBe(12);
    expect(hui.meters.get('3/left')).toBe(0);
    const bytes = Array.from(hui.device.receivedBytes()).join(',');
    expect(bytes).toContain([0xa0, 0x00, 0x0b, 0xa0, 0x00, 0x1b].join(','));
  });

  it('a meter source that throws reads as silence; meters stop while the unit is offline', async () => {
    const r = (rig = await huiRig(['HUI'], 8, {
      meter: (s) => {
        if (s === 1) throw new Error('no meter');
        return -6;
      },
    }));
    const hui = r.unit('HUI');
    r.clock.advance(200);
    expect(hui.meters.get('1/left')).toBe(0);
    expect(hui.meters.get('0/left')).toBe(huiMeterLevel(-6));
    hui.answerPings = false;
    r.clock.advance(3000);
    expect(r.driver.unitState(0)).toBe('offline');
    hui.clearLog();
    r.clock.advance(1000);
    expect(hui.messages('meter')).toEqual([]);
  });
});
