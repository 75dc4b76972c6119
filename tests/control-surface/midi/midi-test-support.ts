/** Shared by the MIDI protocol tests: hex as written in control-surfaces.md, seeded noise. */
import { concatBytes } from '../../../control-surface/midi/midi-message.ts';

/** "F0 00 00 66 14 00 F7" (uppercase, single spaces), as the reference writes bytes. */
export const hex = (bytes: Uint8Array | readonly number[]): string =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

export const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.split(/\s+/).filter(Boolean), (h) => Number.parseInt(h, 16));

export const joined = (parts: readonly Uint8Array[]): string => hex(concatBytes(parts));

/** mulberry32: deterministic noise for the property and flood tests. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (next: () => number, below: number): number => Math.floor(next() * below);

/** `count` uniformly random bytes. */
export function randomBytes(next: () => number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = randomInt(next, 256);
  return out;
}

/** Splits `bytes` into random chunks (1..8 bytes), as MIDI drivers deliver them. */
export function randomChunks(next: () => number, bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + randomInt(next, 8);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
