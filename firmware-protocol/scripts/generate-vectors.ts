/**
 * Writes vectors.json and the example-bytes section of PROTOCOL.md from the message list below.
 * Run after a protocol change: `npx tsx firmware-protocol/scripts/generate-vectors.ts`.
 * The tests never regenerate: they check both codecs against the committed file, and the C codec
 * is written from PROTOCOL.md alone, so the two cross-check each other.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cobsEncode, crc16CcittFalse, encodeFrame, type FrameError, type Message } from '../index.ts';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

const EXAMPLES: { name: string; seq: number; message: Message }[] = [
  {
    name: 'HELLO v1.0, nonce 0x12345678',
    seq: 1,
    message: { type: 'hello', protocolMajor: 1, protocolMinor: 0, hostNonce: 0x12345678 },
  },
  { name: 'PING', seq: 2, message: { type: 'ping' } },
  {
    name: 'FADER_SETPOINT fader 0 to 0x8000',
    seq: 3,
    message: { type: 'faderSetpoint', setpoints: [{ fader: 0, position: 0x8000 }] },
  },
  {
    name: 'FADER_SETPOINT faders 1 and 7',
    seq: 4,
    message: {
      type: 'faderSetpoint',
      setpoints: [
        { fader: 1, position: 0 },
        { fader: 7, position: 0xffff },
      ],
    },
  },
  {
    name: 'LED_SET led 3 on, led 4 blink',
    seq: 5,
    message: {
      type: 'ledSet',
      leds: [
        { led: 3, state: 'on' },
        { led: 4, state: 'blink' },
      ],
    },
  },
  {
    name: 'DISPLAY_TEXT display 0 offset 7 "Vocals"',
    seq: 6,
    message: { type: 'displayText', display: 0, offset: 7, text: 'Vocals' },
  },
  {
    name: 'METER_LEVELS meters 0..3',
    seq: 7,
    message: { type: 'meterLevels', first: 0, levels: [0, 128, 200, 255] },
  },
  { name: 'CALIBRATE all faders', seq: 8, message: { type: 'calibrate', fader: 0xff } },
  { name: 'RESET', seq: 9, message: { type: 'reset' } },
  {
    name: 'HELLO_ACK at boot, 2 faders',
    seq: 0,
    message: {
      type: 'helloAck',
      protocolMajor: 1,
      protocolMinor: 0,
      firmware: { major: 0, minor: 3, patch: 1 },
      uid: '0011223344556677',
      hostNonce: 0,
      faders: 2,
      faderBits: 12,
      touchSensors: 2,
      motors: 2,
      buttons: 8,
      encoders: 2,
      leds: 8,
      displays: 1,
      displayChars: 16,
      meters: 2,
      maxRateHz: 200,
      calibration: [
        { min: 0x0010, max: 0xffe0 },
        { min: 0x0020, max: 0xfff0 },
      ],
    },
  },
  {
    name: 'PONG motors enabled, uptime 1000 ms',
    seq: 2,
    message: {
      type: 'pong',
      status: 0x01,
      uptimeMs: 1000,
      crcErrors: 1,
      framingErrors: 2,
      overruns: 0,
      watchdogTrips: 3,
    },
  },
  {
    name: 'FADER_POSITION fader 2 at 0x1234',
    seq: 10,
    message: { type: 'faderPosition', fader: 2, position: 0x1234 },
  },
  {
    name: 'TOUCH fader 2 touched at 0x1234',
    seq: 11,
    message: { type: 'touch', fader: 2, touched: true, position: 0x1234 },
  },
  {
    name: 'TOUCH fader 2 released at 0x2000',
    seq: 12,
    message: { type: 'touch', fader: 2, touched: false, position: 0x2000 },
  },
  { name: 'BUTTON 5 pressed', seq: 13, message: { type: 'button', button: 5, pressed: true } },
  { name: 'ENCODER 1 delta -3', seq: 14, message: { type: 'encoder', encoder: 1, delta: -3 } },
  {
    name: 'CALIBRATE_RESULT fader 0',
    seq: 15,
    message: { type: 'calibrateResult', fader: 0, min: 0x0011, max: 0xffee, ok: true },
  },
  {
    name: 'ACK of FADER_SETPOINT seq 3',
    seq: 16,
    message: { type: 'ack', ackedType: 0x03, ackedSeq: 3, result: 0 },
  },
  {
    name: 'ERROR unknown type 0x30 seq 9',
    seq: 17,
    message: { type: 'error', code: 1, offendingType: 0x30, offendingSeq: 9 },
  },
];

/** A frame with a valid CRC built from raw decoded bytes (for structurally wrong payloads). */
function rawFrame(decoded: number[]): Uint8Array {
  const body = Uint8Array.from(decoded);
  const crc = crc16CcittFalse(body);
  const framed = Uint8Array.from([...decoded, crc & 0xff, crc >> 8]);
  return Uint8Array.from([...cobsEncode(framed), 0]);
}

function flipBit(frame: Uint8Array, byteIndex: number, bit: number): Uint8Array {
  const copy = Uint8Array.from(frame);
  copy[byteIndex] = copy[byteIndex]! ^ (1 << bit);
  return copy;
}

