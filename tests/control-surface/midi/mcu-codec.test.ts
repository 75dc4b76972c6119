/** Mackie Control codec beyond the §6 vectors: round trips, properties, bad input. */
import { describe, expect, it } from 'vitest';
import { concatBytes, encodeMidiMessage } from '../../../control-surface/midi/midi-message.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import {
  buttonNameOfNote,
  ledStateFromVelocity,
  MCU_BUTTON,
  stripButtonOfNote,
} from '../../../control-surface/midi/mcu/mcu-buttons.ts';
import {
  iconColourFromRgb8,
  nearestXTouchColour,
  XTOUCH_COLOUR,
  type XTouchColour,
} from '../../../control-surface/midi/mcu/mcu-colour.ts';
import {
  faderPositionFromValue,
  faderValueFromPosition,
} from '../../../control-surface/midi/mcu/mcu-fader.ts';
import { handshakeStep } from '../../../control-surface/midi/mcu/mcu-handshake.ts';
import {
  decodeMcuHostMessage,
  encodeMcuHostMessage,
  type McuHostMessage,
} from '../../../control-surface/midi/mcu/mcu-host-messages.ts';
import { McuInputDecoder } from '../../../control-surface/midi/mcu/mcu-input-decoder.ts';
import {
  composeLcd,
  LCD_LENGTH,
  LCD_MESSAGE_OVERHEAD,
  lcdChangedSpans,
  lcdUpdates,
  type LcdSpan,
} from '../../../control-surface/midi/mcu/mcu-lcd.ts';
import { meterLevel, MeterFeedback, type MeterLaw } from '../../../control-surface/midi/mcu/mcu-meter.ts';
import {
  sevenSegmentChar,
  sevenSegmentCode,
  sevenSegmentCodes,
  timecodeUpdates,
} from '../../../control-surface/midi/mcu/mcu-seven-segment.ts';
import {
  decodeMcuSurfaceMessage,
  encodeMcuSurfaceMessage,
  type McuSurfaceMessage,
} from '../../../control-surface/midi/mcu/mcu-surface-messages.ts';
import { decodeRelativeTicks, encodeRelativeTicks } from '../../../control-surface/midi/mcu/mcu-vpot.ts';
import {
  decodeRingByte,
  encodeRingByte,
  ringFromPosition,
  type RingMode,
} from '../../../control-surface/midi/mcu/mcu-vpot-ring.ts';
import { displayChars } from '../../../control-surface/midi/display-text.ts';
import { identityReplyData, parseIdentityReply } from '../../../control-surface/midi/universal-identity.ts';
import { fromHex, hex, random, randomBytes, randomChunks, randomInt } from './midi-test-support.ts';

type Next = () => number;
const pick = <T>(next: Next, items: readonly T[]): T => items[randomInt(next, items.length)]!;
const bytes = (next: Next, length: number, below = 128): number[] =>
  Array.from({ length }, () => randomInt(next, below));
const printable = (next: Next, length: number): string =>
  String.fromCharCode(...bytes(next, length, 0x5f).map((b) => b + 0x20));
const RING_MODES: readonly RingMode[] = ['dot', 'boostCut', 'wrap', 'spread'];
const XTOUCH: readonly XTouchColour[] = Object.keys(XTOUCH_COLOUR) as XTouchColour[];
const MODELS = [0x10, 0x11, 0x14, 0x15] as const;

/** A random valid message a unit sends. */
function surfaceMessage(next: Next): McuSurfaceMessage {
  const model = pick(next, MODELS);
  const delta = (): number => (1 + randomInt(next, 63)) * (next() < 0.5 ? -1 : 1);
  switch (randomInt(next, 11)) {
    case 0:
    case 1:
      return { type: 'fader', fader: randomInt(next, 9), value: randomInt(next, 0x4000) };
    case 2:
      return { type: 'faderTouch', fader: randomInt(next, 9), touched: next() < 0.5 };
    case 3: {
      let note = randomInt(next, 128);
      if (note >= 0x68 && note <= 0x70) note = 0x50;
      return { type: 'button', note, pressed: next() < 0.5 };
    }
    case 4:
      return { type: 'vpot', strip: randomInt(next, 8), delta: delta() };
    case 5:
      return { type: 'jog', delta: delta() };
    case 6:
      return { type: 'externalController', value: randomInt(next, 128) };
    case 7:
      return { type: 'hostConnectionQuery', model, serial: bytes(next, 7), challenge: bytes(next, 4) };
    case 8:
      return next() < 0.5
        ? { type: 'connectionConfirmation', model, serial: bytes(next, 7) }
        : { type: 'connectionError', model, serial: bytes(next, 7) };
    case 9:
      return next() < 0.5
        ? { type: 'deviceReady', model }
        : { type: 'versionReply', model, version: printable(next, 5) };
    default:
      return {
        type: 'identityReply',
        identity: {
          deviceId: randomInt(next, 128),
          manufacturer: next() < 0.5 ? [0x00, 0x20, 0x32] : [0x41],
          family: randomInt(next, 0x4000),
          member: randomInt(next, 0x4000),
          version: bytes(next, 4),
        },
      };
  }
}

