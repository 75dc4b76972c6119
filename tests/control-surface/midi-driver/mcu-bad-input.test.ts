import { afterEach, describe, expect, it } from 'vitest';
import { mcuRig, type Rig } from './mcu-rig.ts';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

/** Small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const snapshot = (r: Rig): number[] => r.params.specs.map((spec) => r.params.get(spec.id));

describe('MCU driver: bad input is counted and skipped, never thrown, never applied', () => {
  it('truncated sysex: dropped and counted; the message that cut it still works', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.device.send([0xf0, 0x00, 0x00, 0x66, 0x14, 0x12, 0x00, 0x41, 0x42, 0xe0, 0x00, 0x00]);
    expect(r.driver.counters(0)?.input.stream.truncatedSysex).toBe(1);
    expect(r.params.get('strip/01/fader')).toBe(-144);
  });

  it('unknown and malformed sysex: counted, nothing changes', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const before = snapshot(r);
    const mcu = r.unit('MCU');
    mcu.device.send([0xf0, 0x00, 0x20, 0x32, 0x01, 0x02, 0xf7]); // someone else's sysex
    mcu.device.send([0xf0, 0x00, 0x00, 0x66, 0x14, 0x01, 0x58, 0xf7]); // 0x01 with a short payload
    const input = r.driver.counters(0)!.input;
    expect(input.unknown.unknownSysex).toBe(1);
    expect(input.unknown.malformedSysex).toBe(1);
    expect(snapshot(r)).toEqual(before);
    expect(r.driver.counters(0)?.onlines).toBe(1);
  });

  it('running status: pitch bends after one status byte are all fader moves', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.device.send([0x90, 0x68, 0x7f, 0xe0, 0x00, 0x20, 0x00, 0x40, 0x70, 0x7e]);
    expect(r.driver.counters(0)?.input.decoded).toBeGreaterThanOrEqual(4);
    expect(r.params.get('strip/01/fader')).toBe(6); // 0x3F70 = the MCU's top
    expect(
      mcu
        .messages('fader')
        .filter((m) => m.fader === 0)
        .map((m) => m.value),
    ).toContain(0x3f70);
  });

  it('note-off is a touch release: the authoritative value follows after the grace', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    mcu.device.send([0x90, 0x69, 0x7f]);
    r.params.set('strip/02/fader', -20, 'automation');
    r.clock.advance(500);
    expect(mcu.faders[1]).toBe(12808);
    mcu.device.send([0x80, 0x69, 0x40]);
    r.clock.advance(250);
    expect(mcu.faders[1]).toBe(5329);
  });

  it('stray data bytes: skipped and counted', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const before = snapshot(r);
    r.unit('MCU').device.send([0x12, 0x34, 0x56]);
    expect(r.driver.counters(0)?.input.stream.strayDataBytes).toBe(3);
    expect(snapshot(r)).toEqual(before);
  });

  it('a flood of 10^5 invalid messages: every one counted, no parameter changed, no output', async () => {
    const r = (rig = await mcuRig([{ port: 'XT', profile: 'mcu-xt' }]));
    const xt = r.unit('XT');
    const before = snapshot(r);
    const next = random(6);
    const byte7 = (): number => Math.floor(next() * 128);
    const expected = { wrongChannel: 0, unsupported: 0, unknownSysex: 0, malformedSysex: 0, outOfRange: 0 };
    const chunk: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      switch (Math.floor(next() * 6)) {
        case 0: // fader pitch bend on a channel Mackie does not use
          chunk.push(0xe9 + Math.floor(next() * 7), byte7(), byte7());
          expected.wrongChannel++;
          break;
        case 1: // notes on channels 2-16
          chunk.push(0x91 + Math.floor(next() * 15), byte7(), byte7());
          expected.wrongChannel++;
          break;
        case 2: // controllers Mackie does not define
          chunk.push(0xb0, 0x50 + Math.floor(next() * 40), byte7());
          expected.unsupported++;
          break;
        case 3: // sysex with a foreign manufacturer id
          chunk.push(0xf0, 0x00, 0x20, 0x32, byte7(), byte7(), 0xf7);
          expected.unknownSysex++;
          break;
        case 4: // a Host Connection Query of the wrong length
          chunk.push(0xf0, 0x00, 0x00, 0x66, 0x15, 0x01, byte7(), 0xf7);
          expected.malformedSysex++;
          break;
        default: // the master fader on an extender, which has none
          chunk.push(0xe8, byte7(), byte7());
          expected.outOfRange++;
          break;
      }
    }
    xt.clearLog();
    const bytes = Uint8Array.from(chunk);
    for (let at = 0; at < bytes.length; at += 997) xt.device.send(bytes.subarray(at, at + 997));
    r.clock.advance(1000);
    const counters = r.driver.counters(0)!;
    expect({
      wrongChannel: counters.input.unknown.wrongChannel,
      unsupported: counters.input.unknown.unsupported,
      unknownSysex: counters.input.unknown.unknownSysex,
      malformedSysex: counters.input.unknown.malformedSysex,
      outOfRange: counters.outOfRange,
    }).toEqual(expected);
    expect(counters.handlerErrors).toBe(0);
    expect(snapshot(r)).toEqual(before);
    expect(xt.messages('fader')).toEqual([]);
  });

  it('a flood of 10^5 random messages (any bytes): never throws, the unit stays usable', async () => {
    const r = (rig = await mcuRig([{ port: 'MCU', profile: 'mcu' }]));
    const mcu = r.unit('MCU');
    const next = random(42);
    const bytes = new Uint8Array(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
    for (let at = 0; at < bytes.length; at += 3000) mcu.device.send(bytes.subarray(at, at + 3000));
    r.clock.advance(5000);
    const counters = r.driver.counters(0)!;
    expect(counters.handlerErrors).toBe(0);
    expect(counters.input.stream.messages).toBeGreaterThan(10_000);
    // Still works: a clean touch + move after the noise applies (random presses may have
    // flipped or paged: back to the mixer first).
    r.driver.setFlip(false);
    r.driver.selectPage('mixer');
    mcu.device.send([0xf7, 0x90, 0x68, 0x7f, 0xe0, 0x00, 0x00, 0x90, 0x68, 0x00]);
    expect(r.params.get('strip/01/fader')).toBe(-144);
    expect(r.driver.unitState(0)).toBe('online');
  });
});
