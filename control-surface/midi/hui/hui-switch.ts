/**
 * HUI switches and LEDs: two control changes on channel 1, a zone select then a port message.
 * Surface -> host `B0 0F zz`, `B0 2F 4p` (press) / `B0 2F 0p` (release);
 * host -> surface `B0 0C zz`, `B0 2C 4p` (LED on) / `B0 2C 0p` (off). Pure.
 */
export const ZONE_SELECT_FROM_SURFACE = 0x0f;
export const PORT_FROM_SURFACE = 0x2f;
export const ZONE_SELECT_TO_SURFACE = 0x0c;
export const PORT_TO_SURFACE = 0x2c;
/** Port byte: high nibble 4 = on / pressed, 0 = off / released, port in the low nibble. */
export const PORT_ON = 0x40;

/** Zones 0..7 are the channel strips; ports within a strip zone (MIDIKit, Reaper). */
export const STRIP_PORT = {
  faderTouch: 0,
  select: 1,
  mute: 2,
  solo: 3,
  auto: 4,
  vSelect: 5,
  insert: 6,
  recArm: 7,
} as const;
export type HuiStripPort = keyof typeof STRIP_PORT;
const STRIP_PORTS: readonly HuiStripPort[] = [
  'faderTouch',
  'select',
  'mute',
  'solo',
  'auto',
  'vSelect',
  'insert',
  'recArm',
];

export const STRIP_ZONES = 8;
/** The transport zone; ports per Reaper's babyhui: 1 rewind, 2 fast forward, 3 stop, 4 play, 5 record. */
export const TRANSPORT_ZONE = 0x0e;

/** The strip element a port is, in a strip zone (0..7); null for other zones. */
export function stripPortName(zone: number, port: number): HuiStripPort | null {
  return zone >= 0 && zone < STRIP_ZONES ? (STRIP_PORTS[port] ?? null) : null;
}
