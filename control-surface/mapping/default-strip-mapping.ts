import type { ParamStore } from '../../engine/index.ts';
import type { ControlBinding, SurfaceMapping } from './surface-mapping.ts';

/**
 * The default for a strip-per-channel surface: fader i = strip i's fader; buttons 2i / 2i+1 =
 * strip i's mute toggle / (select, unmapped); LED 2i = strip i's mute; encoder i = strip i's pan,
 * 2 % of its range per detent; 7 display characters per strip. Only parameters that exist.
 */
export function defaultStripMapping(
  counts: { faders: number; buttons: number; leds: number; encoders: number },
  params: Pick<ParamStore, 'has'>,
): SurfaceMapping {
  const bindings: ControlBinding[] = [];
  const strip = (i: number, kind: string): string => `strip/${String(i + 1).padStart(2, '0')}/${kind}`;
  const add = (binding: ControlBinding): void => {
    if (params.has(binding.param)) bindings.push(binding);
  };
  for (let i = 0; i < counts.faders; i++)
    add({ control: 'fader', index: i, param: strip(i, 'fader'), mode: { kind: 'absolute' } });
  for (let b = 0; b < counts.buttons; b += 2)
    add({ control: 'button', index: b, param: strip(b / 2, 'mute'), mode: { kind: 'toggle' } });
  for (let l = 0; l < counts.leds; l += 2)
    add({ control: 'led', index: l, param: strip(l / 2, 'mute'), mode: { kind: 'indicator' } });
  for (let i = 0; i < counts.encoders; i++) {
    add({ control: 'encoder', index: i, param: strip(i, 'pan'), mode: { kind: 'relative', step: 0.02 } });
  }
  return { name: 'strips', bindings, displayWidth: 7 };
}
