import { charCodes, displayField } from '../display-text.ts';

/**
 * HUI system exclusive: `F0 00 00 66 05 00 <type> … F7` (Mackie, HUI model 0x05).
 * Displays: 0x10 the 4-character strip displays (0..7) and the Select-Assign display (8),
 * 0x11 the time display, 0x12 the 40 x 2 main display in eight 10-character slices. Pure.
 */
export const HUI_SYSEX_HEADER = [0x00, 0x00, 0x66, 0x05, 0x00] as const;

export const HUI_DISPLAY = { small: 0x10, time: 0x11, main: 0x12 } as const;

export const SMALL_DISPLAY_WIDTH = 4;
/** Displays 0..7 are the strips, 8 the Select-Assign display. */
export const SMALL_DISPLAYS = 9;
export const MAIN_SLICE_WIDTH = 10;
/** Slices 0..3 are the top row, 4..7 the bottom row. */
export const MAIN_SLICES = 8;
export const TIME_DIGITS = 8;

export function huiSysexData(type: number, payload: readonly number[]): Uint8Array {
  return Uint8Array.from([...HUI_SYSEX_HEADER, type, ...payload], (byte) => byte & 0x7f);
}

/** The display type and payload of HUI sysex data (between F0 and F7); null for anything else. */
export function parseHuiSysex(data: Uint8Array): { type: number; payload: Uint8Array } | null {
  if (data.length < HUI_SYSEX_HEADER.length + 1) return null;
  for (let i = 0; i < HUI_SYSEX_HEADER.length; i++) if (data[i] !== HUI_SYSEX_HEADER[i]) return null;
  return { type: data[HUI_SYSEX_HEADER.length]!, payload: data.subarray(HUI_SYSEX_HEADER.length + 1) };
}

/** Display bytes: printable ASCII matches the HUI fonts (codes below 0x20 are special glyphs). */
export function displayCodes(text: string, width: number): number[] {
  return charCodes(displayField(text, width));
}

/**
 * Time display codes (MIDIKit's table): 0x0..0xF the hex digits, + 0x10 the digit's dot, 0x20
 * blank. Unknown characters are blank; "." lights the dot of the digit before it. Right aligned
 * in `TIME_DIGITS`, returned rightmost digit first (the order on the wire).
 */
export function timeDisplayDigits(text: string): number[] {
  const codes: number[] = [];
  for (const char of text.toUpperCase()) {
    const last = codes.length - 1;
    if (char === '.' && last >= 0 && codes[last]! < 0x10) {
      codes[last] = codes[last]! + 0x10;
      continue;
    }
    const digit = '0123456789ABCDEF'.indexOf(char);
    codes.push(digit >= 0 ? digit : 0x20);
  }
  const shown = codes.slice(Math.max(0, codes.length - TIME_DIGITS));
  while (shown.length < TIME_DIGITS) shown.unshift(0x20);
  return shown.reverse();
}
