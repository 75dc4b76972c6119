import { describe, expect, it } from 'vitest';
import { MidiSourceSchema } from '../../../control-surface/learn/midi-source.ts';
import { NrpnParser } from '../../../control-surface/learn/nrpn-parser.ts';
import {
  decodeRelative,
  encodeRelative,
  RELATIVE_ENCODINGS,
} from '../../../control-surface/learn/relative-encoding.ts';
import type { SourceEvent } from '../../../control-surface/learn/source-event.ts';
import { SourceEventDecoder } from '../../../control-surface/learn/source-event-decoder.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';

function decodeAll(bytes: readonly number[], decoder = new SourceEventDecoder()): SourceEvent[] {
  const parser = new MidiStreamParser();
  return parser.push(Uint8Array.from(bytes)).flatMap((m) => decoder.decode(m));
}

describe('relative encodings', () => {
  it('decode the usual byte values', () => {
    expect([1, 5, 127, 123, 0, 64].map((v) => decodeRelative('twosComplement', v))).toEqual([
      1, 5, -1, -5, 0, -64,
    ]);
    expect([1, 5, 65, 69, 0, 64].map((v) => decodeRelative('signMagnitude', v))).toEqual([
      1, 5, -1, -5, 0, 0,
    ]);
    expect([65, 69, 63, 59, 64].map((v) => decodeRelative('offset64', v))).toEqual([1, 5, -1, -5, 0]);
    expect(decodeRelative('offset64', 128)).toBe(0);
  });

  it('encode and decode round trip for every move each can carry', () => {
    for (const encoding of RELATIVE_ENCODINGS)
      for (let d = -63; d <= 63; d++) expect(decodeRelative(encoding, encodeRelative(encoding, d))).toBe(d);
  });

  it('the source schema names exactly these encodings', () => {
    const variant = MidiSourceSchema.anyOf.find((s) => 'encoding' in s.properties);
    const literals = (
      variant as unknown as { properties: { encoding: { anyOf: { const: string }[] } } }
    ).properties.encoding.anyOf.map((l) => l.const);
    expect(literals).toEqual([...RELATIVE_ENCODINGS]);
  });
});

describe('NRPN parser (stateful per channel)', () => {
  it('99 98 6 38: an MSB event then a complete 14-bit one', () => {
    expect(decodeAll([0xb0, 99, 0x01, 98, 0x02, 6, 0x40, 38, 0x11])).toEqual([
      { kind: 'nrpn', channel: 0, parameter: 0x82, msb: 0x40, lsb: null },
      { kind: 'nrpn', channel: 0, parameter: 0x82, msb: 0x40, lsb: 0x11 },
    ]);
  });

  it('channels keep their own selection; a later 98 alone moves within the MSB bank', () => {
    const events = decodeAll([
      0xb0, 99, 1, 98, 2, 0xb1, 99, 3, 98, 4, 0xb0, 6, 10, 0xb1, 6, 11, 0xb0, 98, 9, 6, 12,
    ]);
    expect(events.map((e) => (e.kind === 'nrpn' ? [e.channel, e.parameter, e.msb] : null))).toEqual([
      [0, 0x82, 10],
      [1, (3 << 7) | 4, 11],
      [0, 0x89, 12],
    ]);
  });

  it('increment and decrement step the selected parameter (value byte ignored)', () => {
    expect(decodeAll([0xb0, 0x63, 0x50, 0xb0, 0x62, 0x00, 0xb0, 0x60, 0x00, 0xb0, 0x61, 0x7f])).toEqual([
      { kind: 'nrpnStep', channel: 0, parameter: 0x50 << 7, delta: 1 },
      { kind: 'nrpnStep', channel: 0, parameter: 0x50 << 7, delta: -1 },
    ]);
  });

  it('half NRPNs are counted and dropped: MSB only, LSB first, a data LSB without MSB', () => {
    const decoder = new SourceEventDecoder();
    expect(decodeAll([0xb0, 99, 3, 6, 64], decoder)).toEqual([]);
    expect(decodeAll([0xb2, 98, 3, 99, 1, 6, 64], decoder)).toEqual([]);
    expect(decodeAll([0xb3, 99, 3, 98, 1, 38, 64], decoder)).toEqual([]);
    expect(decoder.counters.nrpn).toMatchObject({ halfSelections: 2, orphanLsb: 1 });
  });

  it('RPN data is consumed, not passed on; the null parameter makes CC 6 a plain controller again', () => {
    const decoder = new SourceEventDecoder();
    expect(decodeAll([0xb0, 101, 0, 100, 0, 6, 2], decoder)).toEqual([]);
    expect(decoder.counters.nrpn.rpnData).toBe(1);
    expect(decodeAll([0xb0, 99, 127, 98, 127, 6, 2], decoder)).toEqual([
      { kind: 'cc', channel: 0, controller: 6, value: 2 },
    ]);
    // With nothing selected, data CCs stand for themselves.
    expect(decodeAll([0xb5, 96, 1])).toEqual([{ kind: 'cc', channel: 5, controller: 96, value: 1 }]);
  });

  it('reset forgets selections', () => {
    const parser = new NrpnParser();
    parser.control(0, 99, 1);
    parser.control(0, 98, 1);
    parser.reset();
    expect(parser.control(0, 6, 5)).toEqual({ consumed: false });
  });
});

describe('source event decoder: 14-bit pairs and the rest', () => {
  it('an LSB gives its plain CC and, after its MSB, the 14-bit value', () => {
    const decoder = new SourceEventDecoder();
    expect(decodeAll([0xb0, 33, 5], decoder)).toEqual([{ kind: 'cc', channel: 0, controller: 33, value: 5 }]);
    expect(decodeAll([0xb0, 1, 0x64, 33, 0x08], decoder)).toEqual([
      { kind: 'cc', channel: 0, controller: 1, value: 0x64 },
      { kind: 'cc', channel: 0, controller: 33, value: 0x08 },
      { kind: 'cc14', channel: 0, controller: 1, value: 12808 },
    ]);
    // LSB alone again: the held MSB.
    expect(decodeAll([0xb0, 33, 0x09], decoder).at(-1)).toEqual({
      kind: 'cc14',
      channel: 0,
      controller: 1,
      value: 12809,
    });
  });

  it('notes (velocity 0 = off), pitch bend; other messages are counted as ignored', () => {
    const decoder = new SourceEventDecoder();
    expect(decodeAll([0x90, 36, 0, 0x80, 36, 10, 0xe2, 0x00, 0x40], decoder)).toEqual([
      { kind: 'note', channel: 0, note: 36, velocity: 0, on: false },
      { kind: 'note', channel: 0, note: 36, velocity: 10, on: false },
      { kind: 'pitchBend', channel: 2, value: 8192 },
    ]);
    expect(decodeAll([0xc0, 5, 0xd0, 9, 0xa0, 1, 2, 0xf8, 0xf0, 1, 0xf7], decoder)).toEqual([]);
    expect(decoder.counters.ignored).toBe(5);
  });
});
