/**
 * A MIDI message as learned bindings see it: what the stream means once 14-bit pairs and NRPN
 * selections are resolved (source-event-decoder.ts). Channels are 0-based.
 */
export type SourceEvent =
  /** Note on with velocity > 0 is `on: true`; note off and note on with velocity 0 are `on: false`. */
  | {
      readonly kind: 'note';
      readonly channel: number;
      readonly note: number;
      readonly velocity: number;
      readonly on: boolean;
    }
  /** One controller value, as sent (CCs that belong to an NRPN exchange are not reported). */
  | { readonly kind: 'cc'; readonly channel: number; readonly controller: number; readonly value: number }
  /**
   * A 14-bit controller pair completed by its LSB (controller 32..63): `controller` is the MSB's
   * number (0..31), `value` = MSB << 7 | LSB with the latest MSB seen on that controller.
   */
  | { readonly kind: 'cc14'; readonly channel: number; readonly controller: number; readonly value: number }
  /** NRPN data entry: `lsb` null for the MSB (CC 6), set for the LSB (CC 38) that follows it. */
  | {
      readonly kind: 'nrpn';
      readonly channel: number;
      readonly parameter: number;
      readonly msb: number;
      readonly lsb: number | null;
    }
  /** NRPN data increment (+1, CC 96) or decrement (-1, CC 97); the value byte is ignored (RP-018). */
  | {
      readonly kind: 'nrpnStep';
      readonly channel: number;
      readonly parameter: number;
      readonly delta: 1 | -1;
    }
  | { readonly kind: 'pitchBend'; readonly channel: number; readonly value: number };

export type SourceEventKind = SourceEvent['kind'];
