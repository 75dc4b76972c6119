/** control-surfaces.md §6 cases 26-30 (HUI), byte for byte, plus the HUI facts of §2. */
import { describe, expect, it } from 'vitest';
import {
  encodeHuiHostMessage,
  HuiHostDecoder,
  type HuiHostMessage,
} from '../../../control-surface/midi/hui/hui-host-messages.ts';
import { HuiInputDecoder } from '../../../control-surface/midi/hui/hui-input-decoder.ts';
import { encodeHuiSurfaceMessage } from '../../../control-surface/midi/hui/hui-surface-messages.ts';
import { STRIP_PORT } from '../../../control-surface/midi/hui/hui-switch.ts';
import { timeDisplayDigits } from '../../../control-surface/midi/hui/hui-sysex.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import { fromHex, hex } from './midi-test-support.ts';

const encode = (message: HuiHostMessage): string => hex(encodeHuiHostMessage(message));
const fromSurface = (bytes: string) => new HuiInputDecoder().push(fromHex(bytes));

describe('§6 HUI (cases 26-30)', () => {
  it('26: ping 90 00 00 from the host, 90 00 7F back from the surface', () => {
    expect(encode({ type: 'ping' })).toBe('90 00 00');
    expect(hex(encodeHuiSurfaceMessage({ type: 'pingReply' }))).toBe('90 00 7F');
    expect(fromSurface('90 00 7F')).toEqual([{ type: 'pingReply' }]);
    // The surface's view: a note-on with velocity 0 (or the note-off some stacks make of it) is a ping.
    const surface = new HuiHostDecoder();
    const parser = new MidiStreamParser();
    expect(parser.push(fromHex('90 00 00 80 00 00')).map((m) => surface.decode(m))).toEqual([
      { type: 'ping' },
      { type: 'ping' },
    ]);
  });

  it('27: fader strip 0 to 12808 -> B0 00 64 then B0 20 08 (MSB first)', () => {
    expect(encode({ type: 'fader', strip: 0, value: 12808 })).toBe('B0 00 64 B0 20 08');
    expect(fromSurface('B0 00 64 B0 20 08')).toEqual([{ type: 'fader', strip: 0, value: 12808 }]);
  });

  it('28: mute LED strip 2 on / off', () => {
    expect(encode({ type: 'led', zone: 2, port: STRIP_PORT.mute, on: true })).toBe('B0 0C 02 B0 2C 42');
    expect(encode({ type: 'led', zone: 2, port: STRIP_PORT.mute, on: false })).toBe('B0 0C 02 B0 2C 02');
  });

  it('29: touch from the surface, strip 1, and release', () => {
    expect(fromSurface('B0 0F 01 B0 2F 40')).toEqual([{ type: 'faderTouch', strip: 1, touched: true }]);
    expect(fromSurface('B0 0F 01 B0 2F 00')).toEqual([{ type: 'faderTouch', strip: 1, touched: false }]);
    expect(hex(encodeHuiSurfaceMessage({ type: 'faderTouch', strip: 1, touched: true }))).toBe(
      'B0 0F 01 B0 2F 40',
    );
  });

  it('30: running-status CCs decode like full ones; unknown sysex is counted, not fatal', () => {
    const decoder = new HuiInputDecoder();
    const messages = decoder.push(
      fromHex(
        'B0 0F 01 2F 40  00 64 20 08  F0 00 00 66 05 00 7E 01 F7  F0 7D 01 F7  B0 0F 03 2F 42  0F 01 2F 00',
      ),
    );
    expect(messages).toEqual([
      { type: 'faderTouch', strip: 1, touched: true },
      { type: 'fader', strip: 0, value: 12808 },
      { type: 'switch', zone: 3, port: STRIP_PORT.mute, pressed: true },
      { type: 'faderTouch', strip: 1, touched: false },
    ]);
    expect(decoder.counters.unknown.unknownSysex).toBe(2);
  });
});

describe('HUI displays, rings, meters (§2)', () => {
  it('strip display: F0 00 00 66 05 00 10 <strip> c c c c F7, padded and cut to 4', () => {
    expect(encode({ type: 'smallDisplay', display: 3, text: 'Kick' })).toBe(
      'F0 00 00 66 05 00 10 03 4B 69 63 6B F7',
    );
    expect(encode({ type: 'smallDisplay', display: 0, text: 'Vocals' })).toBe(
      'F0 00 00 66 05 00 10 00 56 6F 63 61 F7',
    );
    expect(encode({ type: 'smallDisplay', display: 8, text: 'Bs' })).toBe(
      'F0 00 00 66 05 00 10 08 42 73 20 20 F7',
    );
  });

  it('main display slice: 0x12, slice, 10 characters', () => {
    expect(encode({ type: 'mainDisplay', slice: 4, text: 'Lathe' })).toBe(
      'F0 00 00 66 05 00 12 04 4C 61 74 68 65 20 20 20 20 20 F7',
    );
  });

  it('time display: 0x11, digits right to left, dot = +0x10', () => {
    expect(timeDisplayDigits('01.02')).toEqual([2, 0, 0x11, 0, 0x20, 0x20, 0x20, 0x20]);
    expect(encode({ type: 'timeDisplay', digits: timeDisplayDigits('01.02') })).toBe(
      'F0 00 00 66 05 00 11 02 00 11 00 20 20 20 20 F7',
    );
  });

  it('ring B0 10+n (Mackie ring byte), meters A0 strip side<<4|level', () => {
    expect(encode({ type: 'ring', vpot: 2, ring: { mode: 'dot', value: 6, centre: true } })).toBe('B0 12 46');
    expect(encode({ type: 'meter', strip: 5, side: 'left', level: 12 })).toBe('A0 05 0C');
    expect(encode({ type: 'meter', strip: 5, side: 'right', level: 3 })).toBe('A0 05 13');
  });

  it('V-Pot and jog deltas: bit 6 set is clockwise (+), the opposite of Mackie Control', () => {
    expect(fromSurface('B0 40 41 B0 47 05 B0 0D 43')).toEqual([
      { type: 'vpot', vpot: 0, delta: 1 },
      { type: 'vpot', vpot: 7, delta: -5 },
      { type: 'jog', delta: 3 },
    ]);
  });
});
