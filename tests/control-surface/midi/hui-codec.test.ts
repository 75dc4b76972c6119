/** HUI codec beyond the §6 vectors: round trips, running status, pairing, bad input. */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../control-surface/midi/midi-message.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import {
  encodeHuiHostMessage,
  HuiHostDecoder,
  type HuiHostMessage,
} from '../../../control-surface/midi/hui/hui-host-messages.ts';
import { HuiInputDecoder } from '../../../control-surface/midi/hui/hui-input-decoder.ts';
import {
  decodeHuiDelta,
  encodeHuiDelta,
  encodeHuiSurfaceMessage,
  type HuiSurfaceMessage,
} from '../../../control-surface/midi/hui/hui-surface-messages.ts';
import { stripPortName } from '../../../control-surface/midi/hui/hui-switch.ts';
import { fromHex, random, randomBytes, randomChunks, randomInt } from './midi-test-support.ts';

type Next = () => number;
const bytes = (next: Next, length: number, below = 128): number[] =>
  Array.from({ length }, () => randomInt(next, below));
const printable = (next: Next, length: number): string =>
  String.fromCharCode(...bytes(next, length, 0x5f).map((b) => b + 0x20));

function surfaceMessage(next: Next): HuiSurfaceMessage {
  const delta = (): number => (1 + randomInt(next, 63)) * (next() < 0.5 ? -1 : 1);
  switch (randomInt(next, 6)) {
    case 0:
      return { type: 'pingReply' };
    case 1:
      return { type: 'fader', strip: randomInt(next, 8), value: randomInt(next, 0x4000) };
    case 2:
      return { type: 'faderTouch', strip: randomInt(next, 8), touched: next() < 0.5 };
    case 3: {
      const zone = randomInt(next, 0x1e);
      const port = zone < 8 ? 1 + randomInt(next, 7) : randomInt(next, 8);
      return { type: 'switch', zone, port, pressed: next() < 0.5 };
    }
    case 4:
      return { type: 'vpot', vpot: randomInt(next, 13), delta: delta() };
    default:
      return { type: 'jog', delta: delta() };
  }
}

function hostMessage(next: Next): HuiHostMessage {
  switch (randomInt(next, 8)) {
    case 0:
      return { type: 'ping' };
    case 1:
      return { type: 'fader', strip: randomInt(next, 8), value: randomInt(next, 0x4000) };
    case 2:
      return { type: 'led', zone: randomInt(next, 0x1e), port: randomInt(next, 8), on: next() < 0.5 };
    case 3:
      return {
        type: 'ring',
        vpot: randomInt(next, 13),
        ring: {
          mode: (['dot', 'boostCut', 'wrap', 'spread'] as const)[randomInt(next, 4)]!,
          value: randomInt(next, 12),
          centre: next() < 0.5,
        },
      };
    case 4:
      return {
        type: 'meter',
        strip: randomInt(next, 8),
        side: next() < 0.5 ? 'left' : 'right',
        level: randomInt(next, 13),
      };
    case 5:
      return { type: 'smallDisplay', display: randomInt(next, 9), text: printable(next, 4) };
    case 6:
      return { type: 'mainDisplay', slice: randomInt(next, 8), text: printable(next, 10) };
    default:
      return { type: 'timeDisplay', digits: bytes(next, 1 + randomInt(next, 8), 0x21) };
  }
}

/** Drops each status byte equal to the one before it: the running status a HUI surface uses. */
function withRunningStatus(wire: Uint8Array): Uint8Array {
  const out: number[] = [];
  let running = -1;
  for (const byte of wire) {
    if (byte >= 0x80 && byte < 0xf0) {
      if (byte === running) continue;
      running = byte;
    } else if (byte >= 0xf0 && byte < 0xf8) {
      running = -1;
    }
    out.push(byte);
  }
  return Uint8Array.from(out);
}

/**
 * Fragments that cannot form a HUI message: cut messages and sysex, unknown sysex, wrong
 * channels, port without zone, LSB without MSB, zero deltas, undefined controllers, stray bytes.
 * None leaves a zone or an MSB pending, so they cannot pair with what follows.
 */
function garbage(next: Next): Uint8Array {
  const data = (): number => randomInt(next, 128);
  switch (randomInt(next, 9)) {
    case 0:
      return Uint8Array.of(0xb0, data());
    case 1:
      return Uint8Array.of(0xf0, 0x00, 0x00, 0x66, 0x05, ...bytes(next, randomInt(next, 12)));
    case 2:
      return Uint8Array.of(0xf0, 0x00, 0x00, 0x66, 0x05, 0x00, 0x10, ...bytes(next, 5), 0xf7);
    case 3:
      return Uint8Array.of(0xb1 + randomInt(next, 15), data(), data());
    case 4:
      return Uint8Array.of(0xb0, 0x2f, data());
    case 5:
      return Uint8Array.of(0xb0, 0x20 + randomInt(next, 8), data());
    case 6:
      return Uint8Array.of(
        0xb0,
        next() < 0.5 ? 0x0d : 0x40 + randomInt(next, 13),
        next() < 0.5 ? 0x00 : 0x40,
      );
    case 7:
      return Uint8Array.of(0xb0, 0x50 + randomInt(next, 0x20), data());
    default:
      return Uint8Array.of(0xf6, ...bytes(next, 1 + randomInt(next, 4)));
  }
}

