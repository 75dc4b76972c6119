/**
 * The engine's tapers (engine/params/param-spec.ts) on the client side: plain value <-> the
 * normalized 0..1 position the range inputs use. Pure, no DOM.
 */
import type { ParamInfo } from '../../protocol/index.ts';

const LOG2_OF_10_OVER_20 = Math.log2(10) / 20;

type Range = Pick<ParamInfo, 'min' | 'max' | 'taper' | 'steps'>;

export function clampValue(info: Range, value: number): number {
  return Math.min(info.max, Math.max(info.min, value));
}

export function positionOf(info: Range, value: number): number {
  const v = clampValue(info, value);
  switch (info.taper) {
    case 'log':
      return info.min > 0 ? Math.log(v / info.min) / Math.log(info.max / info.min) : 0;
    case 'faderdB': {
      if (v <= info.min) return 0;
      const base = (6 * v * LOG2_OF_10_OVER_20 + 192) / 198;
      return base <= 0 ? 0 : Math.min(1, base ** 8);
    }
    default:
      return info.max === info.min ? 0 : (v - info.min) / (info.max - info.min);
  }
}

export function valueAt(info: Range, position: number): number {
  const p = Math.min(1, Math.max(0, position));
  switch (info.taper) {
    case 'log':
      return clampValue(info, info.min * (info.max / info.min) ** p);
    case 'faderdB': {
      if (p <= 0) return info.min;
      return clampValue(info, (p ** (1 / 8) * 198 - 192) / 6 / LOG2_OF_10_OVER_20);
    }
    case 'stepped': {
      const steps = info.steps ?? 2;
      const size = (info.max - info.min) / (steps - 1);
      return info.min + Math.round((p * (info.max - info.min)) / size) * size;
    }
    default:
      return info.min + p * (info.max - info.min);
  }
}
