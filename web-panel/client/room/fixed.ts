/** A measured number to `digits` decimals, or a dash while there is none. */
export const fixed = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '—' : value.toFixed(digits);
