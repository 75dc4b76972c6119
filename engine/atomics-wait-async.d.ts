// Node 20 (V8 11) has Atomics.waitAsync; TypeScript only declares it from lib es2024, which
// would also admit APIs Node 20 lacks (Promise.withResolvers, Object.groupBy).
interface Atomics {
  waitAsync(
    typedArray: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}
