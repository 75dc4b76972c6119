import type { SourceEvent } from './source-event.ts';

/** Controller numbers of the (N)RPN exchange (MIDI 1.0 "Registered and Non-Registered Parameter Numbers"). */
export const NRPN_CC = {
  dataEntryMsb: 6,
  dataEntryLsb: 38,
  dataIncrement: 96,
  dataDecrement: 97,
  nrpnLsb: 98,
  nrpnMsb: 99,
  rpnLsb: 100,
  rpnMsb: 101,
} as const;

const NULL_NUMBER = 0x7f;
const UNKNOWN = -1;

export interface NrpnCounters {
  /** Data entry or increment while the parameter number is half sent (MSB without LSB): dropped. */
  halfSelections: number;
  /** A data LSB (CC 38) with no data MSB since the parameter was selected: dropped. */
  orphanLsb: number;
  /** Data for a registered parameter (pitch bend range, tuning): not ours, dropped. */
  rpnData: number;
}

/** What one controller message did to the exchange. */
export type NrpnOutcome =
  /** Not part of an (N)RPN exchange: the CC stands for itself. */
  | { readonly consumed: false }
  /** Part of one; `event` when it completed a value or a step. */
  | { readonly consumed: true; readonly event: SourceEvent | null };

const NOT_CONSUMED: NrpnOutcome = { consumed: false };
const CONSUMED: NrpnOutcome = { consumed: true, event: null };

interface ChannelState {
  selected: 'none' | 'nrpn' | 'rpn';
  msb: number;
  lsb: number;
  dataMsb: number;
}

/**
 * NRPN reception, per channel. CC 99 selects the parameter MSB and forgets its LSB, CC 98 sets
 * the LSB (MSB first, as MIDI 1.0 and the controllers we know send it; a later CC 98 alone
 * moves to another parameter in the same MSB bank). Then CC 6 gives the value MSB (an event with
 * `lsb` null), CC 38 its LSB (an event with both), CC 96/97 step it. Numbers 127/127 are the
 * null parameter: deselect. CC 101/100 select a registered parameter, whose data is consumed and
 * dropped. Data CCs arriving with nothing selected are ordinary controllers; with a half-sent
 * selection they are counted and dropped, so a cut-off NRPN never moves anything. Pure.
 */
export class NrpnParser {
  readonly counters: NrpnCounters = { halfSelections: 0, orphanLsb: 0, rpnData: 0 };
  private readonly channels: ChannelState[] = Array.from({ length: 16 }, () => ({
    selected: 'none',
    msb: UNKNOWN,
    lsb: UNKNOWN,
    dataMsb: UNKNOWN,
  }));

  /** Forget every selection (the port was reopened). Counters are kept. */
  reset(): void {
    for (const state of this.channels) this.deselect(state);
  }

  control(channel: number, controller: number, value: number): NrpnOutcome {
    const state = this.channels[channel];
    if (state === undefined) return NOT_CONSUMED;
    switch (controller) {
      case NRPN_CC.nrpnMsb:
      case NRPN_CC.rpnMsb: {
        const kind = controller === NRPN_CC.nrpnMsb ? 'nrpn' : 'rpn';
        state.selected = kind;
        state.msb = value;
        state.lsb = UNKNOWN;
        state.dataMsb = UNKNOWN;
        return CONSUMED;
      }
      case NRPN_CC.nrpnLsb:
      case NRPN_CC.rpnLsb: {
        const kind = controller === NRPN_CC.nrpnLsb ? 'nrpn' : 'rpn';
        // An LSB for the other kind (or before any MSB) leaves the MSB unknown: half sent.
        if (state.selected !== kind) state.msb = UNKNOWN;
        state.selected = kind;
        state.lsb = value;
        state.dataMsb = UNKNOWN;
        if (state.msb === NULL_NUMBER && value === NULL_NUMBER) this.deselect(state);
        return CONSUMED;
      }
      case NRPN_CC.dataEntryMsb:
      case NRPN_CC.dataEntryLsb:
      case NRPN_CC.dataIncrement:
      case NRPN_CC.dataDecrement:
        return this.data(state, channel, controller, value);
      default:
        return NOT_CONSUMED;
    }
  }

  private data(state: ChannelState, channel: number, controller: number, value: number): NrpnOutcome {
    if (state.selected === 'none') return NOT_CONSUMED;
    if (state.selected === 'rpn') {
      this.counters.rpnData++;
      return CONSUMED;
    }
    if (state.msb === UNKNOWN || state.lsb === UNKNOWN) {
      this.counters.halfSelections++;
      return CONSUMED;
    }
    const parameter = (state.msb << 7) | state.lsb;
    switch (controller) {
      case NRPN_CC.dataEntryMsb:
        state.dataMsb = value;
        return { consumed: true, event: { kind: 'nrpn', channel, parameter, msb: value, lsb: null } };
      case NRPN_CC.dataEntryLsb:
        if (state.dataMsb === UNKNOWN) {
          this.counters.orphanLsb++;
          return CONSUMED;
        }
        return {
          consumed: true,
          event: { kind: 'nrpn', channel, parameter, msb: state.dataMsb, lsb: value },
        };
      default:
        return {
          consumed: true,
          event: {
            kind: 'nrpnStep',
            channel,
            parameter,
            delta: controller === NRPN_CC.dataIncrement ? 1 : -1,
          },
        };
    }
  }

  private deselect(state: ChannelState): void {
    state.selected = 'none';
    state.msb = UNKNOWN;
    state.lsb = UNKNOWN;
    state.dataMsb = UNKNOWN;
  }
}
