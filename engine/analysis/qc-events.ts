/** At most this many events of one kind are listed; the count goes on. Keeps memory constant. */
export const MAX_LISTED_EVENTS = 100;

/** A span of samples on one channel, e.g. a clipped run or a run of true-peak overs. */
export interface QcEvent {
  /** 0-based channel index. */
  readonly channel: number;
  readonly startSec: number;
  readonly durationSec: number;
  /** Highest level in the span: dBFS for clipped runs, dBTP for overs. */
  readonly peakDb: number;
}

export interface QcEventList {
  /** Every event found. */
  readonly count: number;
  /** The first MAX_LISTED_EVENTS, in time order per channel. */
  readonly events: readonly QcEvent[];
}
