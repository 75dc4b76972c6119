import type { McuButtonName } from '../mcu/mcu-buttons.ts';
import type { HuiSwitchEvent } from '../hui/hui-pairing.ts';

/** A HUI switch (and its LED) by zone and port. */
export type HuiSwitchAddress = Pick<HuiSwitchEvent, 'zone' | 'port'>;

/** Zone 0x0A, channel selection (MIDIKit HUISwitch.BankMove). */
export const BANK_ZONE = 0x0a;
export const BANK_PORT = { channelLeft: 0, bankLeft: 1, channelRight: 2, bankRight: 3 } as const;
export type HuiBankMove = keyof typeof BANK_PORT;

/** Zone 0x0B, Assign 1: the buttons above the strips (MIDIKit HUISwitch.Assign). */
export const ASSIGN_ZONE = 0x0b;
export const ASSIGN_PORT = {
  output: 0,
  input: 1,
  pan: 2,
  sendE: 3,
  sendD: 4,
  sendC: 5,
  sendB: 6,
  sendA: 7,
} as const;

/** The bank or channel move a switch makes, or null. */
export function bankMoveOf(zone: number, port: number): HuiBankMove | null {
  if (zone !== BANK_ZONE) return null;
  for (const [move, p] of Object.entries(BANK_PORT)) if (p === port) return move as HuiBankMove;
  return null;
}

/**
 * Mapping pages name their select button in Mackie terms (mapping-pages.ts); these are the Mackie
 * assign buttons with a HUI twin of the same meaning. Others (assignPlugin, assignTrack, ...) have
 * none: such pages are reached through the driver's `pageSwitches` option or `selectPage`.
 */
export const HUI_TWIN_OF_MCU_BUTTON: Partial<Record<McuButtonName, HuiSwitchAddress>> = {
  assignPan: { zone: ASSIGN_ZONE, port: ASSIGN_PORT.pan },
  assignSend: { zone: ASSIGN_ZONE, port: ASSIGN_PORT.sendA },
};
