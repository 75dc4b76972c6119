// Public entry of firmware-protocol: the wire format shared by the host and our fader firmware.
// Pure: bytes in, typed messages out, bytes returned. PROTOCOL.md is the contract.
export { crc16CcittFalse } from './codec/crc16.ts';
export { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './codec/cobs.ts';
export * from './codec/messages.ts';
export { decodePayload, encodePayload, messageName, type PayloadError } from './codec/payload-codec.ts';
export { decodeFrame, encodeFrame, type FrameError, type FrameResult } from './codec/frame-codec.ts';
export { StreamDecoder, type StreamCounters } from './codec/stream-decoder.ts';
