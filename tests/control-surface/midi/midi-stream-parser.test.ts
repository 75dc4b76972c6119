import { describe, expect, it } from 'vitest';
import {
  encodeMidiMessage,
  encodeMidiMessages,
  type MidiMessage,
} from '../../../control-surface/midi/midi-message.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import { fromHex, random, randomBytes, randomChunks, randomInt } from './midi-test-support.ts';

const parse = (bytes: string, parser = new MidiStreamParser()): MidiMessage[] => parser.push(fromHex(bytes));

/** A random well-formed message of any kind. */
function randomMessage(next: () => number): MidiMessage {
  const channel = randomInt(next, 16);
  const d = (): number => randomInt(next, 128);
  switch (randomInt(next, 10)) {
    case 0:
      return { type: 'noteOff', channel, note: d(), velocity: d() };
    case 1:
      return { type: 'noteOn', channel, note: d(), velocity: d() };
    case 2:
      return { type: 'polyPressure', channel, note: d(), pressure: d() };
    case 3:
      return { type: 'controlChange', channel, controller: d(), value: d() };
    case 4:
      return { type: 'programChange', channel, program: d() };
    case 5:
      return { type: 'channelPressure', channel, pressure: d() };
    case 6:
      return { type: 'pitchBend', channel, value: randomInt(next, 0x4000) };
    case 7:
      return { type: 'sysex', data: Uint8Array.from({ length: randomInt(next, 40) }, d) };
    case 8: {
      const status = [0xf1, 0xf2, 0xf3, 0xf6][randomInt(next, 4)]!;
      const length = status === 0xf2 ? 2 : status === 0xf6 ? 0 : 1;
      return { type: 'systemCommon', status, data: Array.from({ length }, d) };
    }
    default:
      return { type: 'realtime', status: 0xf8 + randomInt(next, 8) };
  }
}

