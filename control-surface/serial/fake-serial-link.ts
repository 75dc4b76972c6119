import type { SerialLink } from './serial-link.ts';

/**
 * Two in-memory link ends wired to each other, like a null-modem cable. Bytes arrive on the
 * other end asynchronously (next microtask), as they would from a port. `cut()` simulates an
 * unplug on both ends.
 */
export function createFakeLinkPair(): { host: SerialLink & { cut(): void }; device: SerialLink } {
  const listeners: [((b: Uint8Array) => void)[], ((b: Uint8Array) => void)[]] = [[], []];
  const closeListeners: [((r: string) => void)[], ((r: string) => void)[]] = [[], []];
  let cut = false;
  const end = (self: 0 | 1): SerialLink => ({
    write: (bytes) => {
      if (cut) return;
      const copy = Uint8Array.from(bytes);
      queueMicrotask(() => {
        if (!cut) for (const listener of listeners[self === 0 ? 1 : 0]) listener(copy);
      });
    },
    onData: (listener) => listeners[self].push(listener),
    onClose: (listener) => closeListeners[self].push(listener),
    close: () => {
      cut = true;
      return Promise.resolve();
    },
  });
  const host = end(0);
  return {
    host: {
      ...host,
      cut: () => {
        cut = true;
        for (const side of closeListeners) for (const listener of side) listener('cut');
      },
    },
    device: end(1),
  };
}
