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
  /** The MAX_LISTED_EVENTS earliest (by start time, then channel), in that order. */
  readonly events: readonly QcEvent[];
}

/**
 * Counts events and keeps the MAX_LISTED_EVENTS earliest (by start time, then channel), in that
 * order, whatever order they are found in: meters that scan channel by channel, block by block,
 * list the same events for any block size. Constant memory.
 */
export class QcEventLog {
  private readonly events: QcEvent[] = [];
  private count = 0;

  add(event: QcEvent): void {
    this.count++;
    const events = this.events;
    if (events.length === MAX_LISTED_EVENTS && !earlier(event, events[events.length - 1]!)) return;
    // Found mostly in time order: search from the end.
    let at = events.length;
    while (at > 0 && earlier(event, events[at - 1]!)) at--;
    events.splice(at, 0, event);
    if (events.length > MAX_LISTED_EVENTS) events.pop();
  }

  list(): QcEventList {
    return { count: this.count, events: [...this.events] };
  }
}

function earlier(a: QcEvent, b: QcEvent): boolean {
  return a.startSec < b.startSec || (a.startSec === b.startSec && a.channel < b.channel);
}
