import type { McuHostMessage } from './mcu-host-messages.ts';

/**
 * Channel meters: channel pressure `D0 sv`, s = strip 0..7, v = level 0x0..0xC (0xC = 100 %),
 * 0xD (above full scale on some units, no meaning on others), 0xE set / 0xF clear the overload
 * LED. The unit lets the meter fall by itself (about 300 ms per division), so a host sends rises
 * and periodic refreshes, never the fall. Pure.
 */
export const METER_LEVEL_MAX = 0x0d;
export const METER_OVERLOAD_SET = 0x0e;
export const METER_OVERLOAD_CLEAR = 0x0f;

/** Per-strip meter mode (sysex 0x20): bit 0 signal LED, bit 1 peak hold, bit 2 LCD level meter. */
export interface MeterMode {
  readonly signalLed: boolean;
  readonly peakHold: boolean;
  readonly lcdMeter: boolean;
}

/**
 * Lathe's default: signal LED and peak hold, no LCD meter (Reaper and Tracktion send 03; Ardour's
 * 07 also draws meters over the strip names on the LCD, which Lathe uses for names and values).
 */
export const DEFAULT_METER_MODE: MeterMode = { signalLed: true, peakHold: true, lcdMeter: false };

export function meterModeByte(mode: MeterMode): number {
  return (mode.signalLed ? 1 : 0) | (mode.peakHold ? 2 : 0) | (mode.lcdMeter ? 4 : 0);
}

export function meterModeFromByte(byte: number): MeterMode {
  return { signalLed: (byte & 1) !== 0, peakHold: (byte & 2) !== 0, lcdMeter: (byte & 4) !== 0 };
}

/**
 * dB -> meter level.
 * - `ardour` (default): Ardour's piecewise deflection (meter.cc), 115 % at +6 dB, level
 *   round(def / 115 * 13): 0 dBFS = 11, -20 dB = 6, +6 dB = 13; overload LED while above 0 dBFS.
 * - `linear70`: Reaper's (dB + 70) * 13 / 70, 0 dBFS and above = 13, no overload LED.
 */
export type MeterLaw = 'ardour' | 'linear70';

function ardourDeflection(db: number): number {
  if (db < -70) return 0;
  if (db < -60) return (db + 70) * 0.25;
  if (db < -50) return (db + 60) * 0.5 + 2.5;
  if (db < -40) return (db + 50) * 0.75 + 7.5;
  if (db < -30) return (db + 40) * 1.5 + 15;
  if (db < -20) return (db + 30) * 2 + 30;
  if (db < 6) return (db + 20) * 2.5 + 50;
  return 115;
}

/** The level (0..13) a law gives `db` (NaN and -Infinity = 0). */
export function meterLevel(db: number, law: MeterLaw = 'ardour'): number {
  if (Number.isNaN(db)) return 0;
  if (law === 'linear70') {
    if (db >= 0) return METER_LEVEL_MAX;
    return Math.max(0, Math.min(METER_LEVEL_MAX, Math.trunc(((db + 70) * 13) / 70)));
  }
  return Math.round((ardourDeflection(db) / 115) * 13);
}

/** Whether a law lights the overload LED at `db`. */
export function meterOverload(db: number, law: MeterLaw = 'ardour'): boolean {
  return law === 'ardour' && ardourDeflection(db) > 100;
}

/**
 * Meter feedback for one unit: the level messages for a new reading, with the overload LED sent
 * only on its transitions (as Ardour does). Pure state, no timers: the driver calls `update` at
 * its meter rate (refreshing unchanged levels too, as the unit decays them and the SSL UF8 turns
 * a meter off without fresh values) and `reset` after a reconnect.
 */
export class MeterFeedback {
  private readonly law: MeterLaw;
  private readonly overload: boolean[];

  constructor(law: MeterLaw = 'ardour', strips = 8) {
    this.law = law;
    this.overload = new Array<boolean>(strips).fill(false);
  }

  update(strip: number, db: number): McuHostMessage[] {
    if (!(strip >= 0 && strip < this.overload.length)) return [];
    const out: McuHostMessage[] = [];
    const over = meterOverload(db, this.law);
    if (over !== this.overload[strip]) {
      this.overload[strip] = over;
      out.push({ type: 'meterOverload', strip, on: over });
    }
    out.push({ type: 'meter', strip, level: meterLevel(db, this.law) });
    return out;
  }

  /** The unit's overload LEDs are unknown again (reconnect): assume off. */
  reset(): void {
    this.overload.fill(false);
  }
}