/** A random valid message the host sends. */
function hostMessage(next: Next): McuHostMessage {
  const model = pick(next, MODELS);
  switch (randomInt(next, 24)) {
    case 0:
      return { type: 'fader', fader: randomInt(next, 9), value: randomInt(next, 0x4000) };
    case 1:
      return { type: 'led', note: randomInt(next, 128), state: pick(next, ['on', 'off', 'blink'] as const) };
    case 2:
      return {
        type: 'ring',
        strip: randomInt(next, 8),
        ring: { mode: pick(next, RING_MODES), value: randomInt(next, 12), centre: next() < 0.5 },
      };
    case 3:
      return { type: 'timecodeDigit', digit: randomInt(next, 10), code: randomInt(next, 128) };
    case 4:
      return { type: 'assignmentDigit', digit: randomInt(next, 2), code: randomInt(next, 128) };
    case 5:
      return { type: 'meter', strip: randomInt(next, 8), level: randomInt(next, 14) };
    case 6:
      return { type: 'meterOverload', strip: randomInt(next, 8), on: next() < 0.5 };
    case 7:
      return { type: 'iconMasterMeter', side: randomInt(next, 2), level: randomInt(next, 14) };
    case 8:
      return { type: 'deviceQuery', model };
    case 9:
      return { type: 'hostConnectionReply', model, serial: bytes(next, 7), response: bytes(next, 4) };
    case 10:
      return { type: 'versionRequest', model };
    case 11:
      return { type: 'identityRequest' };
    case 12:
      return { type: 'reset', model };
    case 13:
      return { type: 'transportClick', model, on: next() < 0.5 };
    case 14:
      return { type: 'backlightSaver', model, minutes: randomInt(next, 128) };
    case 15:
      return { type: 'touchlessFaders', model, enabled: next() < 0.5 };
    case 16:
      return { type: 'touchSensitivity', model, fader: randomInt(next, 9), sensitivity: randomInt(next, 6) };
    case 17: {
      const offset = randomInt(next, LCD_LENGTH);
      return { type: 'lcd', model, offset, text: printable(next, randomInt(next, LCD_LENGTH - offset + 1)) };
    }
    case 18:
      return {
        type: 'meterMode',
        model,
        strip: randomInt(next, 8),
        mode: { signalLed: next() < 0.5, peakHold: next() < 0.5, lcdMeter: next() < 0.5 },
      };
    case 19:
      return { type: 'globalLcdMeterMode', model, vertical: next() < 0.5 };
    case 20:
      return { type: 'allFadersToMinimum', model };
    case 21:
      return { type: 'allLedsOff', model };
    case 22:
      return { type: 'xtouchColours', model, colours: Array.from({ length: 8 }, () => pick(next, XTOUCH)) };
    default:
      return {
        type: 'iconColours',
        colours: Array.from({ length: 8 }, () => ({
          r: randomInt(next, 128),
          g: randomInt(next, 128),
          b: randomInt(next, 128),
        })),
      };
  }
}

/**
 * Bytes that cannot form a Mackie Control message a driver could act on, each ending so the next
 * status byte starts clean: cut messages, cut sysex, unknown sysex, wrong channels, undefined
 * controllers, system common followed by stray data bytes.
 */
