/**
 * Text for surface displays (Mackie LCD, HUI displays): 7-bit sysex, fonts that match ASCII
 * only between 0x20 and 0x7E. Pure.
 */
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const WHITESPACE = /\s/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Printable ASCII as is, accents dropped ("é" -> "e"), other whitespace as a space, anything else
 * as "_" (each unit's font above 0x7E and below 0x20 is its own).
 */
export function displayChars(text: string): string {
  // The common case (names typed on a keyboard) needs no work.
  if (PRINTABLE_ASCII.test(text)) return text;
  let out = '';
  for (const char of text.normalize('NFD').replace(COMBINING_MARKS, '')) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) out += char;
    else if (WHITESPACE.test(char)) out += ' ';
    else out += '_';
  }
  return out;
}

/** `text` as exactly `width` display characters: truncated or space padded. */
export function displayField(text: string, width: number): string {
  return displayChars(text).slice(0, width).padEnd(width, ' ');
}

/** Character codes of already-clean display text. */
export function charCodes(text: string): number[] {
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) codes.push(text.charCodeAt(i) & 0x7f);
  return codes;
}
