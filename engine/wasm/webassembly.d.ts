// The part of the WebAssembly JS API the kernels use. TypeScript declares WebAssembly only in its
// DOM library, which the Node code does not load, and @types/node 20 does not declare it.
declare namespace WebAssembly {
  type ExportValue = ((...args: number[]) => unknown) | Memory;
  type Exports = Record<string, ExportValue>;
  type Imports = Record<string, Record<string, Memory | number | ((...args: number[]) => unknown)>>;

  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- mirrors the JS API's class
  class Module {
    constructor(bytes: ArrayBuffer | ArrayBufferView);
  }

  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }

  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }

  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }

  function validate(bytes: ArrayBuffer | ArrayBufferView): boolean;
}
