import { afterEach, describe, expect, it } from 'vitest';
import { faderValueFromPosition } from '../../../control-surface/index.ts';
import { flush, mcuRig, type Rig } from './mcu-rig.ts';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

const wire = (r: Rig, id: string): number => faderValueFromPosition(r.params.position(id));

describe('MCU driver: motor-fader rules on the fake transport', () => {
  it('goes online on the 0x01 answer to its device query and pushes every fader', async () => {
    rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]);
    const mcu = rig.unit('MCU');
    expect(rig.driver.unitState(0)).toBe('online');
    expect(mcu.messages('deviceQuery')).toEqual([{ type: 'deviceQuery', model: 0x14 }]);
    // 0 dB on every strip fader and the master (Ardour law: 12808, reference §6 case 4).
    expect(Array.from(mcu.faders)).toEqual(new Array(9).fill(12808));
  });

  it('sends no position to a touched fader, then the authoritative value after the release grace', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.touch(2, true);
    mcu.clearLog();
    r.params.set('strip/03/fader', -10, 'automation');
    r.clock.advance(500);
    expect(mcu.messages('fader').filter((m) => m.fader === 2)).toEqual([]);
    mcu.touch(2, false);
    r.clock.advance(150);
    expect(mcu.messages('fader').filter((m) => m.fader === 2)).toEqual([]);
    r.clock.advance(100);
    expect(mcu.messages('fader').filter((m) => m.fader === 2)).toEqual([
      { type: 'fader', fader: 2, value: wire(r, 'strip/03/fader') },
    ]);
  });

  it("echoes the unit's own move once (servo rule), deduplicated, and the parameter follows", async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.touch(3, true);
    mcu.clearLog();
    mcu.move(3, 0x3f7f);
    mcu.move(3, 0x3f7f);
    expect(mcu.messages('fader')).toEqual([{ type: 'fader', fader: 3, value: 0x3f7f }]);
    // The MCU tops out at 16240: 0x3F7F (16255) is the top of the fader.
    expect(r.params.get('strip/04/fader')).toBeCloseTo(6, 6);
    r.clock.advance(1000);
    expect(mcu.messages('fader')).toHaveLength(1);
  });

  it('release after a move returns the fader to the console value (automation wrote meanwhile)', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.touch(0, true);
    mcu.move(0, 9000);
    r.params.set('strip/01/fader', -20, 'automation');
    mcu.touch(0, false);
    r.clock.advance(300);
    expect(mcu.faders[0]).toBe(5329); // -20 dB, reference §6 case 5
  });

  it('fake touch on a unit without touch sensing: no setpoints until 3 s after its last move', async () => {
    const r = (rig = await mcuRig([{ port: 'BCF2000', profile: 'bcf2000' }]));
    const bcf = r.unit('BCF2000');
    bcf.move(1, 8000);
    bcf.clearLog();
    r.params.set('strip/02/fader', -30, 'automation');
    r.clock.advance(2900);
    bcf.move(1, 8100); // still moving: the fake touch extends
    r.clock.advance(2900);
    expect(bcf.messages('fader').filter((m) => m.value !== 8100)).toEqual([]);
    r.clock.advance(400); // 3 s after the last move + the 200 ms grace
    const sent = bcf.messages('fader').filter((m) => m.fader === 1);
    expect(sent.at(-1)).toEqual({ type: 'fader', fader: 1, value: wire(r, 'strip/02/fader') });
  });

  it('coalesces a 1 kHz automation stream to at most the configured rate per fader, latest wins', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }], 8, { timing: { faderRateHz: 50 } }));
    const mcu = r.unit('MCU');
    mcu.clearLog();
    for (let ms = 0; ms < 1000; ms++) {
      const db = -15 + 10 * Math.sin(ms / 50);
      r.params.set('strip/01/fader', db, 'automation');
      r.params.set('strip/02/fader', -db - 30, 'automation');
      r.clock.advance(1);
    }
    r.clock.advance(100);
    for (const fader of [0, 1]) {
      const sent = mcu.log.filter((e) => e.message.type === 'fader' && e.message.fader === fader);
      // 1 s at 50 Hz, plus the final value once the interval allows.
      expect(sent.length).toBeLessThanOrEqual(51 + 1);
      expect(sent.length).toBeGreaterThanOrEqual(45);
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(20);
    }
    expect(mcu.faders[0]).toBe(wire(r, 'strip/01/fader'));
    expect(mcu.faders[1]).toBe(wire(r, 'strip/02/fader'));
  });

  it('never sends a duplicate: changes that land on the same 14-bit value send nothing', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.clearLog();
    r.params.set('strip/01/fader', 0.00001, 'automation');
    r.clock.advance(100);
    r.params.set('strip/01/fader', 0, 'automation');
    r.clock.advance(100);
    expect(mcu.messages('fader')).toEqual([]);
  });

  it('reconnect: a unplugged and replugged unit gets every cache dropped and the full state again', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    r.params.set('strip/01/mute', 1, 'panel');
    r.clock.advance(100);
    mcu.device.unplug();
    expect(r.driver.unitState(0)).toBe('opening');
    r.params.set('strip/05/fader', -10, 'recall');
    r.clock.advance(1000); // a reopen attempt fails while unplugged...
    await flush();
    expect(r.driver.unitState(0)).toBe('opening');
    mcu.device.plug();
    mcu.clearLog();
    mcu.faders.fill(-1);
    mcu.lcd = ' '.repeat(112);
    mcu.leds.clear();
    r.clock.advance(1000); // ...and the next one succeeds
    await flush();
    r.clock.advance(10);
    expect(r.driver.unitState(0)).toBe('online');
    expect(r.driver.counters(0)?.disconnects).toBe(1);
    expect(mcu.faders[4]).toBe(8362); // -10 dB, §6 case 5
    expect(Array.from(mcu.faders).every((v) => v >= 0)).toBe(true);
    expect(mcu.leds.get(0x10)).toBe('on'); // mute strip 1
    expect(mcu.leds.size).toBeGreaterThan(100); // every LED set, not only changed ones
    expect(mcu.cell(0, 0)).toBe('Ch 1   ');
  });

  it('a unit that resets itself while online (0x01 again) gets the full state again', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.clearLog();
    mcu.powerUp();
    expect(mcu.messages('fader')).toHaveLength(9);
    expect(mcu.messages('lcd')).toEqual([
      { type: 'lcd', model: 0x14, offset: 0, text: expect.any(String) as string },
    ]);
    expect(r.driver.counters(0)?.onlines).toBe(2);
  });
});
