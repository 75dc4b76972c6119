/**
 * MIDI universal device inquiry (non-real-time sysex 06 01 / 06 02): which manufacturer, family,
 * model and firmware a port answers for, to match a port to a device profile. Pure.
 */
export const ALL_DEVICES = 0x7f;

export interface DeviceIdentity {
  readonly deviceId: number;
  /** One byte, or three when the first is 0x00 (extended ID, e.g. 00 20 32 Behringer). */
  readonly manufacturer: readonly number[];
  /** 14-bit, sent LSB first. */
  readonly family: number;
  readonly member: number;
  readonly version: readonly number[];
}

/** Sysex data (between F0 and F7) of an identity request. */
export function identityRequestData(deviceId: number = ALL_DEVICES): Uint8Array {
  return Uint8Array.of(0x7e, deviceId & 0x7f, 0x06, 0x01);
}

export function isIdentityRequest(data: Uint8Array): boolean {
  return data.length === 4 && data[0] === 0x7e && data[2] === 0x06 && data[3] === 0x01;
}

/** An identity reply, or null when `data` is not one (or is cut short). */
export function parseIdentityReply(data: Uint8Array): DeviceIdentity | null {
  if (data.length < 4 || data[0] !== 0x7e || data[2] !== 0x06 || data[3] !== 0x02) return null;
  const manufacturerLength = data[4] === 0x00 ? 3 : 1;
  const familyAt = 4 + manufacturerLength;
  if (data.length !== familyAt + 8) return null;
  return {
    deviceId: data[1]!,
    manufacturer: Array.from(data.subarray(4, familyAt)),
    family: data[familyAt]! | (data[familyAt + 1]! << 7),
    member: data[familyAt + 2]! | (data[familyAt + 3]! << 7),
    version: Array.from(data.subarray(familyAt + 4, familyAt + 8)),
  };
}

/** Sysex data of an identity reply (what a surface emulator answers). */
export function identityReplyData(identity: DeviceIdentity): Uint8Array {
  const first = identity.manufacturer[0] ?? 0;
  const manufacturer =
    first === 0 ? [0, identity.manufacturer[1] ?? 0, identity.manufacturer[2] ?? 0] : [first];
  const version = [0, 1, 2, 3].map((i) => identity.version[i] ?? 0);
  return Uint8Array.from(
    [
      0x7e,
      identity.deviceId,
      0x06,
      0x02,
      ...manufacturer,
      identity.family & 0x7f,
      (identity.family >> 7) & 0x7f,
      identity.member & 0x7f,
      (identity.member >> 7) & 0x7f,
      ...version,
    ],
    (byte) => byte & 0x7f,
  );
}