function garbage(next: Next): Uint8Array {
  const data = (): number => randomInt(next, 128);
  switch (randomInt(next, 8)) {
    case 0:
      return Uint8Array.of(0xe0 | randomInt(next, 9), data());
    case 1:
      return Uint8Array.of(0x90, data());
    case 2:
      return Uint8Array.of(0xf0, 0x00, 0x00, 0x66, 0x14, 0x12, ...bytes(next, randomInt(next, 20)));
    case 3:
      return Uint8Array.of(0xf0, 0x7d, ...bytes(next, randomInt(next, 10)), 0xf7);
    case 4:
      return Uint8Array.of(0xf0, 0x00, 0x00, 0x66, 0x14, 0x01, ...bytes(next, randomInt(next, 10)), 0xf7);
    case 5:
      return Uint8Array.of(0x91 + randomInt(next, 15), data(), data());
    case 6:
      return Uint8Array.of(0xb0, 0x40 + randomInt(next, 0x3c), data());
    default:
      return Uint8Array.of(0xf6, ...bytes(next, 1 + randomInt(next, 5)));
  }
}

describe('Mackie Control round trips', () => {
  it('every kind of unit message encodes and decodes back to itself', () => {
    const next = random(1);
    for (let i = 0; i < 2000; i++) {
      const message = surfaceMessage(next);
      const midi = new MidiStreamParser().push(encodeMcuSurfaceMessage(message));
      expect(midi).toHaveLength(1);
      expect(decodeMcuSurfaceMessage(midi[0]!)).toEqual(message);
    }
  });

  it('every kind of host message encodes and decodes back to itself (the emulator side)', () => {
    const next = random(2);
    for (let i = 0; i < 2000; i++) {
      const message = hostMessage(next);
      const midi = new MidiStreamParser().push(encodeMcuHostMessage(message));
      expect(midi).toHaveLength(1);
      expect(decodeMcuHostMessage(midi[0]!)).toEqual(message);
    }
  });

  it('a long stream of unit messages, randomly chunked and with realtime bytes inside, decodes in order', () => {
    const next = random(3);
    const messages = Array.from({ length: 5000 }, () => surfaceMessage(next));
    const wire: number[] = [];
    for (const byte of concatBytes(messages.map(encodeMcuSurfaceMessage))) {
      if (next() < 0.02) wire.push(0xf8 + randomInt(next, 8));
      wire.push(byte);
    }
    const decoder = new McuInputDecoder();
    const decoded = randomChunks(next, Uint8Array.from(wire)).flatMap((chunk) => decoder.push(chunk));
    expect(decoded).toEqual(messages);
    expect(decoder.counters.unknown.realtime).toBeGreaterThan(0);
  });
});

describe('Mackie Control bad input', () => {
  it('10^5 messages with invalid fragments between them: the valid ones all come through, unchanged', () => {
    const next = random(4);
    const valid: McuSurfaceMessage[] = [];
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 100_000; i++) {
      if (next() < 0.5) {
        parts.push(garbage(next));
      } else {
        const message = surfaceMessage(next);
        valid.push(message);
        parts.push(encodeMcuSurfaceMessage(message));
      }
    }
    const decoder = new McuInputDecoder();
    expect(decoder.push(concatBytes(parts))).toEqual(valid);
    const { unknown, stream } = decoder.counters;
    expect(
      unknown.wrongChannel + unknown.unknownSysex + unknown.malformedSysex + unknown.unsupported,
    ).toBeGreaterThan(10_000);
    expect(stream.incompleteMessages + stream.truncatedSysex + stream.strayDataBytes).toBeGreaterThan(10_000);
  });

  it('invalid input alone yields no message at all, so nothing can change a parameter', () => {
    const next = random(5);
    const decoder = new McuInputDecoder();
    const junk = concatBytes(Array.from({ length: 20_000 }, () => garbage(next)));
    expect(decoder.push(junk)).toEqual([]);
    // The pure decoder says why for each message the stream parser let through.
    const reasons = new MidiStreamParser().push(junk).map((m) => decodeMcuSurfaceMessage(m));
    expect(reasons.every((m) => m.type === 'unknown')).toBe(true);
  });

  it('a flood of 10^5 random bytes never throws; every message returned is valid and re-encodes to itself', () => {
    const decoder = new McuInputDecoder();
    const messages = decoder.push(randomBytes(random(6), 100_000));
    for (const message of messages) {
      expect(message.type).not.toBe('unknown');
      const again = new MidiStreamParser()
        .push(encodeMcuSurfaceMessage(message))
        .map(decodeMcuSurfaceMessage);
      expect(again).toEqual([message]);
    }
    const { stream, unknown } = decoder.counters;
    expect(stream.strayDataBytes + stream.incompleteMessages + stream.truncatedSysex).toBeGreaterThan(0);
    expect(unknown.wrongChannel + unknown.unsupported).toBeGreaterThan(0);
  });

  it('Mackie sysex with a known command and the wrong length is malformed, not a handshake', () => {
    const decoder = new McuInputDecoder();
    expect(decoder.push(fromHex('F0 00 00 66 14 01 58 59 5A F7  F0 00 00 66 14 03 01 F7'))).toEqual([]);
    expect(decoder.counters.unknown.malformedSysex).toBe(2);
    expect(handshakeStep({ type: 'fader', fader: 0, value: 0 })).toBeNull();
  });

  it('reports each unknown message to onUnknown before dropping it', () => {
    const seen: string[] = [];
    const decoder = new McuInputDecoder({ onUnknown: (m) => seen.push(m.reason) });
    decoder.push(fromHex('F0 7D F7 91 10 7F FE'));
    expect(seen).toEqual(['unknownSysex', 'wrongChannel', 'realtime']);
  });
});