const ping = encodeFrame({ type: 'ping' }, 2);
const setpoint = encodeFrame({ type: 'faderSetpoint', setpoints: [{ fader: 0, position: 0x8000 }] }, 3);
const CORRUPT: { name: string; bytes: Uint8Array; error: FrameError }[] = [
  { name: 'PING with a CRC bit flipped', bytes: flipBit(ping, ping.length - 2, 0), error: 'crc' },
  // Byte 6 is the position's high byte (0x80), a data byte, not a COBS code byte.
  { name: 'FADER_SETPOINT with a payload bit flipped', bytes: flipBit(setpoint, 6, 3), error: 'crc' },
  {
    name: 'PING with its last byte lost',
    bytes: Uint8Array.from([...ping.subarray(0, ping.length - 2), 0]),
    error: 'cobs',
  },
  {
    name: 'COBS code pointing past the end',
    bytes: Uint8Array.from([0x09, 0x02, 0x02, 0x00]),
    error: 'cobs',
  },
  {
    name: 'three bytes: shorter than type, seq and CRC',
    bytes: Uint8Array.from([0x04, 0x02, 0x02, 0x02, 0x00]),
    error: 'too-short',
  },
  { name: 'unknown type 0x30 with a valid CRC', bytes: rawFrame([0x30, 0x01]), error: 'unknown-type' },
  { name: 'PING with a one-byte payload', bytes: rawFrame([0x02, 0x01, 0x00]), error: 'bad-length' },
  {
    name: 'FADER_SETPOINT count 2 with one entry',
    bytes: rawFrame([0x03, 0x01, 0x02, 0x00, 0x00, 0x80]),
    error: 'bad-length',
  },
  { name: 'FADER_SETPOINT count 0', bytes: rawFrame([0x03, 0x01, 0x00]), error: 'bad-value' },
  { name: 'TOUCH state 2', bytes: rawFrame([0x44, 0x01, 0x02, 0x02, 0x34, 0x12]), error: 'bad-value' },
  { name: 'RESET with a wrong magic', bytes: rawFrame([0x08, 0x01, 0x00, 0x00]), error: 'bad-value' },
  {
    name: 'DISPLAY_TEXT with a control character',
    bytes: rawFrame([0x05, 0x01, 0x00, 0x00, 0x41, 0x0a]),
    error: 'bad-value',
  },
  { name: 'ENCODER delta -128', bytes: rawFrame([0x46, 0x01, 0x00, 0x80]), error: 'bad-value' },
  {
    name: 'payload of 251 bytes',
    bytes: rawFrame([0x06, 0x01, 0x00, 249, ...new Array<number>(249).fill(7)]),
    error: 'too-long',
  },
];

const COBS: { data: string; encoded: string }[] = [
  // From Cheshire & Baker's paper and its common worked examples.
  { data: '00', encoded: '01 01' },
  { data: '00 00', encoded: '01 01 01' },
  { data: '00 11 00', encoded: '01 02 11 01' },
  { data: '11 22 00 33', encoded: '03 11 22 02 33' },
  { data: '11 22 33 44', encoded: '05 11 22 33 44' },
  { data: '11 00 00 00', encoded: '02 11 01 01 01' },
  {
    data: hex(Uint8Array.from({ length: 254 }, (_, i) => i + 1)),
    encoded: `ff ${hex(Uint8Array.from({ length: 254 }, (_, i) => i + 1))}`,
  },
  {
    data: hex(Uint8Array.from({ length: 255 }, (_, i) => i)),
    encoded: `01 ff ${hex(Uint8Array.from({ length: 254 }, (_, i) => i + 1))}`,
  },
];

const vectors = {
  description:
    'Test vectors for PROTOCOL.md. Frames are wire bytes: COBS-encoded, ending with the 0x00 delimiter.',
  crc16: { algorithm: 'CRC-16/CCITT-FALSE', input_ascii: '123456789', check: '29b1' },
  cobs: COBS,
  frames: EXAMPLES.map((e) => ({
    name: e.name,
    seq: e.seq,
    message: e.message,
    bytes: hex(encodeFrame(e.message, e.seq)),
  })),
  corrupt: CORRUPT.map((c) => ({ name: c.name, bytes: hex(c.bytes), error: c.error })),
};

const dir = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(`${dir}vectors.json`, `${JSON.stringify(vectors, null, 2)}\n`);

const table = [
  '| message | seq | wire bytes (COBS + delimiter) |',
  '|---|---|---|',
  ...vectors.frames.map((f) => `| ${f.name} | ${f.seq} | \`${f.bytes}\` |`),
].join('\n');
const protocol = readFileSync(`${dir}PROTOCOL.md`, 'utf8');
const updated = protocol.replace(
  /<!-- examples:start -->[\s\S]*<!-- examples:end -->/,
  `<!-- examples:start -->\n${table}\n<!-- examples:end -->`,
);
writeFileSync(`${dir}PROTOCOL.md`, updated);
console.log(
  `wrote ${vectors.frames.length} frames, ${vectors.corrupt.length} corrupt frames, ${COBS.length} COBS cases`,
);
