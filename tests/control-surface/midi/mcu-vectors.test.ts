/**
 * control-surfaces.md §6, byte for byte: cases 1-25 and the Mackie parts of 30 (HUI 26-30 are in
 * hui-vectors.test.ts). Where sources disagree, both sides are checked and Lathe's choice is the
 * default (docs/mackie-protocol.md).
 */
import { describe, expect, it } from 'vitest';
import { consoleParamSpecs, toNormalized, type ParamSpec } from '../../../engine/index.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import { challengeResponse, handshakeStep } from '../../../control-surface/midi/mcu/mcu-handshake.ts';
import {
  faderPositionFromValue,
  faderValueFromPosition,
} from '../../../control-surface/midi/mcu/mcu-fader.ts';
import {
  decodeMcuSurfaceMessage,
  type McuSurfaceMessage,
} from '../../../control-surface/midi/mcu/mcu-surface-messages.ts';
import {
  encodeMcuHostMessage,
  type McuHostMessage,
} from '../../../control-surface/midi/mcu/mcu-host-messages.ts';
import { McuInputDecoder } from '../../../control-surface/midi/mcu/mcu-input-decoder.ts';
import { MCU_MODEL } from '../../../control-surface/midi/mcu/mcu-sysex.ts';
import { lcdCellOffset, lcdStripCell } from '../../../control-surface/midi/mcu/mcu-lcd.ts';
import { STRIP_BUTTON } from '../../../control-surface/midi/mcu/mcu-buttons.ts';
import { ringFromPosition } from '../../../control-surface/midi/mcu/mcu-vpot-ring.ts';
import { DEFAULT_METER_MODE, MeterFeedback } from '../../../control-surface/midi/mcu/mcu-meter.ts';
import { assignmentUpdates, timecodeUpdates } from '../../../control-surface/midi/mcu/mcu-seven-segment.ts';
import { fromHex, hex, joined } from './midi-test-support.ts';

const encode = (message: McuHostMessage): string => hex(encodeMcuHostMessage(message));
const encodeAll = (messages: readonly McuHostMessage[]): string => joined(messages.map(encodeMcuHostMessage));

/** Every message in `bytes`, decoded as coming from a unit. */
function fromUnit(bytes: string): McuSurfaceMessage[] {
  return new MidiStreamParser().push(fromHex(bytes)).map(decodeMcuSurfaceMessage);
}

/** Ardour's gain fader: its law with max gain 2.0 (+6.02 dB) at the top. */
const ardourFader: ParamSpec = {
  id: 'test/fader',
  label: 'Fader',
  unit: 'dB',
  min: -144,
  max: 20 * Math.log10(2),
  default: 0,
  taper: 'faderdB',
  smoothingMs: 0,
};
const faderAtDb = (strip: number, db: number, spec: ParamSpec = ardourFader): string =>
  encode({ type: 'fader', fader: strip, value: faderValueFromPosition(toNormalized(spec, db)) });