describe('Mackie Control encoding rules', () => {
  const encode = (message: McuHostMessage): string => hex(encodeMcuHostMessage(message));

  it('clamps values and encodes addresses outside the unit to nothing', () => {
    expect(encode({ type: 'fader', fader: 0, value: 20_000 })).toBe('E0 7F 7F');
    expect(encode({ type: 'fader', fader: 0, value: -5 })).toBe('E0 00 00');
    expect(encode({ type: 'fader', fader: 0, value: Number.NaN })).toBe('E0 00 00');
    expect(encode({ type: 'ring', strip: 1, ring: { mode: 'wrap', value: 15, centre: false } })).toBe(
      'B0 31 2B',
    );
    expect(encode({ type: 'meter', strip: 1, level: 20 })).toBe('D0 1D');
    expect(encode({ type: 'touchSensitivity', model: 0x14, fader: 0, sensitivity: 9 })).toBe(
      'F0 00 00 66 14 0E 00 05 F7',
    );
    for (const message of [
      { type: 'fader', fader: 9, value: 0 },
      { type: 'fader', fader: 1.5, value: 0 },
      { type: 'ring', strip: 8, ring: { mode: 'dot', value: 1, centre: false } },
      { type: 'meter', strip: -1, level: 1 },
      { type: 'timecodeDigit', digit: 10, code: 0x30 },
      { type: 'lcd', model: 0x14, offset: 112, text: 'x' },
      { type: 'touchSensitivity', model: 0x14, fader: 9, sensitivity: 3 },
    ] satisfies McuHostMessage[])
      expect(encodeMcuHostMessage(message)).toHaveLength(0);
  });

  it('LCD text is cut at the end of the display and made 7-bit printable', () => {
    expect(encode({ type: 'lcd', model: 0x14, offset: 0x6e, text: 'Élan' })).toBe(
      'F0 00 00 66 14 12 6E 45 6C F7',
    );
    expect(displayChars('Café\tö€')).toBe('Cafe o_');
  });

  it('fader scaling: input maximum per device, full range out', () => {
    expect(faderPositionFromValue(8000, 16000)).toBe(0.5);
    expect(faderPositionFromValue(16240, 16240)).toBe(1);
    expect(faderPositionFromValue(16383, 16240)).toBe(1);
    expect(faderPositionFromValue(100, 0)).toBeCloseTo(100 / 16383);
    expect(faderValueFromPosition(0.5)).toBe(8192);
    expect(faderValueFromPosition(2)).toBe(16383);
    expect(faderValueFromPosition(Number.NaN)).toBe(0);
  });
});

