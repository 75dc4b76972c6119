import {
  LED_STATE,
  MAX_PAYLOAD,
  MESSAGE_TYPE,
  RESET_MAGIC,
  type LedState,
  type Message,
  type MessageName,
} from './messages.ts';

/** Why a payload was refused (the decoder never throws). */
export type PayloadError = 'bad-length' | 'bad-value';

class PayloadWriter {
  private readonly bytes = new Uint8Array(MAX_PAYLOAD);
  private readonly view = new DataView(this.bytes.buffer);
  private at = 0;

  u8(value: number): this {
    this.check(1);
    this.view.setUint8(this.at, value);
    this.at += 1;
    return this;
  }
  i8(value: number): this {
    this.check(1);
    this.view.setInt8(this.at, value);
    this.at += 1;
    return this;
  }
  u16(value: number): this {
    this.check(2);
    this.view.setUint16(this.at, value, true);
    this.at += 2;
    return this;
  }
  u32(value: number): this {
    this.check(4);
    this.view.setUint32(this.at, value >>> 0, true);
    this.at += 4;
    return this;
  }
  done(): Uint8Array {
    return this.bytes.slice(0, this.at);
  }
  reset(): void {
    this.at = 0;
  }
  private check(size: number): void {
    if (this.at + size > MAX_PAYLOAD) throw new RangeError(`payload longer than ${MAX_PAYLOAD} bytes`);
  }
}

/** Reads a payload with bounds checks; `ok` turns false on the first read past the end. */
class PayloadReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  ok = true;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.bytes.length - this.at;
  }
  u8(): number {
    if (!this.take(1)) return 0;
    return this.view.getUint8(this.at - 1);
  }
  i8(): number {
    if (!this.take(1)) return 0;
    return this.view.getInt8(this.at - 1);
  }
  u16(): number {
    if (!this.take(2)) return 0;
    return this.view.getUint16(this.at - 2, true);
  }
  u32(): number {
    if (!this.take(4)) return 0;
    return this.view.getUint32(this.at - 4, true);
  }
  private take(size: number): boolean {
    if (this.at + size > this.bytes.length) {
      this.ok = false;
      return false;
    }
    this.at += size;
    return true;
  }
}

