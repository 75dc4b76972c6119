import { cobsDecode, cobsEncode } from './cobs.ts';
import { crc16CcittFalse } from './crc16.ts';
import { MAX_DECODED_FRAME, MAX_PAYLOAD, MESSAGE_TYPE, type Message } from './messages.ts';
import { decodePayload, encodePayload, messageName } from './payload-codec.ts';

export type FrameError =
  'cobs' | 'too-short' | 'too-long' | 'crc' | 'unknown-type' | 'bad-length' | 'bad-value';

export type FrameResult =
  | { readonly ok: true; readonly seq: number; readonly message: Message }
  | { readonly ok: false; readonly error: FrameError; readonly type?: number; readonly seq?: number };

/**
 * One message as it goes on the wire: `[type][seq][payload][crc16 LE]`, COBS-encoded, then the
 * 0x00 delimiter. Pure: returns the bytes.
 */
export function encodeFrame(message: Message, seq: number): Uint8Array {
  const payload = encodePayload(message);
  const frame = new Uint8Array(payload.length + 4);
  frame[0] = MESSAGE_TYPE[message.type];
  frame[1] = seq & 0xff;
  frame.set(payload, 2);
  const crc = crc16CcittFalse(frame, 0, payload.length + 2);
  frame[payload.length + 2] = crc & 0xff;
  frame[payload.length + 3] = crc >> 8;
  const encoded = cobsEncode(frame);
  const wire = new Uint8Array(encoded.length + 1);
  wire.set(encoded);
  return wire;
}

/**
 * Decodes the COBS bytes between two delimiters (the delimiter itself excluded). Never throws:
 * every malformed input is a typed error, and no error is ever a message.
 */
export function decodeFrame(encoded: Uint8Array): FrameResult {
  if (encoded.length > MAX_DECODED_FRAME + 1) return { ok: false, error: 'too-long' };
  const frame = cobsDecode(encoded);
  if (frame === null) return { ok: false, error: 'cobs' };
  if (frame.length < 4) return { ok: false, error: 'too-short' };
  if (frame.length - 4 > MAX_PAYLOAD) return { ok: false, error: 'too-long' };
  const end = frame.length - 2;
  const crc = frame[end]! | (frame[end + 1]! << 8);
  if (crc16CcittFalse(frame, 0, end) !== crc) return { ok: false, error: 'crc' };
  const type = frame[0]!;
  const seq = frame[1]!;
  const name = messageName(type);
  if (name === undefined) return { ok: false, error: 'unknown-type', type, seq };
  const decoded = decodePayload(name, frame.subarray(2, end));
  if (typeof decoded === 'string') return { ok: false, error: decoded, type, seq };
  return { ok: true, seq, message: decoded };
}
