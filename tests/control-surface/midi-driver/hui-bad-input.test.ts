import { afterEach, describe, expect, it } from 'vitest';
import { huiRig, random, type HuiRig } from './hui-rig.ts';

let rig: HuiRig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

const snapshot = (r: HuiRig): number[] => r.params.specs.map((spec) => r.params.get(spec.id));

describe('HUI driver: bad input is counted and skipped, never thrown, never applied', () => {
  it('truncated sysex: dropped and counted; the message that cut it still works', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    hui.device.send([
      0xf0, 0x00, 0x00, 0x66, 0x05, 0x00, 0x10, 0x00, 0x41, 0xb0, 0x0f, 0x02, 0xb0, 0x2f, 0x42,
    ]);
    expect(r.driver.counters(0)?.input.stream.truncatedSysex).toBe(1);
    expect(r.params.get('strip/03/mute')).toBe(1);
  });

  it('any sysex from the unit: counted as unknown, nothing changes', async () => {
    const r = (rig = await huiRig());
    const before = snapshot(r);
    r.unit('HUI').device.send([0xf0, 0x00, 0x00, 0x66, 0x05, 0x00, 0x10, 0x00, 0x41, 0x42, 0x43, 0x44, 0xf7]);
    expect(r.driver.counters(0)?.input.unknown.unknownSysex).toBe(1);
    expect(snapshot(r)).toEqual(before);
  });

  it('running status: back-to-back CCs after one B0 are zone/port switches and fader halves', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    // Touch strip 0, move it to 8362 (MSB 0x41, LSB 0x2A), mute strip 2: one status byte.
    hui.device.send([0xb0, 0x0f, 0x00, 0x2f, 0x40, 0x00, 0x41, 0x20, 0x2a, 0x0f, 0x02, 0x2f, 0x42]);
    expect(r.params.get('strip/01/fader')).toBeCloseTo(-10, 1);
    expect(r.params.get('strip/03/mute')).toBe(1);
    expect(r.driver.counters(0)?.input.decoded).toBeGreaterThanOrEqual(4);
  });

  it('half pairs: an LSB without its MSB, a port without its zone, a bad port state, a zero delta', async () => {
    const r = (rig = await huiRig());
    const before = snapshot(r);
    const hui = r.unit('HUI');
    hui.device.send([0xb0, 0x20, 0x7f]); // LSB, no MSB
    hui.device.send([0xb0, 0x00, 0x41, 0xb0, 0x20, 0x2a, 0xb0, 0x20, 0x2a]); // second LSB: MSB used up
    hui.device.send([0xb0, 0x2f, 0x42]); // port, no zone
    hui.device.send([0xb0, 0x0f, 0x02, 0xb0, 0x2f, 0x22]); // port state 2: neither on nor off
    hui.device.send([0xb0, 0x40, 0x00, 0xb0, 0x40, 0x40]); // zero ticks either way
    const unknown = r.driver.counters(0)!.input.unknown;
    expect(unknown.lsbWithoutMsb).toBe(2);
    expect(unknown.portWithoutZone).toBe(1);
    expect(unknown.badPortState).toBe(1);
    expect(unknown.zeroDelta).toBe(2);
    // Only the one complete fader pair applied.
    const after = snapshot(r);
    const changed = r.params.specs.filter((_, i) => after[i] !== before[i]).map((s) => s.id);
    expect(changed).toEqual(['strip/01/fader']);
  });

  it('stray data bytes: skipped and counted', async () => {
    const r = (rig = await huiRig());
    const before = snapshot(r);
    // The ping answer left running status on 90; a tune request (system common) cancels it.
    r.unit('HUI').device.send([0xf6, 0x12, 0x34, 0x56]);
    expect(r.driver.counters(0)?.input.stream.strayDataBytes).toBe(3);
    expect(snapshot(r)).toEqual(before);
  });

  it('a flood of 10^5 random invalid messages: every one counted, no parameter changed, no feedback', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    const before = snapshot(r);
    const next = random(6);
    const byte7 = (): number => Math.floor(next() * 128);
    const expected = {
      wrongChannel: 0,
      unsupported: 0,
      unknownSysex: 0,
      portWithoutZone: 0,
      badPortState: 0,
      lsbWithoutMsb: 0,
      zeroDelta: 0,
      outOfRange: 0,
    };
    const chunk: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      switch (Math.floor(next() * 9)) {
        case 0: // CCs on channels 2-16
          chunk.push(0xb1 + Math.floor(next() * 15), byte7(), byte7());
          expected.wrongChannel++;
          break;
        case 1: // notes that are not the ping answer
          chunk.push(0x90, 1 + Math.floor(next() * 127), byte7());
          expected.unsupported++;
          break;
        case 2: // pitch bend, poly pressure: not HUI from a unit
          chunk.push(next() < 0.5 ? 0xe0 : 0xa0, byte7(), byte7());
          expected.unsupported++;
          break;
        case 3: // sysex, Mackie or not
          chunk.push(0xf0, 0x00, 0x00, 0x66, 0x05, byte7(), 0xf7);
          expected.unknownSysex++;
          break;
        case 4: // a port with no zone before it
          chunk.push(0xb0, 0x2f, byte7());
          expected.portWithoutZone++;
          break;
        case 5: // a zone, then a port byte whose state nibble is neither on nor off
          chunk.push(
            0xb0,
            0x0f,
            byte7(),
            0xb0,
            0x2f,
            (1 + Math.floor(next() * 3)) * 0x10 + Math.floor(next() * 16),
          );
          expected.badPortState++;
          break;
        case 6: // a fader LSB with no MSB
          chunk.push(0xb0, 0x20 + Math.floor(next() * 8), byte7());
          expected.lsbWithoutMsb++;
          break;
        case 7: // a V-Pot move of zero ticks
          chunk.push(0xb0, 0x40 + Math.floor(next() * 13), next() < 0.5 ? 0x00 : 0x40);
          expected.zeroDelta++;
          break;
        default: // the parameter-edit V-Pots, which this driver does not map
          chunk.push(
            0xb0,
            0x48 + Math.floor(next() * 5),
            (next() < 0.5 ? 0x40 : 0) | (1 + Math.floor(next() * 63)),
          );
          expected.outOfRange++;
          break;
      }
    }
    hui.clearLog();
    const bytes = Uint8Array.from(chunk);
    for (let at = 0; at < bytes.length; at += 997) hui.device.send(bytes.subarray(at, at + 997));
    r.clock.advance(1000);
    const counters = r.driver.counters(0)!;
    expect({
      wrongChannel: counters.input.unknown.wrongChannel,
      unsupported: counters.input.unknown.unsupported,
      unknownSysex: counters.input.unknown.unknownSysex,
      portWithoutZone: counters.input.unknown.portWithoutZone,
      badPortState: counters.input.unknown.badPortState,
      lsbWithoutMsb: counters.input.unknown.lsbWithoutMsb,
      zeroDelta: counters.input.unknown.zeroDelta,
      outOfRange: counters.outOfRange,
    }).toEqual(expected);
    expect(counters.handlerErrors).toBe(0);
    expect(snapshot(r)).toEqual(before);
    expect(hui.log.filter((e) => e.message.type !== 'ping')).toEqual([]);
    expect(r.driver.unitState(0)).toBe('online');
  });

  it('a flood of 10^5 random messages (any bytes): never throws, the unit stays usable', async () => {
    const r = (rig = await huiRig());
    const hui = r.unit('HUI');
    const next = random(42);
    const bytes = new Uint8Array(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
    for (let at = 0; at < bytes.length; at += 3000) hui.device.send(bytes.subarray(at, at + 3000));
    r.clock.advance(5000);
    const counters = r.driver.counters(0)!;
    expect(counters.handlerErrors).toBe(0);
    expect(counters.input.stream.messages).toBeGreaterThan(10_000);
    // Still works: random presses may have banked or paged: back first, then a clean move.
    r.driver.selectPage('mixer');
    r.driver.bank(-1);
    r.driver.setFlip(false);
    hui.device.send([0xf7, 0xb0, 0x0f, 0x00, 0x2f, 0x40, 0x00, 0x00, 0x20, 0x00, 0x0f, 0x00, 0x2f, 0x00]);
    expect(r.params.get('strip/01/fader')).toBe(-144);
    expect(r.driver.unitState(0)).toBe('online');
  });
});