describe('§6 handshake (cases 1-3)', () => {
  it('1: device query to MCU / XT / LC / LC-XT', () => {
    expect(encode({ type: 'deviceQuery', model: MCU_MODEL.mcu })).toBe('F0 00 00 66 14 00 F7');
    expect(encode({ type: 'deviceQuery', model: MCU_MODEL.mcuXt })).toBe('F0 00 00 66 15 00 F7');
    expect(encode({ type: 'deviceQuery', model: MCU_MODEL.logicControl })).toBe('F0 00 00 66 10 00 F7');
    expect(encode({ type: 'deviceQuery', model: MCU_MODEL.logicControlXt })).toBe('F0 00 00 66 11 00 F7');
  });

  it('2: an MCU host connection query means ready, and gets no reply', () => {
    const [message] = fromUnit('F0 00 00 66 14 01 58 59 5A 57 18 61 05 57 18 61 05 F7');
    expect(message).toEqual({
      type: 'hostConnectionQuery',
      model: 0x14,
      serial: [0x58, 0x59, 0x5a, 0x57, 0x18, 0x61, 0x05],
      challenge: [0x57, 0x18, 0x61, 0x05],
    });
    expect(handshakeStep(message!)).toEqual({ state: 'online', reply: null });
    // The same for an extender.
    const [xt] = fromUnit('F0 00 00 66 15 01 58 59 5A 57 18 61 05 57 18 61 05 F7');
    expect(handshakeStep(xt!)).toEqual({ state: 'online', reply: null });
  });

  it('3: Logic Control challenge -> reply; Lathe sends the >>4 variant, Ardour`s stays available', () => {
    const [query] = fromUnit('F0 00 00 66 10 01 58 59 5A 57 18 61 05 57 18 61 05 F7');
    const step = handshakeStep(query!);
    expect(step?.state).toBe('awaitingConfirmation');
    expect(hex(encodeMcuHostMessage(step!.reply!))).toBe(
      'F0 00 00 66 10 02 58 59 5A 57 18 61 05 64 5A 5E 57 F7',
    );
    const ardour = handshakeStep(query!, 'shiftByC3');
    expect(hex(encodeMcuHostMessage(ardour!.reply!))).toBe(
      'F0 00 00 66 10 02 58 59 5A 57 18 61 05 64 5F 5E 57 F7',
    );
    expect(challengeResponse([0x57, 0x18, 0x61, 0x05])).toEqual([0x64, 0x5a, 0x5e, 0x57]);
    expect(challengeResponse([0x57, 0x18, 0x61, 0x05], 'shiftByC3')).toEqual([0x64, 0x5f, 0x5e, 0x57]);
    // The unit then confirms (online) or rejects (failed) with the same serial.
    const [confirmed] = fromUnit('F0 00 00 66 10 03 58 59 5A 57 18 61 05 F7');
    expect(handshakeStep(confirmed!)).toEqual({ state: 'online', reply: null });
    const [rejected] = fromUnit('F0 00 00 66 10 04 58 59 5A 57 18 61 05 F7');
    expect(handshakeStep(rejected!)).toEqual({ state: 'failed', reply: null });
  });
});

describe('§6 faders (cases 4-8)', () => {
  it('4: strip 2 to 0 dB on the Ardour law -> E2 08 64 (12808)', () => {
    expect(faderAtDb(2, 0)).toBe('E2 08 64');
  });

  it('5: -10 / -20 / -inf / gain 2.0 / exactly +6.00 dB', () => {
    expect(faderAtDb(2, -10)).toBe('E2 2A 41');
    expect(faderAtDb(2, -20)).toBe('E2 51 29');
    expect(faderAtDb(2, -Infinity)).toBe('E2 00 00');
    expect(faderAtDb(2, 20 * Math.log10(2))).toBe('E2 7F 7F');
    expect(faderAtDb(2, 6)).toBe('E2 71 7F');
    // The console's own strip fader (+6.00 dB at the top) uses the same law.
    const strip3 = consoleParamSpecs(8).find((spec) => spec.id === 'strip/03/fader')!;
    expect(faderAtDb(2, 0, strip3)).toBe('E2 08 64');
    expect(faderAtDb(2, 6, strip3)).toBe('E2 71 7F');
  });

  it('6: Tracktion law, 0 dB, strip 0 -> E0 68 5E (12136)', () => {
    const tracktion = Math.trunc(Math.exp((0 - 6) / 20) * 0x3fff);
    expect(tracktion).toBe(12136);
    expect(encode({ type: 'fader', fader: 0, value: tracktion })).toBe('E0 68 5E');
  });

  it('7: master to max -> E8 7F 7F', () => {
    expect(encode({ type: 'fader', fader: 8, value: faderValueFromPosition(1) })).toBe('E8 7F 7F');
  });

  it('8: incoming E3 7F 7F is echoed as E3 7F 7F (servo rule)', () => {
    const [move] = fromUnit('E3 7F 7F');
    expect(move).toEqual({ type: 'fader', fader: 3, value: 16383 });
    if (move?.type !== 'fader') throw new Error('not a fader move');
    expect(encode({ type: 'fader', fader: move.fader, value: move.value })).toBe('E3 7F 7F');
    expect(faderPositionFromValue(move.value)).toBe(1);
    // An X-Touch tops out at 7C 7F (15999): with its input maximum, that is the top too.
    const [xtouchTop] = fromUnit('E3 7F 7C');
    if (xtouchTop?.type !== 'fader') throw new Error('not a fader move');
    expect(faderPositionFromValue(xtouchTop.value, 15999)).toBe(1);
  });
});

