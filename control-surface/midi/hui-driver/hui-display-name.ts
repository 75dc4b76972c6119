import { displayChars } from '../display-text.ts';

/**
 * A name for a HUI strip display (4 characters): as is when it fits; else without spaces; else
 * cut, keeping a trailing number whole, so "Ch 10" reads "Ch10" and "Snare 12" "Sn12", never the
 * misleading "Ch 1". Pure.
 */
export function huiDisplayName(name: string, width: number): string {
  const text = displayChars(name).trim();
  if (text.length <= width) return text;
  const packed = text.replaceAll(' ', '');
  if (packed.length <= width) return packed;
  const number = /\d+$/.exec(packed)?.[0] ?? '';
  if (number.length === 0) return packed.slice(0, width);
  if (number.length >= width) return number.slice(-width);
  return packed.slice(0, width - number.length) + number;
}
