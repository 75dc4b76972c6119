import { readFileSync } from 'node:fs';
import initWabt from 'wabt';

/**
 * WebAssembly SIMD kernels, written as text (`.wat` beside this file) and assembled when the
 * engine loads, once per thread, by wabt (the WebAssembly project's own toolkit, on npm). Why text
 * assembled at load rather than a compiled artefact: nothing to build or keep in step, the source
 * is what runs, and the assembler costs ~45 ms once. Why WebAssembly at all: V8 does not vectorise
 * JavaScript, and the FIR interpolators behind true peak run 4 lanes wide in f32x4.
 *
 * Every kernel imports its memory as `env.memory`, so one compiled module serves any number of
 * instances, each with its own memory sized by its owner. Kernels take and return only i32
 * (addresses and counts) and leave results in memory: a double crossing the JS/Wasm boundary may
 * be boxed, which the audio thread must not do.
 */
const wabt = await initWabt();
const modules = new Map<string, WebAssembly.Module>();

/** The compiled module of `name.wat` (beside this file), compiled on first use. */
export function kernelModule(name: string): WebAssembly.Module {
  const cached = modules.get(name);
  if (cached) return cached;
  const url = new URL(`./${name}.wat`, import.meta.url);
  const parsed = wabt.parseWat(`${name}.wat`, readFileSync(url, 'utf8'), { simd: true, bulk_memory: true });
  try {
    parsed.validate();
    // A copy: typed as Uint8Array<ArrayBuffer>, which the DOM library (browser-test build) requires.
    const module = new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
    modules.set(name, module);
    return module;
  } finally {
    parsed.destroy();
  }
}

/** Bytes in one WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;

/**
 * A kernel instance with its own memory of at least `bytes`. The memory never grows, so typed
 * array views taken on `memory.buffer` stay valid for the instance's life.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names its kernel's exports
export function instantiateKernel<Exports extends WebAssembly.Exports>(
  name: string,
  bytes: number,
): { exports: Exports; memory: WebAssembly.Memory } {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(kernelModule(name), { env: { memory } });
  return { exports: instance.exports as Exports, memory };
}
