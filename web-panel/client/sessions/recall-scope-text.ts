/**
 * The recall dialog's text fields as scope and safes: "1-4, 7" -> [1, 2, 3, 4, 7]; a comma list
 * of parameter ids or prefixes ("strip/05/", "master/fader") -> safes. Pure, no DOM.
 */

/** Numbers and ranges, each within 1..max; or, when the text is not one, the reason. */
export function parseNumberList(text: string, max: number): number[] | string {
  const numbers = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (match === null) return `"${part}" is not a number or a range like 1-4`;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to > max || to < from) return `"${part}" is outside 1 to ${max}`;
    for (let n = from; n <= to; n++) numbers.add(n);
  }
  return [...numbers].sort((a, b) => a - b);
}

export function parseSafes(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