function checkRange(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${what} must be an integer ${min}..${max}`);
}

const LED_STATE_NAMES = Object.keys(LED_STATE) as LedState[];

type Encoder<N extends MessageName> = (message: Extract<Message, { type: N }>, out: PayloadWriter) => void;
type Decoder = (input: PayloadReader) => Message | PayloadError;

interface Codec<N extends MessageName> {
  /** Payload size of fixed-size messages, checked before any value (PROTOCOL.md §4). */
  readonly size?: number;
  readonly encode: Encoder<N>;
  readonly decode: Decoder;
}

/** One entry per message type: how its payload is written and read (PROTOCOL.md, "Messages"). */
const CODECS: { readonly [N in MessageName]: Codec<N> } = {
  hello: {
    size: 6,
    encode: (m, out) => out.u8(m.protocolMajor).u8(m.protocolMinor).u32(m.hostNonce),
    decode: (input) => {
      const message = {
        type: 'hello' as const,
        protocolMajor: input.u8(),
        protocolMinor: input.u8(),
        hostNonce: input.u32(),
      };
      return exact(input, message);
    },
  },
  ping: { size: 0, encode: () => undefined, decode: (input) => exact(input, { type: 'ping' as const }) },
  faderSetpoint: {
    encode: (m, out) => {
      checkRange(m.setpoints.length, 1, 32, 'setpoint count');
      out.u8(m.setpoints.length);
      for (const s of m.setpoints) out.u8(s.fader).u16(s.position);
    },
    decode: (input) => {
      const count = input.u8();
      if (!input.ok || input.remaining !== count * 3) return 'bad-length';
      if (count < 1 || count > 32) return 'bad-value';
      const setpoints = Array.from({ length: count }, () => ({ fader: input.u8(), position: input.u16() }));
      return exact(input, { type: 'faderSetpoint' as const, setpoints });
    },
  },
  ledSet: {
    encode: (m, out) => {
      checkRange(m.leds.length, 1, 64, 'LED count');
      out.u8(m.leds.length);
      for (const l of m.leds) out.u8(l.led).u8(LED_STATE[l.state]);
    },
    decode: (input) => {
      const count = input.u8();
      if (!input.ok || input.remaining !== count * 2) return 'bad-length';
      if (count < 1 || count > 64) return 'bad-value';
      const leds: { led: number; state: LedState }[] = [];
      for (let i = 0; i < count; i++) {
        const led = input.u8();
        const state = LED_STATE_NAMES[input.u8()];
        if (state === undefined) return 'bad-value';
        leds.push({ led, state });
      }
      return exact(input, { type: 'ledSet' as const, leds });
    },
  },
  displayText: {
    encode: (m, out) => {
      checkRange(m.text.length, 0, MAX_PAYLOAD - 2, 'text length');
      out.u8(m.display).u8(m.offset);
      for (let i = 0; i < m.text.length; i++) {
        const code = m.text.charCodeAt(i);
        checkRange(code, 0x20, 0x7e, 'text character');
        out.u8(code);
      }
    },
    decode: (input) => {
      const display = input.u8();
      const offset = input.u8();
      if (!input.ok) return 'bad-length';
      let text = '';
      while (input.remaining > 0) {
        const code = input.u8();
        if (code < 0x20 || code > 0x7e) return 'bad-value';
        text += String.fromCharCode(code);
      }
      return { type: 'displayText', display, offset, text };
    },
  },
  meterLevels: {
    encode: (m, out) => {
      checkRange(m.levels.length, 1, MAX_PAYLOAD - 2, 'meter count');
      out.u8(m.first).u8(m.levels.length);
      for (const level of m.levels) out.u8(level);
    },
    decode: (input) => {
      const first = input.u8();
      const count = input.u8();
      if (!input.ok || input.remaining !== count) return 'bad-length';
      if (count < 1) return 'bad-value';
      const levels = Array.from({ length: count }, () => input.u8());
      return exact(input, { type: 'meterLevels' as const, first, levels });
    },
  },
  calibrate: {
    size: 1,
    encode: (m, out) => out.u8(m.fader),
    decode: (input) => exact(input, { type: 'calibrate' as const, fader: input.u8() }),
  },
  reset: {
    size: 2,
    encode: (_m, out) => out.u16(RESET_MAGIC),
    decode: (input) => {
      const magic = input.u16();
      if (input.ok && magic !== RESET_MAGIC) return 'bad-value';
      return exact(input, { type: 'reset' as const });
    },
  },
  helloAck: {
    encode: (m, out) => {
      if (!/^[0-9a-f]{16}$/.test(m.uid)) throw new RangeError('uid must be 16 lowercase hex digits');
      if (m.calibration.length !== m.faders) throw new RangeError('one calibration entry per fader');
      checkRange(m.faders, 0, 48, 'fader count');
      out
        .u8(m.protocolMajor)
        .u8(m.protocolMinor)
        .u8(m.firmware.major)
        .u8(m.firmware.minor)
        .u8(m.firmware.patch);
      for (let i = 0; i < 8; i++) out.u8(Number.parseInt(m.uid.slice(2 * i, 2 * i + 2), 16));
      out.u32(m.hostNonce);
      out.u8(m.faders).u8(m.faderBits).u8(m.touchSensors).u8(m.motors).u8(m.buttons).u8(m.encoders);
      out.u8(m.leds).u8(m.displays).u8(m.displayChars).u8(m.meters).u16(m.maxRateHz);
      for (const c of m.calibration) out.u16(c.min).u16(c.max);
    },
    decode: (input) => {
      const protocolMajor = input.u8();
      const protocolMinor = input.u8();
      const firmware = { major: input.u8(), minor: input.u8(), patch: input.u8() };
      let uid = '';
      for (let i = 0; i < 8; i++) uid += input.u8().toString(16).padStart(2, '0');
      const hostNonce = input.u32();
      const faders = input.u8();
      const faderBits = input.u8();
      const touchSensors = input.u8();
      const motors = input.u8();
      const buttons = input.u8();
      const encoders = input.u8();
      const leds = input.u8();
      const displays = input.u8();
      const displayChars = input.u8();
      const meters = input.u8();
      const maxRateHz = input.u16();
      if (!input.ok || input.remaining !== faders * 4) return 'bad-length';
      if (faders > 48 || faderBits < 1 || faderBits > 16) return 'bad-value';
      const calibration = Array.from({ length: faders }, () => ({ min: input.u16(), max: input.u16() }));
      return exact(input, {
        type: 'helloAck' as const,
        protocolMajor,
        protocolMinor,
        firmware,
        uid,
        hostNonce,
        faders,
        faderBits,
        touchSensors,
        motors,
        buttons,
        encoders,
        leds,
        displays,
        displayChars,
        meters,
        maxRateHz,
        calibration,
      });
    },
  },
  pong: {
    size: 13,
    encode: (m, out) =>
      out
        .u8(m.status)
        .u32(m.uptimeMs)
        .u16(m.crcErrors)
        .u16(m.framingErrors)
        .u16(m.overruns)
        .u16(m.watchdogTrips),
    decode: (input) =>
      exact(input, {
        type: 'pong' as const,
        status: input.u8(),
        uptimeMs: input.u32(),
        crcErrors: input.u16(),
        framingErrors: input.u16(),
        overruns: input.u16(),
        watchdogTrips: input.u16(),
      }),
  },
  faderPosition: {
    size: 3,
    encode: (m, out) => out.u8(m.fader).u16(m.position),
    decode: (input) =>
      exact(input, { type: 'faderPosition' as const, fader: input.u8(), position: input.u16() }),
  },
  touch: {
    size: 4,
    encode: (m, out) =>
      out
        .u8(m.fader)
        .u8(m.touched ? 1 : 0)
        .u16(m.position),
    decode: (input) => {
      const fader = input.u8();
      const touched = input.u8();
      const position = input.u16();
      if (input.ok && touched > 1) return 'bad-value';
      return exact(input, { type: 'touch' as const, fader, touched: touched === 1, position });
    },
  },
  button: {
    size: 2,
    encode: (m, out) => out.u8(m.button).u8(m.pressed ? 1 : 0),
    decode: (input) => {
      const button = input.u8();
      const pressed = input.u8();
      if (input.ok && pressed > 1) return 'bad-value';
      return exact(input, { type: 'button' as const, button, pressed: pressed === 1 });
    },
  },
  encoder: {
    size: 2,
    encode: (m, out) => {
      checkRange(m.delta, -127, 127, 'encoder delta');
      out.u8(m.encoder).i8(m.delta);
    },
    decode: (input) => {
      const encoder = input.u8();
      const delta = input.i8();
      if (input.ok && delta === -128) return 'bad-value';
      return exact(input, { type: 'encoder' as const, encoder, delta });
    },
  },
  calibrateResult: {
    size: 6,
    encode: (m, out) =>
      out
        .u8(m.fader)
        .u16(m.min)
        .u16(m.max)
        .u8(m.ok ? 1 : 0),
    decode: (input) => {
      const fader = input.u8();
      const min = input.u16();
      const max = input.u16();
      const ok = input.u8();
      if (input.ok && ok > 1) return 'bad-value';
      return exact(input, { type: 'calibrateResult' as const, fader, min, max, ok: ok === 1 });
    },
  },
  ack: {
    size: 3,
    encode: (m, out) => out.u8(m.ackedType).u8(m.ackedSeq).u8(m.result),
    decode: (input) =>
      exact(input, { type: 'ack' as const, ackedType: input.u8(), ackedSeq: input.u8(), result: input.u8() }),
  },
  error: {
    size: 3,
    encode: (m, out) => out.u8(m.code).u8(m.offendingType).u8(m.offendingSeq),
    decode: (input) =>
      exact(input, {
        type: 'error' as const,
        code: input.u8(),
        offendingType: input.u8(),
        offendingSeq: input.u8(),
      }),
  },
};

/** The payload must be consumed exactly: short and long payloads are both refused. */
function exact(input: PayloadReader, message: Message): Message | PayloadError {
  return input.ok && input.remaining === 0 ? message : 'bad-length';
}

const NAME_BY_TYPE = new Map<number, MessageName>(
  (Object.entries(MESSAGE_TYPE) as [MessageName, number][]).map(([name, code]) => [code, name]),
);

export function messageName(type: number): MessageName | undefined {
  return NAME_BY_TYPE.get(type);
}

/** Reused by every encode (single-threaded; `done` copies the bytes out). */
const scratch = new PayloadWriter();

/** Payload bytes of `message`; throws RangeError for values the protocol cannot carry (caller's bug). */
export function encodePayload(message: Message): Uint8Array {
  scratch.reset();
  (CODECS[message.type] as Codec<MessageName>).encode(message, scratch);
  return scratch.done();
}

/** Typed message from a payload of a known type, or why it was refused. */
export function decodePayload(name: MessageName, payload: Uint8Array): Message | PayloadError {
  const codec = CODECS[name];
  if (codec.size !== undefined && payload.length !== codec.size) return 'bad-length';
  return codec.decode(new PayloadReader(payload));
}
