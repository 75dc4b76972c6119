const SMALLEST_NORMAL = 2.2250738585072014e-308;
const SMALLEST_NORMAL_F32 = 1.1754943508222875e-38;

/**
 * Counts subnormal values in every typed array reachable from `root` through own properties
 * (depth-limited). Subnormal state makes JS DSP ~25x slower; after silence, a processor that
 * flushes its state shows zero here.
 */
export function countSubnormals(root: unknown, depth = 4): number {
  const seen = new Set<unknown>();
  const visit = (value: unknown, level: number): number => {
    if (value === null || typeof value !== 'object' || seen.has(value) || level < 0) return 0;
    seen.add(value);
    if (value instanceof Float64Array || value instanceof Float32Array) {
      const limit = value instanceof Float32Array ? SMALLEST_NORMAL_F32 : SMALLEST_NORMAL;
      let count = 0;
      for (const x of value) if (x !== 0 && Math.abs(x) < limit) count++;
      return count;
    }
    if (ArrayBuffer.isView(value)) return 0;
    let count = 0;
    const entries = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    for (const child of entries) count += visit(child, level - 1);
    return count;
  };
  return visit(root, depth);
}
