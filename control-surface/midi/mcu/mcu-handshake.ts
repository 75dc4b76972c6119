import type { McuHostMessage } from './mcu-host-messages.ts';
import { isLogicControlModel } from './mcu-sysex.ts';
import type { McuSurfaceMessage } from './mcu-surface-messages.ts';

/**
 * The Mackie Control handshake (reference §1.2). Host: Device Query `… <model> 00 F7`. Unit:
 * Host Connection Query `… 01 <serial×7> <challenge×4> F7`, also sent unprompted at power-up and
 * reset. MCU, MCU XT and the units that speak their dialect (X-Touch, UF8, Platform M+) are ready
 * at that point and expect no reply. A real Logic Control (models 0x10, 0x11) expects a Host
 * Connection Reply `… 02 <serial×7> <response×4> F7` and answers with Connection Confirmation
 * (03) or Connection Error (04, and it stops responding). Pure.
 */

/**
 * Which formula for the second response byte. Sources disagree (see docs/mackie-protocol.md):
 * - `shift4` (Lathe's default): r1 = 0x7F & ((c2 >> 4) ^ (c0 + c3)), from TouchMCU's transcription
 *   of the Logic Control documentation and two independent emulators (TypeScript, Swift).
 * - `shiftByC3`: r1 = 0x7F & ((c2 >> c3) ^ (c0 + c3)), Ardour surface.cc. A shift by a data byte
 *   (up to 127) is undefined in C past 31 and is the odd one out next to the `<< 4` in r3, so it
 *   reads as a transcription slip; it stays available for a unit that rejects `shift4`.
 * The other three bytes are the same in every source.
 */
export type ChallengeVariant = 'shift4' | 'shiftByC3';
export const DEFAULT_CHALLENGE_VARIANT: ChallengeVariant = 'shift4';

/** The 4-byte response to a Logic Control challenge `c` (4 data bytes). */
export function challengeResponse(
  challenge: ArrayLike<number>,
  variant: ChallengeVariant = DEFAULT_CHALLENGE_VARIANT,
): number[] {
  const c0 = challenge[0] ?? 0;
  const c1 = challenge[1] ?? 0;
  const c2 = challenge[2] ?? 0;
  const c3 = challenge[3] ?? 0;
  // JavaScript masks shift counts to 5 bits, as x86 does for Ardour's C.
  const shifted = variant === 'shift4' ? c2 >> 4 : c2 >> c3;
  return [
    0x7f & (c0 + (c1 ^ 0x0a) - c3),
    0x7f & (shifted ^ (c0 + c3)),
    0x7f & ((c3 - (c2 << 2)) ^ (c0 | c1)),
    0x7f & (c1 - c2 + (0xf0 ^ (c3 << 4))),
  ];
}

export type HandshakeState = 'online' | 'awaitingConfirmation' | 'failed';

export interface HandshakeStep {
  /** Where the unit is after this message. */
  readonly state: HandshakeState;
  /** What the host must send now, if anything. */
  readonly reply: McuHostMessage | null;
}

/**
 * What a handshake message from a unit means, and the reply; null for messages that are not part
 * of the handshake. Units configured without a handshake (profiles' `handshake: none`) go online
 * at their first message of any kind: the driver decides that, not this function.
 */
export function handshakeStep(
  message: McuSurfaceMessage,
  variant: ChallengeVariant = DEFAULT_CHALLENGE_VARIANT,
): HandshakeStep | null {
  switch (message.type) {
    case 'hostConnectionQuery':
      if (!isLogicControlModel(message.model)) return { state: 'online', reply: null };
      return {
        state: 'awaitingConfirmation',
        reply: {
          type: 'hostConnectionReply',
          model: message.model,
          serial: message.serial,
          response: challengeResponse(message.challenge, variant),
        },
      };
    case 'connectionConfirmation':
    case 'deviceReady':
      return { state: 'online', reply: null };
    case 'connectionError':
      return { state: 'failed', reply: null };
    default:
      return null;
  }
}