describe('§6 LCD (cases 9-12)', () => {
  const lcd = (model: number, strip: number, row: 0 | 1, text: string, style: 'separated' | 'full'): string =>
    encode({ type: 'lcd', model, offset: lcdCellOffset(strip, row), text: lcdStripCell(text, strip, style) });

  it('9: "Vocals", strip 1, top, 6 chars + separator (Ardour; Lathe default)', () => {
    expect(lcd(0x14, 1, 0, 'Vocals', 'separated')).toBe('F0 00 00 66 14 12 07 56 6F 63 61 6C 73 20 F7');
  });

  it('10: "Vocals", strip 7, bottom, no separator', () => {
    expect(lcd(0x14, 7, 1, 'Vocals', 'separated')).toBe('F0 00 00 66 14 12 69 56 6F 63 61 6C 73 F7');
  });

  it('11: "Kick", strip 0, top, extender, 7 chars (Reaper/CSI)', () => {
    expect(lcd(0x15, 0, 0, 'Kick', 'full')).toBe('F0 00 00 66 15 12 00 4B 69 63 6B 20 20 20 F7');
  });

  it('12: "Vocals1", strip 1: separated keeps 6, full keeps 7', () => {
    expect(lcd(0x14, 1, 0, 'Vocals1', 'separated')).toBe('F0 00 00 66 14 12 07 56 6F 63 61 6C 73 20 F7');
    expect(lcd(0x14, 1, 0, 'Vocals1', 'full')).toBe('F0 00 00 66 14 12 07 56 6F 63 61 6C 73 31 F7');
  });
});

describe('§6 buttons, touch, V-Pots, rings (cases 13-16)', () => {
  it('13: solo LED strip 3 on / blink / off', () => {
    const note = STRIP_BUTTON.solo + 3;
    expect(encode({ type: 'led', note, state: 'on' })).toBe('90 0B 7F');
    expect(encode({ type: 'led', note, state: 'blink' })).toBe('90 0B 01');
    expect(encode({ type: 'led', note, state: 'off' })).toBe('90 0B 00');
  });

  it('14: touch strip 4 in / out (note-on 0 and note-off both release); master', () => {
    expect(fromUnit('90 6C 7F')).toEqual([{ type: 'faderTouch', fader: 4, touched: true }]);
    expect(fromUnit('90 6C 00')).toEqual([{ type: 'faderTouch', fader: 4, touched: false }]);
    expect(fromUnit('80 6C 00')).toEqual([{ type: 'faderTouch', fader: 4, touched: false }]);
    expect(fromUnit('80 6C 7F')).toEqual([{ type: 'faderTouch', fader: 4, touched: false }]);
    expect(fromUnit('90 70 7F')).toEqual([{ type: 'faderTouch', fader: 8, touched: true }]);
  });

  it('15: V-Pot strip 0: 1 CW / 1 CCW / 5 CCW / 0 ticks as +1', () => {
    expect(fromUnit('B0 10 01')).toEqual([{ type: 'vpot', strip: 0, delta: 1 }]);
    expect(fromUnit('B0 10 41')).toEqual([{ type: 'vpot', strip: 0, delta: -1 }]);
    expect(fromUnit('B0 10 45')).toEqual([{ type: 'vpot', strip: 0, delta: -5 }]);
    expect(fromUnit('B0 10 00')).toEqual([{ type: 'vpot', strip: 0, delta: 1 }]);
  });

  it('16: rings: pan centre (dot) / width 100 % (spread) / zero() / boost-cut 0.25 (ties to even)', () => {
    const ring = (position: number, mode: 'dot' | 'boostCut' | 'spread', lit = true): string =>
      encode({ type: 'ring', strip: 0, ring: ringFromPosition(position, mode, lit) });
    expect(ring(0.5, 'dot')).toBe('B0 30 46');
    expect(ring(1, 'spread')).toBe('B0 30 36');
    expect(ring(0, 'spread', false)).toBe('B0 30 30');
    expect(ring(0.25, 'boostCut')).toBe('B0 30 13');
  });
});

