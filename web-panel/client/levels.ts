/**
 * Pure level maths and formatting shared by the strip, meter and status bar. No DOM.
 */
import type { AudioStatus, ParamInfo } from '../protocol/index.ts';

/** Meter scale: what a mix engineer reads, not the full float range. */
export const METER_FLOOR_DB = -60;
export const METER_CEIL_DB = 6;

export function linearToDb(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}

/** 0..1 height on the meter scale; below the floor is empty, above the ceiling is full. */
export function meterFraction(db: number): number {
  if (!(db > METER_FLOOR_DB)) return 0;
  return Math.min(1, (db - METER_FLOOR_DB) / (METER_CEIL_DB - METER_FLOOR_DB));
}

/** One decimal, "-inf" for silence; never "-0.0" (reads like a bug on a console). */
export function formatDb(db: number): string {
  if (!Number.isFinite(db)) return db > 0 ? '+inf' : '-inf';
  const text = db.toFixed(1);
  return text === '-0.0' ? '0.0' : text;
}

/** Fader readout: the bottom of the fader is silence, whatever number the engine uses for it. */
export function formatFader(info: ParamInfo): string {
  return info.value <= info.min ? '-inf' : formatDb(info.value);
}

/** Pan/balance in the usual console notation: C, L30, R100. */
export function formatPan(value: number): string {
  const amount = Math.round(Math.abs(value) * 100);
  if (amount === 0) return 'C';
  return `${value < 0 ? 'L' : 'R'}${amount}`;
}

const LOG2_OF_10_OVER_20 = Math.log2(10) / 20;

/**
 * Control position of a plain dB value, for drawing the fader scale. Mirrors the engine's tapers
 * (engine/params/param-spec.ts); returns null for tapers the scale does not draw.
 */
export function dbToPosition(info: ParamInfo, db: number): number | null {
  const v = Math.min(info.max, Math.max(info.min, db));
  switch (info.taper) {
    case 'linear':
      return info.max === info.min ? 0 : (v - info.min) / (info.max - info.min);
    case 'faderdB': {
      if (v <= info.min) return 0;
      const base = (6 * v * LOG2_OF_10_OVER_20 + 192) / 198;
      return base <= 0 ? 0 : Math.min(1, base ** 8);
    }
    default:
      return null;
  }
}

export interface StatusPart {
  readonly text: string;
  readonly level: 'ok' | 'warn' | 'bad';
}

/** The status line, split so the bar can colour xruns and DSP load without changing the text. */
export function statusParts(status: AudioStatus): StatusPart[] {
  // dspLoad is the fraction of the block period spent processing (1 = no headroom left).
  const dsp = Math.round(status.dspLoad * 100);
  return [
    { text: status.backend, level: status.fault === undefined ? 'ok' : 'bad' },
    { text: status.device, level: 'ok' },
    { text: `${status.sampleRate} Hz`, level: 'ok' },
    { text: `${status.blockSize} frames`, level: 'ok' },
    { text: `xruns ${status.xruns}`, level: status.xruns > 0 ? 'warn' : 'ok' },
    { text: `DSP ${dsp}%`, level: dsp >= 90 ? 'bad' : dsp >= 70 ? 'warn' : 'ok' },
  ];
}

/** Fault banner text; the engine's message may or may not already say what happened. */
export function faultText(fault: string): string {
  const prefix = /audio device/i.test(fault) ? '' : 'Audio device failed: ';
  const suffix = /virtual clock/i.test(fault) ? '' : ' — running on virtual clock';
  return `${prefix}${fault}${suffix}`;
}
