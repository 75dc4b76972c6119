import type { ParamSpec } from '../../engine/index.ts';

/**
 * A parameter value as a surface display shows it, in at most `width` characters (Mackie strips
 * have 6-7, HUI 4): the unit only when it fits. Pure.
 */
export function paramValueText(spec: ParamSpec, value: number, width: number): string {
  const fit = (text: string, unit = ''): string =>
    text.length + unit.length <= width ? text + unit : text.slice(0, width);
  switch (spec.unit) {
    case 'bool':
      return fit(value >= 0.5 ? 'on' : 'off');
    case 'enum':
      return fit(spec.choices?.[Math.round(value)] ?? String(Math.round(value)));
    case 'pan': {
      const amount = Math.round(Math.abs(value) * 100);
      if (amount === 0) return fit('C');
      return fit(`${value < 0 ? 'L' : 'R'}${amount}`);
    }
    case 'dB':
      if (spec.taper === 'faderdB' && value <= spec.min) return fit('-inf');
      return fit(number(value, width, true, 1), 'dB');
    case 'Hz':
      return value >= 1000
        ? fit(number(value / 1000, width - 1, false) + 'k', 'Hz')
        : fit(number(value, width, false), 'Hz');
    case '%':
      return fit(number(value, width - 1, false), '%');
    default:
      return fit(number(value, width, false), spec.unit);
  }
}

/** As many decimals (up to `maxDecimals`) as fit; signed: +3 dB reads "+3.0". */
function number(value: number, width: number, signed: boolean, maxDecimals = 2): string {
  const sign = signed && value > 0.05 ? '+' : '';
  for (let decimals = maxDecimals; decimals > 0; decimals--) {
    const text = sign + value.toFixed(decimals);
    if (text.length <= width && (decimals === 1 || Math.abs(value) < 10)) return text;
  }
  return sign + Math.round(value).toString();
}
