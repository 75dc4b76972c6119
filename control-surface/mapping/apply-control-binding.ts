import type { ConsoleParams } from '../serial/fader-surface-driver.ts';
import type { ControlBinding } from './surface-mapping.ts';

/**
 * One control input through its binding's mode, as every surface driver applies it: a fader's
 * position (the parameter's taper applies), a button press flipping a 0/1 parameter, or encoder
 * detents moving the position by `step` each. LEDs (indicators) take no input.
 */
export function applyControlBinding(
  params: ConsoleParams,
  binding: ControlBinding,
  input: number,
  source: string,
): void {
  switch (binding.mode.kind) {
    case 'absolute':
      params.setPosition(binding.param, input, source);
      return;
    case 'toggle':
      params.set(binding.param, params.get(binding.param) >= 0.5 ? 0 : 1, source);
      return;
    case 'relative':
      params.setPosition(binding.param, params.position(binding.param) + input * binding.mode.step, source);
      return;
    case 'indicator':
      return;
  }
}

/**
 * The bank offset a surface of `surfaceStrips` strips may move to: within 0 .. the start of the
 * console's last bank, so a bank step never shows an empty bank and channel steps reach every strip.
 */
export function bankOffset(target: number, consoleStrips: number, surfaceStrips: number): number {
  const step = Math.max(1, surfaceStrips);
  const last = consoleStrips === 0 ? 0 : Math.floor((consoleStrips - 1) / step) * step;
  return Math.max(0, Math.min(target, last));
}
