import { afterEach, describe, expect, it } from 'vitest';
import { HuiKeepalive } from '../../../control-surface/midi/hui-driver/hui-keepalive.ts';
import { flush, huiRig, type HuiRig } from './hui-rig.ts';

let rig: HuiRig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

describe('HuiKeepalive (pure)', () => {
  it('online at the first answer, offline after N unanswered pings in a row, back at the next answer', () => {
    const k = new HuiKeepalive({ missedPongsOffline: 2 });
    expect(k.ping()).toBeNull();
    expect(k.ping()).toBeNull(); // unanswered while connecting: never "offline"
    expect(k.state).toBe('connecting');
    expect(k.pong()).toBe('online');
    expect(k.pong()).toBeNull();
    expect(k.ping()).toBeNull(); // ping 1 out
    expect(k.ping()).toBeNull(); // ping 1 missed
    expect(k.state).toBe('online');
    expect(k.ping()).toBe('offline'); // ping 2 missed
    expect(k.missed).toBe(2);
    expect(k.ping()).toBeNull();
    expect(k.pong()).toBe('online');
    expect(k.missed).toBe(0);
  });

  it('an answer between pings resets the count', () => {
    const k = new HuiKeepalive({ missedPongsOffline: 2 });
    k.pong();
    for (let i = 0; i < 10; i++) {
      k.ping();
      k.ping(); // one missed
      expect(k.pong()).toBeNull();
    }
    expect(k.state).toBe('online');
  });
});

describe('HUI driver: ping/pong keepalive on the fake transport', () => {
  it('pings 90 00 00 at once and then once a second; online at the first 90 00 7F, full state pushed', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    expect(r.driver.unitState(0)).toBe('online');
    expect(Array.from(hui.device.received[0]!)).toEqual([0x90, 0x00, 0x00]);
    // 0 dB on every fader (Ardour law, reference §6 case 4) and the strip names.
    expect(Array.from(hui.faders)).toEqual(new Array(8).fill(12808));
    expect(hui.displays.slice(0, 8)).toEqual([
      'Ch 1',
      'Ch 2',
      'Ch 3',
      'Ch 4',
      'Ch 5',
      'Ch 6',
      'Ch 7',
      'Ch 8',
    ]);
    hui.clearLog();
    r.clock.advance(10_000);
    expect(hui.messages('ping')).toHaveLength(10);
    const gaps = hui.log.filter((e) => e.message.type === 'ping').map((e) => e.at);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]! - gaps[i - 1]!).toBe(1000);
    // The ping at port open, then one a second, each answered.
    expect(r.driver.counters(0)?.pings).toBe(1 + 10);
    expect(r.driver.counters(0)?.pongs).toBe(1 + 10);
    expect(r.driver.counters(0)?.offlines).toBe(0);
  });

  it('a unit that never answers stays connecting and gets nothing but pings', async () => {
    const r = (rig = await huiRig(['HUI'], 8, {}));
    await r.driver.stop();
    const hui = r.unit('HUI');
    hui.answerPings = false;
    hui.clearLog();
    r.driver.start();
    await flush();
    r.params.set('strip/01/mute', 1, 'panel');
    r.clock.advance(5000);
    expect(r.driver.unitState(0)).toBe('connecting');
    expect(hui.log.every((e) => e.message.type === 'ping')).toBe(true);
    expect(hui.messages('ping')).toHaveLength(6);
  });

  it('offline after two missed pongs: no feedback, input not applied; on return every cache is dropped and the full state pushed', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    r.params.set('strip/02/solo', 1, 'panel');
    expect(hui.led(1, 3)).toBe(true);
    hui.answerPings = false;
    const lostAt = r.clock.now();
    r.clock.advance(1000); // a ping goes out unanswered
    expect(r.driver.unitState(0)).toBe('online');
    r.clock.advance(1000); // missed one
    expect(r.driver.unitState(0)).toBe('online');
    r.clock.advance(1000); // missed two
    expect(r.driver.unitState(0)).toBe('offline');
    expect(r.states.at(-1)).toMatchObject({ unit: 0, state: 'offline' });
    expect(r.states.at(-1)!.at - lostAt).toBeLessThanOrEqual(3000);
    expect(r.driver.counters(0)?.offlines).toBe(1);

    // While offline: console changes send nothing but pings; the unit's moves do not apply.
    hui.clearLog();
    r.params.set('strip/03/fader', -10, 'recall');
    r.params.set('strip/02/solo', 0, 'panel');
    r.params.set('strip/04/mute', 1, 'panel');
    hui.move(0, 16383);
    hui.press(2, 2);
    r.clock.advance(2500);
    expect(hui.log.every((e) => e.message.type === 'ping')).toBe(true);
    expect(r.params.get('strip/01/fader')).toBe(0);
    expect(r.params.get('strip/03/mute')).toBe(0);
    expect(r.driver.counters(0)?.whileOffline).toBe(3);

    // Back: the unit answers the next ping, and gets everything again (it may have reset).
    hui.blank();
    hui.answerPings = true;
    r.clock.advance(1000);
    expect(r.driver.unitState(0)).toBe('online');
    expect(r.driver.counters(0)?.onlines).toBe(2);
    r.clock.advance(20);
    expect(hui.faders[2]).toBe(8362); // -10 dB, §6 case 5
    expect(Array.from(hui.faders).every((v) => v >= 0)).toBe(true);
    expect(hui.led(1, 3)).toBe(false);
    expect(hui.led(3, 2)).toBe(true);
    // Every strip LED (ports 1..7 of zones 0..7) set, not only the changed ones.
    expect(hui.leds.size).toBeGreaterThanOrEqual(56);
    expect(hui.rings.size).toBe(13);
    expect(hui.displays[0]).toBe('Ch 1');
  });

  it('reconnect: an unplugged and replugged unit is re-opened, pinged, and gets the full state', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.device.unplug();
    expect(r.driver.unitState(0)).toBe('opening');
    r.params.set('strip/05/fader', -20, 'recall');
    r.clock.advance(1000);
    await flush();
    expect(r.driver.unitState(0)).toBe('opening');
    hui.device.plug();
    hui.blank();
    r.clock.advance(1000);
    await flush();
    r.clock.advance(10);
    expect(r.driver.unitState(0)).toBe('online');
    expect(r.driver.counters(0)?.disconnects).toBe(1);
    expect(hui.faders[4]).toBe(5329); // -20 dB
    expect(hui.displays[4]).toBe('Ch 5');
  });
});
