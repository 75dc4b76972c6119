import { displayField } from '../display-text.ts';
import type { McuHostMessage } from './mcu-host-messages.ts';

/**
 * The Mackie Control LCD: a 2 x 56 character buffer (55 visible per row), written with
 * `F0 00 00 66 <model> 12 <offset> <chars…> F7`; offsets 0x00..0x37 top row, 0x38..0x6F bottom,
 * a write wraps from the top row into the bottom one. Each strip owns 7 columns. Pure.
 */
export const LCD_ROW_LENGTH = 56;
export const LCD_ROWS = 2;
export const LCD_LENGTH = LCD_ROW_LENGTH * LCD_ROWS;
export const LCD_CELL_WIDTH = 7;
/** Bytes of one LCD message besides its characters: F0 00 00 66 mm 12 oo … F7. */
export const LCD_MESSAGE_OVERHEAD = 8;

/**
 * How a strip's 7 columns are filled.
 * - `separated` (Ardour; default for one continuous LCD such as the MCU's): 6 characters and a
 *   space, so neighbouring names never run together; strip 7 writes only its 6 characters.
 * - `full` (Reaper, CSI; for units with a separate display per strip, such as the X-Touch):
 *   all 7 characters, space padded.
 */
export type LcdCellStyle = 'separated' | 'full';

/** LCD offset of a strip's cell: strip * 7 + row * 0x38. */
export function lcdCellOffset(strip: number, row: 0 | 1): number {
  return strip * LCD_CELL_WIDTH + row * LCD_ROW_LENGTH;
}

/** What a strip writes into its cell (see `LcdCellStyle`); strip 7 `separated` is 6 characters. */
export function lcdStripCell(text: string, strip: number, style: LcdCellStyle): string {
  if (style === 'full') return displayField(text, LCD_CELL_WIDTH);
  const name = displayField(text, LCD_CELL_WIDTH - 1);
  return strip === 7 ? name : `${name} `;
}

/**
 * The whole 112-character buffer from up to 8 strip labels per row (missing labels are blank).
 * The 56th column of each row is invisible and always a space.
 */
export function composeLcd(top: readonly string[], bottom: readonly string[], style: LcdCellStyle): string {
  const row = (labels: readonly string[]): string => {
    let text = '';
    for (let strip = 0; strip < 8; strip++) text += lcdStripCell(labels[strip] ?? '', strip, style);
    return text.padEnd(LCD_ROW_LENGTH, ' ');
  };
  return row(top) + row(bottom);
}

/** A 112-character buffer from free text (e.g. a message across the display). */
export function normalizeLcd(text: string): string {
  return displayField(text, LCD_LENGTH);
}

export interface LcdSpan {
  readonly offset: number;
  readonly text: string;
}

/**
 * The fewest bytes that turn the display `previous` into `next` (both 112-character buffers;
 * `null` = unknown, e.g. after a reconnect: everything is sent). Each run of changed characters
 * is a span; two spans are merged when the unchanged gap between them is at most the 8 bytes a
 * separate message would cost, so the total byte count is minimal (each gap is decided on its own,
 * and a tie goes to fewer messages: units drop sysex bursts).
 */
export function lcdChangedSpans(previous: string | null, next: string): LcdSpan[] {
  const after = normalizeLcd(next);
  if (previous === null) return [{ offset: 0, text: after }];
  const before = normalizeLcd(previous);
  const spans: LcdSpan[] = [];
  let start = -1;
  let end = -1;
  for (let i = 0; i < LCD_LENGTH; i++) {
    if (before.charCodeAt(i) === after.charCodeAt(i)) continue;
    if (start >= 0 && i - end - 1 > LCD_MESSAGE_OVERHEAD) {
      spans.push({ offset: start, text: after.slice(start, end + 1) });
      start = -1;
    }
    if (start < 0) start = i;
    end = i;
  }
  if (start >= 0) spans.push({ offset: start, text: after.slice(start, end + 1) });
  return spans;
}

/** `lcdChangedSpans` as host messages for a unit with model byte `model`. */
export function lcdUpdates(model: number, previous: string | null, next: string): McuHostMessage[] {
  return lcdChangedSpans(previous, next).map((span) => ({
    type: 'lcd',
    model,
    offset: span.offset,
    text: span.text,
  }));
}
