/**
 * A parameter's value in plain units as a console shows it (-6.0 dB, 2.50 kHz, 4.0:1, L30, on),
 * and the words for its unit in accessible labels. Pure, no DOM.
 */
import type { ParamInfo } from '../../protocol/index.ts';
import { formatDb, formatPan } from '../levels.ts';

function formatHz(hz: number): string {
  if (hz >= 1000) return `${(hz / 1000).toFixed(hz >= 10000 ? 1 : 2)} kHz`;
  return `${hz.toFixed(hz < 100 ? 1 : 0)} Hz`;
}

export function formatValue(
  info: Pick<ParamInfo, 'unit' | 'min' | 'taper' | 'choices'>,
  value: number,
): string {
  switch (info.unit) {
    case 'dB':
      // The bottom of a fader is silence, whatever number the engine uses for it.
      return info.taper === 'faderdB' && value <= info.min ? '-inf dB' : `${formatDb(value)} dB`;
    case 'Hz':
      return formatHz(value);
    case 'Q':
      return `Q ${value.toFixed(2)}`;
    case 'ratio':
      return `${value.toFixed(value >= 10 ? 0 : 1)}:1`;
    case 'ms':
      return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    case 's':
      return `${value.toFixed(2)} s`;
    case '%':
      return `${value.toFixed(0)} %`;
    case 'bpm':
      return `${value.toFixed(1)} bpm`;
    case 'pan':
      return formatPan(value);
    case 'bool':
      return value >= 0.5 ? 'on' : 'off';
    case 'enum':
      return info.choices?.[Math.round(value)] ?? String(value);
    default:
      return String(value);
  }
}

const UNIT_WORDS: Readonly<Record<string, string>> = {
  dB: 'dB',
  Hz: 'Hz',
  Q: 'Q',
  ratio: 'ratio to 1',
  ms: 'milliseconds',
  s: 'seconds',
  '%': 'percent',
  bpm: 'beats per minute',
  pan: 'left to right',
};

/** Accessible name: the engine's label (it names the strip) and the unit. */
export function accessibleLabel(info: Pick<ParamInfo, 'label' | 'unit'>): string {
  const unit = UNIT_WORDS[info.unit];
  return unit === undefined ? info.label : `${info.label} (${unit})`;
}
