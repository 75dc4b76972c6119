import type { ParamStore } from '../../engine/index.ts';

/** What each control of a fader board drives (data; a user mapping file can replace it). */
export interface FaderSurfaceMapping {
  /** Param id per fader index (null: unmapped). */
  readonly faders: readonly (string | null)[];
  /** Param id per button index, toggled on press (0/1 params). */
  readonly toggleButtons: readonly (string | null)[];
  /** Param id per LED index that shows a 0/1 param. */
  readonly leds: readonly (string | null)[];
  /** Param id per encoder index, moved by `encoderStep` of its range per detent. */
  readonly encoders: readonly (string | null)[];
  readonly encoderStep: number;
  /** Characters per strip on display 0; strip i starts at i * width. */
  readonly displayWidth: number;
}

/**
 * The default: fader i = strip i's fader, buttons 2i/2i+1 = strip i's mute (select is unmapped),
 * LED 2i = strip i's mute, encoder i = strip i's pan (2 % per detent), 7 characters per strip.
 */
export function defaultStripMapping(
  counts: { faders: number; buttons: number; leds: number; encoders: number },
  params: Pick<ParamStore, 'has'>,
): FaderSurfaceMapping {
  const strip = (i: number, kind: string): string | null => {
    const id = `strip/${String(i + 1).padStart(2, '0')}/${kind}`;
    return params.has(id) ? id : null;
  };
  return {
    faders: Array.from({ length: counts.faders }, (_, i) => strip(i, 'fader')),
    toggleButtons: Array.from({ length: counts.buttons }, (_, b) =>
      b % 2 === 0 ? strip(b / 2, 'mute') : null,
    ),
    leds: Array.from({ length: counts.leds }, (_, l) => (l % 2 === 0 ? strip(l / 2, 'mute') : null)),
    encoders: Array.from({ length: counts.encoders }, (_, i) => strip(i, 'pan')),
    encoderStep: 0.02,
    displayWidth: 7,
  };
}