describe('HUI round trips', () => {
  it('surface messages encode and decode back, with full or running status, however chunked', () => {
    const next = random(11);
    const messages = Array.from({ length: 5000 }, () => surfaceMessage(next));
    const wire = concatBytes(messages.map(encodeHuiSurfaceMessage));
    expect(new HuiInputDecoder().push(wire)).toEqual(messages);
    const compact = withRunningStatus(wire);
    expect(compact.length).toBeLessThan(wire.length);
    const decoder = new HuiInputDecoder();
    expect(randomChunks(next, compact).flatMap((chunk) => decoder.push(chunk))).toEqual(messages);
  });

  it('host messages encode and decode back (the emulator side)', () => {
    const next = random(12);
    const parser = new MidiStreamParser();
    const decoder = new HuiHostDecoder();
    for (let i = 0; i < 3000; i++) {
      const message = hostMessage(next);
      const decoded = parser.push(encodeHuiHostMessage(message)).map((m) => decoder.decode(m));
      expect(decoded.filter((m) => m !== null)).toEqual([message]);
    }
  });

  it('deltas: ±1..63 round trip; zero ticks mean nothing', () => {
    for (let delta = 1; delta <= 63; delta++) {
      expect(decodeHuiDelta(encodeHuiDelta(delta))).toBe(delta);
      expect(decodeHuiDelta(encodeHuiDelta(-delta))).toBe(-delta);
    }
    expect(decodeHuiDelta(0x00)).toBeNull();
    expect(decodeHuiDelta(0x40)).toBeNull();
    expect(stripPortName(3, 2)).toBe('mute');
    expect(stripPortName(0x0e, 2)).toBeNull();
  });
});

describe('HUI pairing', () => {
  it('an LSB needs a fresh MSB for its strip; a stale MSB is never reused', () => {
    const decoder = new HuiInputDecoder();
    expect(decoder.push(fromHex('B0 21 10'))).toEqual([]);
    expect(decoder.push(fromHex('B0 01 40 B0 22 05 B0 21 10'))).toEqual([
      { type: 'fader', strip: 1, value: 0x2010 },
    ]);
    expect(decoder.push(fromHex('B0 21 11'))).toEqual([]);
    expect(decoder.counters.unknown.lsbWithoutMsb).toBe(3);
  });

  it('a port message needs a zone, a zone is used once, odd state nibbles are dropped', () => {
    const decoder = new HuiInputDecoder();
    expect(decoder.push(fromHex('B0 2F 40'))).toEqual([]);
    expect(decoder.push(fromHex('B0 0F 02 B0 2F 43 B0 2F 03'))).toEqual([
      { type: 'switch', zone: 2, port: 3, pressed: true },
    ]);
    expect(decoder.push(fromHex('B0 0F 02 B0 2F 23'))).toEqual([]);
    expect(decoder.counters.unknown).toMatchObject({ portWithoutZone: 2, badPortState: 1 });
  });

  it('reset() forgets half-received pairs (port reopened)', () => {
    const decoder = new HuiInputDecoder();
    decoder.push(fromHex('B0 0F 01 B0 03 20'));
    decoder.reset();
    expect(decoder.push(fromHex('B0 2F 40 B0 23 00'))).toEqual([]);
  });
});

describe('HUI bad input', () => {
  it('10^5 messages with invalid fragments between them: the valid ones all come through, unchanged', () => {
    const next = random(13);
    const valid: HuiSurfaceMessage[] = [];
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (next() < 0.5) {
        parts.push(garbage(next));
      } else {
        const message = surfaceMessage(next);
        valid.push(message);
        parts.push(encodeHuiSurfaceMessage(message));
      }
    }
    const decoder = new HuiInputDecoder();
    expect(decoder.push(concatBytes(parts))).toEqual(valid);
    const { unknown, stream } = decoder.counters;
    expect(unknown.lsbWithoutMsb + unknown.portWithoutZone + unknown.zeroDelta).toBeGreaterThan(10_000);
    expect(stream.incompleteMessages + stream.truncatedSysex + stream.strayDataBytes).toBeGreaterThan(10_000);
  });

  it('invalid input alone yields no message, so nothing can change a parameter', () => {
    const next = random(14);
    const junk = concatBytes(Array.from({ length: 20_000 }, () => garbage(next)));
    expect(new HuiInputDecoder().push(junk)).toEqual([]);
  });

  it('a flood of 10^5 random bytes never throws; what comes out re-encodes to a valid message', () => {
    const decoder = new HuiInputDecoder();
    const messages = decoder.push(randomBytes(random(15), 100_000));
    for (const message of messages) {
      expect(message.type).not.toBe('unknown');
      expect(new HuiInputDecoder().push(encodeHuiSurfaceMessage(message))).toEqual([message]);
    }
    const { unknown, stream } = decoder.counters;
    expect(unknown.unsupported + unknown.wrongChannel).toBeGreaterThan(0);
    expect(stream.strayDataBytes + stream.incompleteMessages).toBeGreaterThan(0);
  });
});
