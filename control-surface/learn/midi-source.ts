import { Type, type Static } from 'typebox';

/**
 * What a learned control sends, as data: the kind of message and its address. Channels are
 * 0-based like everywhere in the MIDI code (0 = MIDI channel 1).
 * - note: note on/off with velocity (buttons, pads)
 * - cc: one 7-bit controller (knob, fader, or a button sending 127/0)
 * - cc14: a 14-bit controller pair, MSB on `controller` (0..31), LSB on `controller + 32`
 *   (MIDI 1.0 controller pairs); applied when the LSB arrives
 * - relativeCc: an endless encoder on one controller, in one of the three encodings
 * - nrpn: non-registered parameter (CC 99/98 select it, CC 6/38 carry the value, CC 96/97
 *   step it); `resolution` 14 when the controller sends the data LSB (CC 38), 7 when not
 * - pitchBend: 14-bit, one per channel (Mackie-style faders in generic mode)
 */
const Channel = Type.Integer({ minimum: 0, maximum: 15 });
const Data7 = Type.Integer({ minimum: 0, maximum: 127 });

export const MidiSourceSchema = Type.Union([
  Type.Object({ kind: Type.Literal('note'), channel: Channel, note: Data7 }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('cc'), channel: Channel, controller: Data7 },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('cc14'), channel: Channel, controller: Type.Integer({ minimum: 0, maximum: 31 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('relativeCc'),
      channel: Channel,
      controller: Data7,
      // The RELATIVE_ENCODINGS, spelled out: TypeBox needs a tuple (a test keeps them in step).
      encoding: Type.Union([
        Type.Literal('twosComplement'),
        Type.Literal('signMagnitude'),
        Type.Literal('offset64'),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('nrpn'),
      channel: Channel,
      parameter: Type.Integer({ minimum: 0, maximum: 0x3fff }),
      resolution: Type.Union([Type.Literal(7), Type.Literal(14)]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('pitchBend'), channel: Channel }, { additionalProperties: false }),
]);

export type MidiSource = Static<typeof MidiSourceSchema>;
export type MidiSourceKind = MidiSource['kind'];

/** Largest value an absolute source sends (its full scale). */
export function sourceMaximum(source: MidiSource): number {
  switch (source.kind) {
    case 'cc14':
    case 'pitchBend':
      return 0x3fff;
    case 'nrpn':
      return source.resolution === 14 ? 0x3fff : 0x7f;
    default:
      return 0x7f;
  }
}

/**
 * The wire addresses a source occupies. Two sources overlap when they share one: a 14-bit pair
 * on CC 7 takes CC 7 and CC 39, so a plain CC 39 binding next to it would fight it.
 */
export function sourceAddresses(source: MidiSource): string[] {
  const ch = source.channel;
  switch (source.kind) {
    case 'note':
      return [`note/${ch}/${source.note}`];
    case 'cc':
    case 'relativeCc':
      return [`cc/${ch}/${source.controller}`];
    case 'cc14':
      return [`cc/${ch}/${source.controller}`, `cc/${ch}/${source.controller + 32}`];
    case 'nrpn':
      return [`nrpn/${ch}/${source.parameter}`];
    case 'pitchBend':
      return [`pitchBend/${ch}`];
  }
}

export function sourcesOverlap(a: MidiSource, b: MidiSource): boolean {
  const taken = new Set(sourceAddresses(a));
  return sourceAddresses(b).some((address) => taken.has(address));
}

/** Short text for a panel or log, with 1-based channels as manuals print them. */
export function describeSource(source: MidiSource): string {
  const ch = `ch ${source.channel + 1}`;
  switch (source.kind) {
    case 'note':
      return `${ch} note ${source.note}`;
    case 'cc':
      return `${ch} CC ${source.controller}`;
    case 'cc14':
      return `${ch} CC ${source.controller}/${source.controller + 32} (14-bit)`;
    case 'relativeCc':
      return `${ch} CC ${source.controller} (relative, ${source.encoding})`;
    case 'nrpn':
      return `${ch} NRPN ${source.parameter} (${source.resolution}-bit)`;
    case 'pitchBend':
      return `${ch} pitch bend`;
  }
}