describe('§6 meters and displays (cases 17-21)', () => {
  it('17: Ardour meter law, strip 6: 0 dBFS, +3 dB (overload set, then level), -20 dB', () => {
    expect(encodeAll(new MeterFeedback('ardour').update(6, 0))).toBe('D0 6B');
    expect(encodeAll(new MeterFeedback('ardour').update(6, 3))).toBe('D0 6E D0 6C');
    expect(encodeAll(new MeterFeedback('ardour').update(6, -20))).toBe('D0 66');
    // In sequence, the overload LED goes out again when the level drops below full scale.
    const meter = new MeterFeedback('ardour');
    expect(encodeAll([...meter.update(6, 3), ...meter.update(6, 4), ...meter.update(6, -20)])).toBe(
      'D0 6E D0 6C D0 6C D0 6F D0 66',
    );
  });

  it('18: Reaper meter law, strip 0: 0 dB -> D0 0D, -20 dB -> D0 09', () => {
    expect(encodeAll(new MeterFeedback('linear70').update(0, 0))).toBe('D0 0D');
    expect(encodeAll(new MeterFeedback('linear70').update(0, -20))).toBe('D0 09');
  });

  it('19: meter mode strip 2: Ardour 07; Lathe (as Reaper, Tracktion) 03', () => {
    const all = { signalLed: true, peakHold: true, lcdMeter: true };
    expect(encode({ type: 'meterMode', model: 0x14, strip: 2, mode: all })).toBe(
      'F0 00 00 66 14 20 02 07 F7',
    );
    expect(encode({ type: 'meterMode', model: 0x14, strip: 2, mode: DEFAULT_METER_MODE })).toBe(
      'F0 00 00 66 14 20 02 03 F7',
    );
  });

  it('20: assignment "Mx" -> B0 4B 0D then B0 4A 18', () => {
    expect(encodeAll(assignmentUpdates('Mx'))).toBe('B0 4B 0D B0 4A 18');
  });

  it('21: timecode "0001" after "0000": only the changed rightmost digit', () => {
    expect(encodeAll(timecodeUpdates('0000', '0001'))).toBe('B0 40 31');
  });
});

describe('§6 colours and device commands (cases 22-25)', () => {
  const colours = ['red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'off'] as const;

  it('22: X-Touch colours, main unit and extender', () => {
    expect(encode({ type: 'xtouchColours', model: 0x14, colours })).toBe(
      'F0 00 00 66 14 72 01 02 03 04 05 06 07 00 F7',
    );
    expect(encode({ type: 'xtouchColours', model: 0x15, colours })).toBe(
      'F0 00 00 66 15 72 01 02 03 04 05 06 07 00 F7',
    );
  });

  it('23: iCON P1-M all pure red', () => {
    const red = Array.from({ length: 8 }, () => ({ r: 0x7f, g: 0, b: 0 }));
    expect(encode({ type: 'iconColours', colours: red })).toBe(
      `F0 00 02 4E 16 14 ${Array.from({ length: 8 }, () => '7F 00 00').join(' ')} F7`,
    );
  });

  it('24: touch sensitivity 3 on all 9 faders', () => {
    for (let fader = 0; fader <= 8; fader++) {
      expect(encode({ type: 'touchSensitivity', model: 0x14, fader, sensitivity: 3 })).toBe(
        `F0 00 00 66 14 0E 0${fader} 03 F7`,
      );
    }
  });

  it('25: reset', () => {
    expect(encode({ type: 'reset', model: 0x14 })).toBe('F0 00 00 66 14 08 00 F7');
  });
});

describe('§6 case 30, Mackie side: a tolerant parser', () => {
  it('note-off releases, B0 10 00 is +1, unknown sysex is counted and not fatal', () => {
    const decoder = new McuInputDecoder();
    const messages = decoder.push(
      fromHex('90 6C 7F  F0 00 00 66 14 7E 01 02 F7  F0 43 10 4C 00 F7  80 6C 00  B0 10 00  E4 00 40'),
    );
    expect(messages).toEqual([
      { type: 'faderTouch', fader: 4, touched: true },
      { type: 'faderTouch', fader: 4, touched: false },
      { type: 'vpot', strip: 0, delta: 1 },
      { type: 'fader', fader: 4, value: 0x2000 },
    ]);
    expect(decoder.counters.unknown.unknownSysex).toBe(2);
  });
});