describe('LCD: only changed spans', () => {
  const apply = (before: string, spans: readonly LcdSpan[]): string => {
    let text = before;
    for (const { offset, text: part } of spans)
      text = text.slice(0, offset) + part + text.slice(offset + part.length);
    return text;
  };
  const cost = (spans: readonly LcdSpan[]): number =>
    spans.reduce((sum, span) => sum + span.text.length + LCD_MESSAGE_OVERHEAD, 0);

  /** The least bytes any choice of merges costs: each gap between changed runs is merged or split. */
  function bruteForceCost(before: string, after: string): number {
    const runs: [number, number][] = [];
    for (let i = 0; i < LCD_LENGTH; i++) {
      if (before[i] === after[i]) continue;
      const last = runs[runs.length - 1];
      if (last?.[1] === i - 1) last[1] = i;
      else runs.push([i, i]);
    }
    if (runs.length === 0) return 0;
    let best = Infinity;
    for (let mask = 0; mask < 1 << (runs.length - 1); mask++) {
      let total = LCD_MESSAGE_OVERHEAD;
      for (let r = 0; r < runs.length; r++) {
        total += runs[r]![1] - runs[r]![0] + 1;
        if (r > 0) total += (mask >> (r - 1)) & 1 ? runs[r]![0] - runs[r - 1]![1] - 1 : LCD_MESSAGE_OVERHEAD;
      }
      best = Math.min(best, total);
    }
    return best;
  }

  it('sends everything when the display is unknown and nothing when it is unchanged', () => {
    const screen = composeLcd(['Kick', 'Snare'], ['-3.0', '0.0'], 'separated');
    expect(screen).toHaveLength(LCD_LENGTH);
    expect(lcdChangedSpans(null, screen)).toEqual([{ offset: 0, text: screen }]);
    expect(lcdChangedSpans(screen, screen)).toEqual([]);
  });

  it('one renamed strip is one message for its cell', () => {
    const before = composeLcd(['Kick', 'Snare', 'HiHat'], [], 'separated');
    const after = composeLcd(['Kick', 'Snr', 'HiHat'], [], 'separated');
    expect(lcdUpdates(0x15, before, after)).toEqual([{ type: 'lcd', model: 0x15, offset: 9, text: 'r  ' }]);
  });

  it('merges gaps up to the 8-byte message overhead, splits longer ones', () => {
    const blank = ' '.repeat(LCD_LENGTH);
    const at = (positions: number[]): string =>
      Array.from(blank, (c, i) => (positions.includes(i) ? 'x' : c)).join('');
    expect(lcdChangedSpans(blank, at([0, 9]))).toEqual([{ offset: 0, text: 'x        x' }]);
    expect(lcdChangedSpans(blank, at([0, 10]))).toEqual([
      { offset: 0, text: 'x' },
      { offset: 10, text: 'x' },
    ]);
  });

  it('random edits: the spans reproduce the new display with the fewest bytes possible', () => {
    const next = random(8);
    for (let round = 0; round < 300; round++) {
      const before = printable(next, LCD_LENGTH);
      const chars = Array.from(before);
      const edits = randomInt(next, 12);
      for (let e = 0; e < edits; e++) chars[randomInt(next, LCD_LENGTH)] = printable(next, 1);
      const after = chars.join('');
      const spans = lcdChangedSpans(before, after);
      expect(apply(before, spans)).toBe(after);
      expect(cost(spans)).toBe(bruteForceCost(before, after));
      for (const span of spans) expect(span.offset + span.text.length).toBeLessThanOrEqual(LCD_LENGTH);
    }
  });
});

