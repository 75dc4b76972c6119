import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cobsDecode,
  cobsEncode,
  crc16CcittFalse,
  decodeFrame,
  encodeFrame,
  StreamDecoder,
  type FrameError,
  type Message,
} from '../../firmware-protocol/index.ts';

interface Vectors {
  crc16: { input_ascii: string; check: string };
  cobs: { data: string; encoded: string }[];
  frames: { name: string; seq: number; message: Message; bytes: string }[];
  corrupt: { name: string; bytes: string; error: FrameError }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../firmware-protocol/vectors.json', import.meta.url), 'utf8'),
) as Vectors;
const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.split(' ').filter(Boolean), (h) => Number.parseInt(h, 16));
const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
/** The bytes between the delimiters: what decodeFrame takes. */
const body = (wire: Uint8Array): Uint8Array => wire.subarray(0, wire.length - 1);

/** mulberry32: deterministic noise for the fuzz and noise tests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CRC-16/CCITT-FALSE and COBS', () => {
  it('has the standard check value 0x29B1 for "123456789"', () => {
    expect(crc16CcittFalse(new TextEncoder().encode(vectors.crc16.input_ascii))).toBe(
      Number.parseInt(vectors.crc16.check, 16),
    );
  });

  it('encodes and decodes the COBS cases from the literature', () => {
    for (const { data, encoded } of vectors.cobs) {
      expect(toHex(cobsEncode(fromHex(data)))).toBe(encoded);
      expect(toHex(cobsDecode(fromHex(encoded))!)).toBe(data);
    }
  });
});

describe('frame vectors', () => {
  it.each(vectors.frames)('$name: encodes to the vector and decodes back', ({ message, seq, bytes }) => {
    expect(toHex(encodeFrame(message, seq))).toBe(bytes);
    expect(decodeFrame(body(fromHex(bytes)))).toEqual({ ok: true, seq, message });
  });

  it.each(vectors.corrupt)('rejects $name as $error', ({ bytes, error }) => {
    const result = decodeFrame(body(fromHex(bytes)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBe(error);
  });

  it('a vector changed by one bit never decodes to its message', () => {
    let checked = 0;
    for (const { bytes, message, seq } of vectors.frames) {
      const wire = body(fromHex(bytes));
      for (let i = 0; i < wire.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const flipped = Uint8Array.from(wire);
          flipped[i] = flipped[i]! ^ (1 << bit);
          const result = decodeFrame(flipped);
          expect(
            result.ok && result.seq === seq && JSON.stringify(result.message) === JSON.stringify(message),
          ).toBe(false);
          // A single flipped bit is always caught (CRC-16 detects every 1-bit error).
          expect(result.ok).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('refuses to encode values the protocol cannot carry', () => {
    expect(() => encodeFrame({ type: 'encoder', encoder: 0, delta: 200 }, 0)).toThrow(RangeError);
    expect(() => encodeFrame({ type: 'displayText', display: 0, offset: 0, text: 'tab\there' }, 0)).toThrow(
      RangeError,
    );
    expect(() => encodeFrame({ type: 'faderSetpoint', setpoints: [] }, 0)).toThrow(RangeError);
  });
});

describe('stream decoder', () => {
  it('decodes every valid frame with random noise injected between frames, counting the noise', () => {
    const next = random(7);
    const frames = vectors.frames.map((f) => fromHex(f.bytes));
    const chunks: number[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const noise = Math.floor(next() * 12);
      for (let n = 0; n < noise; n++) chunks.push(Math.floor(next() * 256));
      const pick = Math.floor(next() * frames.length);
      chunks.push(0, ...frames[pick]!); // the sender's leading delimiter (PROTOCOL.md §2)
      expected.push(vectors.frames[pick]!.name);
    }
    const decoder = new StreamDecoder();
    // Deliver in random chunk sizes, as a serial port does.
    const stream = Uint8Array.from(chunks);
    const results = [];
    for (let at = 0; at < stream.length;) {
      const size = 1 + Math.floor(next() * 64);
      results.push(...decoder.push(stream.subarray(at, at + size)));
      at += size;
    }
    const decoded = results.filter((r) => r.ok);
    expect(decoded).toHaveLength(expected.length);
    decoded.forEach((result, i) => {
      const vector = vectors.frames.find((f) => f.name === expected[i])!;
      expect(result).toEqual({ ok: true, seq: vector.seq, message: vector.message });
    });
    const rejected = results.length - decoded.length;
    const counted = Object.entries(decoder.counters)
      .filter(([key]) => key !== 'frames')
      .reduce((sum, [, count]) => sum + count, 0);
    expect(counted).toBe(rejected);
    expect(rejected).toBeGreaterThan(1000);
    expect(decoder.counters.frames).toBe(expected.length);
  });

  it('drops a run longer than a frame can be, and resynchronises at the next delimiter', () => {
    const decoder = new StreamDecoder();
    const ping = fromHex(vectors.frames.find((f) => f.message.type === 'ping')!.bytes);
    const results = decoder.push(Uint8Array.from([...new Array<number>(1000).fill(0x55), 0, ...ping]));
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual(['too-long', 'ok']);
  });
});

describe('decoder fuzzing', () => {
  it('never throws on 10^6 random buffers and accepts no more than CRC-16 allows', () => {
    const next = random(1234);
    const decoder = new StreamDecoder();
    let accepted = 0;
    const trials = 1_000_000;
    const buffer = new Uint8Array(300);
    for (let t = 0; t < trials; t++) {
      const length = Math.floor(next() * 300);
      for (let i = 0; i < length; i++) buffer[i] = next() < 0.02 ? 0 : Math.floor(next() * 256);
      const slice = buffer.subarray(0, length);
      if (decodeFrame(slice).ok) accepted++;
      if (t % 10 === 0) for (const result of decoder.push(slice)) if (result.ok) accepted++;
    }
    console.log(`random buffers: ${accepted} accepted of ${trials}+`);
    expect(accepted).toBeLessThanOrEqual(Math.ceil((3 * 1.1 * trials) / 65536) + 5);
  }, 60_000);

  it('bit flips, byte substitutions and truncations of valid frames: corrupt frames accepted no more often than CRC-16 allows', () => {
    const next = random(99);
    const frames = vectors.frames.map((f) => body(fromHex(f.bytes)));
    let accepted = 0;
    const trials = 1_000_000;
    for (let t = 0; t < trials; t++) {
      const original = frames[t % frames.length]!;
      const mutated = Uint8Array.from(original);
      const kind = t % 3;
      if (kind === 0) {
        const flips = 1 + Math.floor(next() * 4);
        for (let f = 0; f < flips; f++) {
          const at = Math.floor(next() * mutated.length);
          mutated[at] = mutated[at]! ^ (1 << Math.floor(next() * 8));
        }
      } else if (kind === 1) {
        const at = Math.floor(next() * mutated.length);
        mutated[at] = (mutated[at]! + 1 + Math.floor(next() * 255)) & 0xff;
      }
      const candidate = kind === 2 ? mutated.subarray(0, Math.floor(next() * mutated.length)) : mutated;
      const result = decodeFrame(candidate);
      if (result.ok && toHex(candidate) !== toHex(original)) accepted++;
    }
    console.log(`mutated frames: ${accepted} corrupt frames accepted of ${trials}`);
    expect(accepted).toBeLessThanOrEqual(Math.ceil((3 * trials) / 65536) + 5);
  }, 60_000);
});
