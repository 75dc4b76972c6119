import type { LedState } from '../../firmware-protocol/index.ts';

/** Something the board did that the simulator prints as one JSON line on stdout. */
export type BoardEvent =
  | {
      readonly event: 'hello';
      readonly nonce: number;
      readonly protocolMajor: number;
      readonly protocolMinor: number;
    }
  | { readonly event: 'setpoint'; readonly fader: number; readonly position: number }
  | { readonly event: 'watchdog'; readonly tripped: boolean }
  | { readonly event: 'reboot' };

export interface FaderState {
  /** As the device reports it: the 12-bit ADC reading << 4. */
  readonly position: number;
  readonly setpoint: number;
  readonly touched: boolean;
  readonly motorOn: boolean;
}

/** Everything `{"cmd":"dump"}` shows. */
export interface BoardState {
  readonly faders: readonly FaderState[];
  readonly leds: readonly LedState[];
  readonly buttons: readonly boolean[];
  readonly displays: readonly string[];
  readonly meters: readonly number[];
  /** A HELLO was seen since boot. */
  readonly connected: boolean;
  readonly safeState: boolean;
  readonly watchdogTripped: boolean;
  readonly calibrating: boolean;
  readonly uptimeMs: number;
  readonly counters: {
    readonly crc: number;
    readonly framing: number;
    readonly overruns: number;
    readonly watchdogTrips: number;
    readonly framesIn: number;
    readonly framesOut: number;
  };
  /** null until the first HELLO since boot. */
  readonly lastHostNonce: number | null;
}
