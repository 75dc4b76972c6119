import type { McuHostMessage } from './mcu-host-messages.ts';

/**
 * The seven-segment displays: timecode, ten digits at CC 0x40..0x49 numbered right to left
 * (0x40 = rightmost), and the two-digit assignment display at CC 0x4B (left) and 0x4A (right).
 * Character code: uppercase; 0x40..0x5F -> c - 0x40 ("A" = 0x01); 0x20..0x3F as is; anything
 * else blank (0x20); + 0x40 lights the digit's decimal point. Pure.
 */
export const TIMECODE_CC = 0x40;
export const TIMECODE_DIGITS = 10;
export const ASSIGNMENT_RIGHT_CC = 0x4a;
export const ASSIGNMENT_LEFT_CC = 0x4b;
export const SEVEN_SEGMENT_BLANK = 0x20;
export const SEVEN_SEGMENT_DOT = 0x40;

export function sevenSegmentCode(char: string, dot = false): number {
  const code = char.toUpperCase().charCodeAt(0);
  let value = SEVEN_SEGMENT_BLANK;
  if (code >= 0x40 && code <= 0x5f) value = code - 0x40;
  else if (code >= 0x20 && code <= 0x3f) value = code;
  return dot ? value | SEVEN_SEGMENT_DOT : value;
}

/** The character a code shows (for emulators and logs); "." appended when the dot is lit. */
export function sevenSegmentChar(code: number): string {
  const value = code & 0x3f;
  const char = String.fromCharCode(value < 0x20 ? value + 0x40 : value);
  return (code & SEVEN_SEGMENT_DOT) !== 0 ? `${char}.` : char;
}

/**
 * Digit codes, left to right, for `text` on a display `digits` wide. A "." lights the dot of the
 * character before it, so "01.02.03.000" fills ten digits. Right aligned (timecode grows
 * leftwards); extra characters on the left are dropped.
 */
export function sevenSegmentCodes(text: string, digits: number): number[] {
  const codes: number[] = [];
  for (const char of text) {
    const last = codes.length - 1;
    if (char === '.' && last >= 0 && (codes[last]! & SEVEN_SEGMENT_DOT) === 0) {
      codes[last] = codes[last]! | SEVEN_SEGMENT_DOT;
      continue;
    }
    codes.push(sevenSegmentCode(char));
  }
  const shown = codes.slice(Math.max(0, codes.length - digits));
  while (shown.length < digits) shown.unshift(SEVEN_SEGMENT_BLANK);
  return shown;
}

/**
 * Timecode digits that differ between `previous` (null = unknown: all ten) and `next`, rightmost
 * first (the digits that change most often go out first, as Ardour does).
 */
export function timecodeUpdates(previous: string | null, next: string): McuHostMessage[] {
  const after = sevenSegmentCodes(next, TIMECODE_DIGITS);
  const before = previous === null ? null : sevenSegmentCodes(previous, TIMECODE_DIGITS);
  const out: McuHostMessage[] = [];
  for (let digit = 0; digit < TIMECODE_DIGITS; digit++) {
    const index = TIMECODE_DIGITS - 1 - digit;
    const code = after[index]!;
    if (before?.[index] !== code) out.push({ type: 'timecodeDigit', digit, code });
  }
  return out;
}

/** Both assignment digits, left (CC 0x4B) first, as Ardour and Tracktion send them. */
export function assignmentUpdates(text: string): McuHostMessage[] {
  const [left, right] = sevenSegmentCodes(text, 2);
  return [
    { type: 'assignmentDigit', digit: 1, code: left! },
    { type: 'assignmentDigit', digit: 0, code: right! },
  ];
}