describe('seven-segment displays', () => {
  it('character codes: letters c - 0x40, digits and punctuation as is, others blank, dot + 0x40', () => {
    expect(sevenSegmentCode('A')).toBe(0x01);
    expect(sevenSegmentCode('a')).toBe(0x01);
    expect(sevenSegmentCode('@')).toBe(0x00);
    expect(sevenSegmentCode('0')).toBe(0x30);
    expect(sevenSegmentCode('-')).toBe(0x2d);
    expect(sevenSegmentCode('~')).toBe(0x20);
    expect(sevenSegmentCode('5', true)).toBe(0x75);
    expect(sevenSegmentChar(0x75)).toBe('5.');
    expect(sevenSegmentChar(0x01)).toBe('A');
  });

  it('dots attach to the character before; right aligned; unknown previous sends all ten, rightmost first', () => {
    expect(sevenSegmentCodes('01.02.03.000', 10)).toEqual([
      0x20, 0x30, 0x71, 0x30, 0x72, 0x30, 0x73, 0x30, 0x30, 0x30,
    ]);
    const all = timecodeUpdates(null, '12');
    expect(all.map((m) => (m.type === 'timecodeDigit' ? m.digit : -1))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(hex(encodeMcuHostMessage(all[0]!))).toBe('B0 40 32');
    expect(hex(encodeMcuHostMessage(all[2]!))).toBe('B0 42 20');
    expect(timecodeUpdates('001.01', '001.01')).toEqual([]);
  });
});

describe('rings, relative ticks, buttons, meters, colours, identity', () => {
  it('ring byte round trip, and positions map into range for every mode', () => {
    for (const mode of RING_MODES)
      for (let value = 0; value <= 11; value++)
        for (const centre of [false, true])
          expect(decodeRingByte(encodeRingByte({ mode, value, centre }))).toEqual({ mode, value, centre });
    for (let p = -1; p <= 1.0001; p += 0.01) {
      const dot = ringFromPosition(p, 'dot');
      const spread = ringFromPosition(p, 'spread');
      expect(dot.value).toBeGreaterThanOrEqual(1);
      expect(dot.value).toBeLessThanOrEqual(11);
      expect(spread.value).toBeGreaterThanOrEqual(0);
      expect(spread.value).toBeLessThanOrEqual(6);
    }
    expect(ringFromPosition(Number.NaN, 'dot')).toEqual({ mode: 'dot', value: 1, centre: false });
  });

  it('sign-magnitude ticks round trip for ±1..63 and clamp beyond', () => {
    for (let delta = 1; delta <= 63; delta++) {
      expect(decodeRelativeTicks(encodeRelativeTicks(delta))).toBe(delta);
      expect(decodeRelativeTicks(encodeRelativeTicks(-delta))).toBe(-delta);
    }
    expect(encodeRelativeTicks(100)).toBe(0x3f);
    expect(encodeRelativeTicks(-100)).toBe(0x7f);
    expect(decodeRelativeTicks(0x40)).toBe(-1);
  });

  it('button notes: strip buttons by run of eight, global names unique, LED velocities', () => {
    expect(stripButtonOfNote(0x0b)).toEqual({ button: 'solo', strip: 3 });
    expect(stripButtonOfNote(0x6c)).toEqual({ button: 'faderTouch', strip: 4 });
    expect(stripButtonOfNote(0x5e)).toBeNull();
    expect(buttonNameOfNote(0x5e)).toBe('play');
    expect(buttonNameOfNote(0x2e)).toBe('bankLeft');
    expect(buttonNameOfNote(0x31)).toBe('channelRight');
    expect(new Set(Object.values(MCU_BUTTON)).size).toBe(Object.keys(MCU_BUTTON).length);
    expect(['7F', '00', '01', '02', '03'].map((v) => ledStateFromVelocity(Number.parseInt(v, 16)))).toEqual([
      'on',
      'off',
      'blink',
      'off',
      'blink',
    ]);
  });

  it('meter laws: levels stay in 0..13 and never fall as the level rises', () => {
    for (const law of ['ardour', 'linear70'] as MeterLaw[]) {
      let previous = 0;
      for (let db = -100; db <= 12; db += 0.25) {
        const level = meterLevel(db, law);
        expect(level).toBeGreaterThanOrEqual(previous);
        expect(level).toBeLessThanOrEqual(13);
        previous = level;
      }
      expect(meterLevel(-Infinity, law)).toBe(0);
      expect(meterLevel(Number.NaN, law)).toBe(0);
    }
    const feedback = new MeterFeedback();
    expect(feedback.update(8, 0)).toEqual([]);
    feedback.update(0, 3);
    feedback.reset();
    expect(feedback.update(0, 3)[0]).toEqual({ type: 'meterOverload', strip: 0, on: true });
  });

  it('colours: nearest X-Touch colour (never black), iCON 7-bit', () => {
    expect(nearestXTouchColour(255, 0, 0)).toBe('red');
    expect(nearestXTouchColour(200, 180, 20)).toBe('yellow');
    expect(nearestXTouchColour(20, 20, 20)).toBe('white');
    expect(iconColourFromRgb8(255, 128, 0)).toEqual({ r: 127, g: 64, b: 0 });
    expect(hex(encodeMcuHostMessage({ type: 'xtouchColours', model: 0x15, colours: ['red'] }))).toBe(
      'F0 00 00 66 15 72 01 07 07 07 07 07 07 07 F7',
    );
  });

  it('universal identity reply: parsed, and re-encoded byte for byte', () => {
    const reply = fromHex('7E 00 06 02 00 20 32 15 00 01 00 01 02 03 04');
    const identity = parseIdentityReply(reply);
    expect(identity).toEqual({
      deviceId: 0,
      manufacturer: [0x00, 0x20, 0x32],
      family: 0x15,
      member: 1,
      version: [1, 2, 3, 4],
    });
    expect(hex(identityReplyData(identity!))).toBe(hex(reply));
    expect(parseIdentityReply(reply.subarray(0, 10))).toBeNull();
    const [message] = new MidiStreamParser().push(encodeMidiMessage({ type: 'sysex', data: reply }));
    expect(decodeMcuSurfaceMessage(message!)).toEqual({ type: 'identityReply', identity });
  });
});
