/**
 * Scribble-strip colours, two vendor dialects (reference §1.11). Pure.
 * - Behringer X-Touch / X-Touch Ext (and X-Touch One): `F0 00 00 66 <model> 72 c1..c8 F7`,
 *   c = bit 0 red, bit 1 green, bit 2 blue (0 = black: the strip's display is dark).
 * - iCON P1-M / V1-M / P1-nano: `F0 00 02 4E 16 14 (R G B)×8 F7`, each 0..127.
 */
export const XTOUCH_COLOUR = {
  off: 0,
  red: 1,
  green: 2,
  yellow: 3,
  blue: 4,
  magenta: 5,
  cyan: 6,
  white: 7,
} as const;
export type XTouchColour = keyof typeof XTOUCH_COLOUR;
const XTOUCH_COLOURS: readonly XTouchColour[] = [
  'off',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
];

export const COLOUR_STRIPS = 8;

/** 7-bit per channel, as the iCON dialect sends them. */
export interface RgbColour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export function xtouchColourFromCode(code: number): XTouchColour {
  return XTOUCH_COLOURS[code & 7]!;
}

/**
 * The nearest of the eight X-Touch colours to an 8-bit RGB colour (each channel on or off at
 * half scale: the eight colours are the corners of the RGB cube). A colour that comes out black
 * is shown white: black would switch the strip's display off (Ardour and DrivenByMoss do the same).
 */
export function nearestXTouchColour(red: number, green: number, blue: number): XTouchColour {
  const code = (red >= 128 ? 1 : 0) | (green >= 128 ? 2 : 0) | (blue >= 128 ? 4 : 0);
  return code === 0 ? 'white' : XTOUCH_COLOURS[code]!;
}

/** The iCON 7-bit colour for an 8-bit RGB colour. */
export function iconColourFromRgb8(red: number, green: number, blue: number): RgbColour {
  const seven = (value: number): number => Math.max(0, Math.min(127, Math.round(value) >> 1));
  return { r: seven(red), g: seven(green), b: seven(blue) };
}
