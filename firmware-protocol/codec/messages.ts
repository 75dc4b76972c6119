/** Protocol constants and the typed messages of PROTOCOL.md. Pure: no I/O. */

export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 0;

/** Largest payload; a decoded frame is type + seq + payload + CRC = at most 254 bytes. */
export const MAX_PAYLOAD = 250;
export const MAX_DECODED_FRAME = MAX_PAYLOAD + 4;
/** COBS adds one byte for up to 254 data bytes; plus the 0x00 delimiter. */
export const MAX_ENCODED_FRAME = MAX_DECODED_FRAME + 2;

export const MESSAGE_TYPE = {
  hello: 0x01,
  ping: 0x02,
  faderSetpoint: 0x03,
  ledSet: 0x04,
  displayText: 0x05,
  meterLevels: 0x06,
  calibrate: 0x07,
  reset: 0x08,
  helloAck: 0x41,
  pong: 0x42,
  faderPosition: 0x43,
  touch: 0x44,
  button: 0x45,
  encoder: 0x46,
  calibrateResult: 0x47,
  ack: 0x48,
  error: 0x7f,
} as const;
export type MessageName = keyof typeof MESSAGE_TYPE;

/** Codes in ERROR frames and ACK results. 0 is success. */
export const ERROR_CODE = {
  ok: 0,
  unknownType: 1,
  badLength: 2,
  badValue: 3,
  versionMismatch: 4,
  notReady: 5,
  busy: 6,
} as const;

/** PONG status bits. */
export const STATUS_FLAG = {
  motorsEnabled: 0x01,
  calibrating: 0x02,
  safeState: 0x04,
  anyTouched: 0x08,
  watchdogTripped: 0x10,
} as const;

export const LED_STATE = { off: 0, on: 1, blink: 2 } as const;
export type LedState = keyof typeof LED_STATE;

/** All faders, in CALIBRATE. */
export const ALL_FADERS = 0xff;
/** RESET carries this magic so a stray byte pattern cannot reboot the device. */
export const RESET_MAGIC = 0xa55a;

export type Message =
  | {
      readonly type: 'hello';
      readonly protocolMajor: number;
      readonly protocolMinor: number;
      readonly hostNonce: number;
    }
  | { readonly type: 'ping' }
  | {
      readonly type: 'faderSetpoint';
      readonly setpoints: readonly { readonly fader: number; readonly position: number }[];
    }
  | { readonly type: 'ledSet'; readonly leds: readonly { readonly led: number; readonly state: LedState }[] }
  | { readonly type: 'displayText'; readonly display: number; readonly offset: number; readonly text: string }
  | { readonly type: 'meterLevels'; readonly first: number; readonly levels: readonly number[] }
  | { readonly type: 'calibrate'; readonly fader: number }
  | { readonly type: 'reset' }
  | {
      readonly type: 'helloAck';
      readonly protocolMajor: number;
      readonly protocolMinor: number;
      readonly firmware: { readonly major: number; readonly minor: number; readonly patch: number };
      /** 8 bytes, as 16 lowercase hex digits. */
      readonly uid: string;
      /** Echo of the host's HELLO nonce; 0 when sent unprompted at boot. */
      readonly hostNonce: number;
      readonly faders: number;
      readonly faderBits: number;
      readonly touchSensors: number;
      readonly motors: number;
      readonly buttons: number;
      readonly encoders: number;
      readonly leds: number;
      readonly displays: number;
      readonly displayChars: number;
      readonly meters: number;
      readonly maxRateHz: number;
      /** One per fader: raw position at the bottom and top stops. */
      readonly calibration: readonly { readonly min: number; readonly max: number }[];
    }
  | {
      readonly type: 'pong';
      readonly status: number;
      readonly uptimeMs: number;
      readonly crcErrors: number;
      readonly framingErrors: number;
      readonly overruns: number;
      readonly watchdogTrips: number;
    }
  | { readonly type: 'faderPosition'; readonly fader: number; readonly position: number }
  | { readonly type: 'touch'; readonly fader: number; readonly touched: boolean; readonly position: number }
  | { readonly type: 'button'; readonly button: number; readonly pressed: boolean }
  | { readonly type: 'encoder'; readonly encoder: number; readonly delta: number }
  | {
      readonly type: 'calibrateResult';
      readonly fader: number;
      readonly min: number;
      readonly max: number;
      readonly ok: boolean;
    }
  | { readonly type: 'ack'; readonly ackedType: number; readonly ackedSeq: number; readonly result: number }
  | {
      readonly type: 'error';
      readonly code: number;
      readonly offendingType: number;
      readonly offendingSeq: number;
    };

export type MessageOf<N extends MessageName> = Extract<Message, { type: N }>;
