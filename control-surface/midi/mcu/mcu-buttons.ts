/**
 * Mackie Control buttons and LEDs: note on, channel 1, note = button. A unit sends velocity 7F on
 * press and 00 (or a note-off) on release; the host lights LEDs with 7F on, 01 blink, 00 off.
 * Notes per reference §1.7 (Ardour device_info.cc, tttapa MCU.hpp, DrivenByMoss). Pure.
 */

/** First note of each run of eight per-strip buttons: note = base + strip. */
export const STRIP_BUTTON = {
  recArm: 0x00,
  solo: 0x08,
  mute: 0x10,
  select: 0x18,
  vSelect: 0x20,
  faderTouch: 0x68,
} as const;
export type StripButton = keyof typeof STRIP_BUTTON;

/** Global buttons (and host-only LEDs at 0x71..0x76). */
export const MCU_BUTTON = {
  assignTrack: 0x28,
  assignSend: 0x29,
  assignPan: 0x2a,
  assignPlugin: 0x2b,
  assignEq: 0x2c,
  assignInstrument: 0x2d,
  // Reaper's comment swaps these four; Ardour, tttapa and DrivenByMoss agree on this order.
  bankLeft: 0x2e,
  bankRight: 0x2f,
  channelLeft: 0x30,
  channelRight: 0x31,
  flip: 0x32,
  globalView: 0x33,
  nameValue: 0x34,
  smpteBeats: 0x35,
  f1: 0x36,
  f2: 0x37,
  f3: 0x38,
  f4: 0x39,
  f5: 0x3a,
  f6: 0x3b,
  f7: 0x3c,
  f8: 0x3d,
  midiTracks: 0x3e,
  inputs: 0x3f,
  audioTracks: 0x40,
  audioInstruments: 0x41,
  aux: 0x42,
  busses: 0x43,
  outputs: 0x44,
  user: 0x45,
  shift: 0x46,
  option: 0x47,
  control: 0x48,
  cmdAlt: 0x49,
  read: 0x4a,
  write: 0x4b,
  trim: 0x4c,
  touch: 0x4d,
  latch: 0x4e,
  group: 0x4f,
  save: 0x50,
  undo: 0x51,
  cancel: 0x52,
  enter: 0x53,
  marker: 0x54,
  nudge: 0x55,
  cycle: 0x56,
  drop: 0x57,
  replace: 0x58,
  click: 0x59,
  solo: 0x5a,
  rewind: 0x5b,
  fastForward: 0x5c,
  stop: 0x5d,
  play: 0x5e,
  record: 0x5f,
  up: 0x60,
  down: 0x61,
  left: 0x62,
  right: 0x63,
  zoom: 0x64,
  scrub: 0x65,
  userA: 0x66,
  userB: 0x67,
  masterTouch: 0x70,
  smpteLed: 0x71,
  beatsLed: 0x72,
  rudeSoloLed: 0x73,
  /** Sources disagree: Ardour 0x74, tttapa / DrivenByMoss / libMackieControl 0x76 (see docs). */
  relayClick: 0x76,
} as const;
export type McuButtonName = keyof typeof MCU_BUTTON;

const NAME_BY_NOTE = new Map<number, McuButtonName>(
  (Object.keys(MCU_BUTTON) as McuButtonName[]).map((name) => [MCU_BUTTON[name], name]),
);

export interface StripButtonNote {
  readonly button: StripButton;
  readonly strip: number;
}

/** Which per-strip button a note is, or null for a global one (master touch is fader 8). */
export function stripButtonOfNote(note: number): StripButtonNote | null {
  if (note >= 0 && note < 0x28) {
    const index = note >> 3;
    const button = (['recArm', 'solo', 'mute', 'select', 'vSelect'] as const)[index]!;
    return { button, strip: note & 7 };
  }
  if (note >= STRIP_BUTTON.faderTouch && note < STRIP_BUTTON.faderTouch + 8)
    return { button: 'faderTouch', strip: note - STRIP_BUTTON.faderTouch };
  return null;
}

/** The global button's name, or null (per-strip and vendor notes have none). */
export function buttonNameOfNote(note: number): McuButtonName | null {
  return NAME_BY_NOTE.get(note) ?? null;
}

export const LED_VELOCITY = { off: 0x00, blink: 0x01, on: 0x7f } as const;
export type LedState = keyof typeof LED_VELOCITY;

/**
 * LED state from a velocity the host sent (what an emulator shows): 7F on, 00 off; other odd
 * values blink and other even values are off (TouchMCU, measured on an MCU Pro).
 */
export function ledStateFromVelocity(velocity: number): LedState {
  if (velocity === LED_VELOCITY.on) return 'on';
  return (velocity & 1) === 1 ? 'blink' : 'off';
}

/**
 * Press or release from a note a unit sent. Note-off is always a release; a note-on is a press
 * above velocity 64 (Ardour's threshold), so both `90 nn 00` and `80 nn xx` release.
 */
export function isPressVelocity(velocity: number): boolean {
  return velocity > 0x40;
}
