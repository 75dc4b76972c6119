/** One line per figure: name, value, unit, ratio to a reference measured in the same run, and the reference. */
export function report(
  name: string,
  value: number,
  unit: string,
  reference: number,
  referenceName: string,
): void {
  const ratio = reference === 0 ? Number.NaN : value / reference;
  const shown = Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(4);
  console.log(
    `${name.padEnd(28)} ${shown.padStart(12)} ${unit.padEnd(8)} ratio ${ratio.toFixed(3).padStart(8)}  vs ${referenceName}`,
  );
}
