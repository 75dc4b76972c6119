/**
 * Samples that differ between `out` and `ref` (first `length` frames of each of `channels`), and
 * the largest difference in float32 steps (ulps of the reference sample).
 */
export function compareFloat32(
  out: readonly Float32Array[],
  ref: readonly Float32Array[],
  channels: number,
  length = out[0]?.length ?? 0,
): { differing: number; worstSteps: number } {
  let differing = 0;
  let worstSteps = 0;
  for (let c = 0; c < channels; c++) {
    const a = out[c]!;
    const b = ref[c]!;
    for (let i = 0; i < length; i++) {
      if (a[i] === b[i]) continue;
      differing++;
      const step = 2 ** (Math.floor(Math.log2(Math.abs(b[i]!) || 2 ** -149)) - 23);
      worstSteps = Math.max(worstSteps, Math.abs(a[i]! - b[i]!) / step);
    }
  }
  return { differing, worstSteps };
}
