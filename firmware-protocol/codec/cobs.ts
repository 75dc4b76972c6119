/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): removes every 0x00 from a block
 * so 0x00 can delimit frames. Overhead: 1 byte per 254 bytes of data (at most), plus one.
 */

/** Encoded size of `length` data bytes, without the delimiter. */
export function cobsMaxEncodedLength(length: number): number {
  return length + Math.ceil(length / 254) + (length % 254 === 0 ? 1 : 0);
}

/**
 * Encodes `data` (without adding the 0x00 delimiter). Canonical (minimal) form: a 254-byte block
 * that ends the data is not followed by an empty block, as in Cheshire & Baker's examples.
 */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(data.length));
  let codeAt = 0;
  let write = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0) {
      out[codeAt] = code;
      codeAt = write++;
      code = 1;
      continue;
    }
    out[write++] = byte;
    code++;
    if (code === 0xff) {
      out[codeAt] = code;
      if (i + 1 === data.length) return out.subarray(0, write);
      codeAt = write++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, write);
}

/** Decodes one COBS block (no delimiter inside); null if it is malformed. */
export function cobsDecode(encoded: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(encoded.length);
  let read = 0;
  let write = 0;
  while (read < encoded.length) {
    const code = encoded[read]!;
    if (code === 0) return null;
    const blockEnd = read + code;
    if (blockEnd > encoded.length) return null;
    for (let i = read + 1; i < blockEnd; i++) {
      const byte = encoded[i]!;
      if (byte === 0) return null;
      out[write++] = byte;
    }
    read = blockEnd;
    // A block shorter than 254 data bytes stands for a zero, except at the very end.
    if (code !== 0xff && read < encoded.length) out[write++] = 0;
  }
  return out.subarray(0, write);
}
