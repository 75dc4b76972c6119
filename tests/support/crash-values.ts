/** The 2000 parameter values of crash-test round `round` (plain numbers, distinct per round). */
export function crashValues(round: number): Record<string, number> {
  const values: Record<string, number> = {};
  for (let k = 0; k < 2000; k++) {
    values[`strip/${String(1 + (k % 64)).padStart(2, '0')}/p${k}`] = round * 10_000 + k + 0.25;
  }
  return values;
}
