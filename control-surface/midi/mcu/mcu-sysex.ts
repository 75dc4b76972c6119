/**
 * Mackie Control system exclusive framing: `F0 00 00 66 <model> <command> … F7`
 * (00 00 66 = Mackie). Each unit (main or extender) is its own MIDI port; the model byte tells
 * them apart on the wire. Pure: no I/O.
 */
export const MACKIE_ID = [0x00, 0x00, 0x66] as const;

/** Model bytes. iCON Qcon extenders answer as `mcu`, not `mcuXt`; HUI uses 0x05. */
export const MCU_MODEL = {
  logicControl: 0x10,
  logicControlXt: 0x11,
  mcu: 0x14,
  mcuXt: 0x15,
} as const;
export type McuModelName = keyof typeof MCU_MODEL;

/** Only real Logic Control units ask for the challenge response (reference §1.2). */
export function isLogicControlModel(model: number): boolean {
  return model === MCU_MODEL.logicControl || model === MCU_MODEL.logicControlXt;
}

/** Command bytes after the model byte. */
export const MCU_SYSEX = {
  deviceQuery: 0x00,
  hostConnectionQuery: 0x01,
  hostConnectionReply: 0x02,
  connectionConfirmation: 0x03,
  connectionError: 0x04,
  /** X-Touch Compact's "device ready". */
  deviceReady: 0x06,
  reset: 0x08,
  transportClick: 0x0a,
  backlightSaver: 0x0b,
  touchlessFaders: 0x0c,
  touchSensitivity: 0x0e,
  lcd: 0x12,
  versionRequest: 0x13,
  versionReply: 0x14,
  meterMode: 0x20,
  globalLcdMeterMode: 0x21,
  allFadersToMinimum: 0x61,
  allLedsOff: 0x62,
  /** Behringer X-Touch scribble-strip colours. */
  xtouchColours: 0x72,
} as const;

/** Serial numbers are 7 ASCII bytes, Logic Control challenges and responses 4 bytes. */
export const SERIAL_LENGTH = 7;
export const CHALLENGE_LENGTH = 4;

/** iCON P1-M / V1-M / P1-nano RGB scribble strips: `F0 00 02 4E 16 14 (R G B)×8 F7`. */
export const ICON_COLOUR_HEADER = [0x00, 0x02, 0x4e, 0x16, 0x14] as const;

/** `F0 00 00 66 <model> <command> <payload> F7`, data bytes masked to 7 bits. */
export function mcuSysex(model: number, command: number, payload: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(payload.length + 7);
  out[0] = 0xf0;
  out[1] = MACKIE_ID[0];
  out[2] = MACKIE_ID[1];
  out[3] = MACKIE_ID[2];
  out[4] = model & 0x7f;
  out[5] = command & 0x7f;
  for (let i = 0; i < payload.length; i++) out[i + 6] = payload[i]! & 0x7f;
  out[out.length - 1] = 0xf7;
  return out;
}

export interface McuSysexParts {
  readonly model: number;
  readonly command: number;
  /** Bytes after the command, F7 excluded. */
  readonly payload: Uint8Array;
}

/** Splits sysex data (between F0 and F7) with the Mackie header; null for anything else. */
export function parseMcuSysex(data: Uint8Array): McuSysexParts | null {
  if (data.length < 5 || data[0] !== MACKIE_ID[0] || data[1] !== MACKIE_ID[1] || data[2] !== MACKIE_ID[2])
    return null;
  return { model: data[3]!, command: data[4]!, payload: data.subarray(5) };
}