describe('MidiStreamParser', () => {
  it('decodes every message kind, 0-based channels, 14-bit pitch bend LSB first', () => {
    expect(
      parse(
        '83 40 10  9F 3C 7F  A1 05 13  B0 07 64  C2 05  D0 6B  E8 7F 7F  F0 00 00 66 F7  F2 10 20  F6  FE',
      ),
    ).toEqual([
      { type: 'noteOff', channel: 3, note: 0x40, velocity: 0x10 },
      { type: 'noteOn', channel: 15, note: 0x3c, velocity: 0x7f },
      { type: 'polyPressure', channel: 1, note: 5, pressure: 0x13 },
      { type: 'controlChange', channel: 0, controller: 7, value: 100 },
      { type: 'programChange', channel: 2, program: 5 },
      { type: 'channelPressure', channel: 0, pressure: 0x6b },
      { type: 'pitchBend', channel: 8, value: 16383 },
      { type: 'sysex', data: Uint8Array.of(0, 0, 0x66) },
      { type: 'systemCommon', status: 0xf2, data: [0x10, 0x20] },
      { type: 'systemCommon', status: 0xf6, data: [] },
      { type: 'realtime', status: 0xfe },
    ]);
  });

  it('keeps a note-on with velocity 0 a note-on (protocols give it meanings)', () => {
    expect(parse('90 00 00')).toEqual([{ type: 'noteOn', channel: 0, note: 0, velocity: 0 }]);
  });

  it('running status: data bytes after a complete message reuse its status', () => {
    expect(parse('B0 0F 01 2F 40 00 64 20 08')).toEqual([
      { type: 'controlChange', channel: 0, controller: 0x0f, value: 1 },
      { type: 'controlChange', channel: 0, controller: 0x2f, value: 0x40 },
      { type: 'controlChange', channel: 0, controller: 0x00, value: 0x64 },
      { type: 'controlChange', channel: 0, controller: 0x20, value: 0x08 },
    ]);
    expect(parse('D0 6B 5C 0A')).toHaveLength(3);
  });

  it('realtime bytes anywhere, even inside sysex or a message, are passed through and disturb nothing', () => {
    expect(parse('90 F8 6C FA 7F  F0 00 FE 00 66 FF 14 F7  6D 7F')).toEqual([
      { type: 'realtime', status: 0xf8 },
      { type: 'realtime', status: 0xfa },
      { type: 'noteOn', channel: 0, note: 0x6c, velocity: 0x7f },
      { type: 'realtime', status: 0xfe },
      { type: 'realtime', status: 0xff },
      { type: 'sysex', data: Uint8Array.of(0, 0, 0x66, 0x14) },
      // Sysex cancels running status: the last two data bytes are stray.
    ]);
  });

  it('a status byte before F7 truncates the sysex (dropped, counted) and starts its own message', () => {
    const parser = new MidiStreamParser();
    expect(parse('F0 00 00 66 14 12 00 41 42 90 6C 7F', parser)).toEqual([
      { type: 'noteOn', channel: 0, note: 0x6c, velocity: 0x7f },
    ]);
    expect(parse('F0 01 02 F0 03 F7', parser)).toEqual([{ type: 'sysex', data: Uint8Array.of(3) }]);
    expect(parser.counters.truncatedSysex).toBe(2);
    expect(parser.counters.sysex).toBe(1);
  });

  it('stray data bytes (no status yet, or after sysex / system common) are counted and skipped', () => {
    const parser = new MidiStreamParser();
    expect(parse('40 41 90 6C 7F', parser)).toHaveLength(1);
    expect(parse('F6 40 F0 01 F7 41 42 F1 10 11', parser)).toHaveLength(3);
    expect(parser.counters.strayDataBytes).toBe(6);
  });

  it('a message cut short by the next status is dropped and counted; undefined statuses are skipped', () => {
    const parser = new MidiStreamParser();
    expect(parse('E3 7F 90 6C 7F', parser)).toEqual([
      { type: 'noteOn', channel: 0, note: 0x6c, velocity: 0x7f },
    ]);
    expect(parse('90 B0 10 01', parser)).toEqual([
      { type: 'controlChange', channel: 0, controller: 0x10, value: 1 },
    ]);
    expect(parser.counters.incompleteMessages).toBe(2);
    expect(parse('F4 F5 F7 B0 10 41', parser)).toHaveLength(1);
    expect(parser.counters.undefinedStatus).toBe(3);
  });

  it('drops a sysex longer than the limit, whole, and recovers at its F7', () => {
    const parser = new MidiStreamParser({ maxSysexLength: 4 });
    expect(parse('F0 01 02 03 04 05 F7 F0 01 02 03 04 F7', parser)).toEqual([
      { type: 'sysex', data: Uint8Array.of(1, 2, 3, 4) },
    ]);
    expect(parser.counters.oversizedSysex).toBe(1);
  });

  it('reset() forgets a partial message and running status', () => {
    const parser = new MidiStreamParser();
    parse('F0 00 00', parser);
    parser.reset();
    expect(parse('66 F7 90 01 02', parser)).toEqual([{ type: 'noteOn', channel: 0, note: 1, velocity: 2 }]);
    expect(parser.counters.strayDataBytes).toBe(1);
    expect(parser.counters.undefinedStatus).toBe(1);
  });

  it('round trip: random well-formed messages come back identical, however the bytes are chunked', () => {
    const next = random(0x5eed);
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 200 }, () => randomMessage(next));
      const bytes = encodeMidiMessages(messages);
      const parser = new MidiStreamParser();
      const parsed = randomChunks(next, bytes).flatMap((chunk) => parser.push(chunk));
      expect(parsed).toEqual(messages);
      expect(parser.counters.messages).toBe(messages.length);
      expect(parser.counters).toMatchObject({
        truncatedSysex: 0,
        oversizedSysex: 0,
        strayDataBytes: 0,
        incompleteMessages: 0,
        undefinedStatus: 0,
      });
    }
  });

  it('any byte stream parses the same whole or in chunks (state carries across chunks)', () => {
    const next = random(42);
    for (let round = 0; round < 20; round++) {
      const bytes = randomBytes(next, 2000);
      const whole = new MidiStreamParser();
      const chunked = new MidiStreamParser();
      const a = whole.push(bytes);
      const b = randomChunks(next, bytes).flatMap((chunk) => chunked.push(chunk));
      expect(b).toEqual(a);
      expect(chunked.counters).toEqual(whole.counters);
    }
  });

  it('a flood of 10^5 random bytes: never throws, counts the junk, returns only well-formed messages', () => {
    const parser = new MidiStreamParser();
    const bytes = randomBytes(random(7), 100_000);
    const messages = parser.push(bytes);
    const { counters } = parser;
    expect(counters.messages).toBe(messages.length);
    expect(counters.strayDataBytes + counters.incompleteMessages + counters.truncatedSysex).toBeGreaterThan(
      1000,
    );
    expect(counters.undefinedStatus).toBeGreaterThan(0);
    // Each message is well-formed: re-encoded and parsed again, it is itself.
    const again = new MidiStreamParser().push(encodeMidiMessages(messages));
    expect(again).toEqual(messages);
  });
});

describe('encodeMidiMessage', () => {
  it('clamps out-of-range values and masks sysex data to 7 bits', () => {
    expect(Array.from(encodeMidiMessage({ type: 'noteOn', channel: 17, note: 200, velocity: -3 }))).toEqual([
      0x9f, 0x7f, 0x00,
    ]);
    expect(Array.from(encodeMidiMessage({ type: 'pitchBend', channel: 0, value: 99_999 }))).toEqual([
      0xe0, 0x7f, 0x7f,
    ]);
    expect(Array.from(encodeMidiMessage({ type: 'pitchBend', channel: 0, value: Number.NaN }))).toEqual([
      0xe0, 0, 0,
    ]);
    expect(Array.from(encodeMidiMessage({ type: 'sysex', data: Uint8Array.of(0x80, 0xff) }))).toEqual([
      0xf0, 0x00, 0x7f, 0xf7,
    ]);
    expect(encodeMidiMessage({ type: 'realtime', status: 0x90 })).toHaveLength(0);
    expect(encodeMidiMessage({ type: 'systemCommon', status: 0xf4, data: [] })).toHaveLength(0);
  });
});
