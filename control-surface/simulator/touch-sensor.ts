/** §3.3 rule 2: touch is sticky for at least 20 ms, to ride over mains hum. */
export const TOUCH_DEBOUNCE_MS = 20;

/**
 * One fader's capacitive touch sensor as the firmware sees it: the hand's raw contact, the
 * debounced state the protocol reports, and what was last reported so position reports can be
 * limited to real changes (§3.3 rule 3).
 */
export class TouchSensor {
  /** What the hand is doing right now (the raw sensor). */
  hand = false;
  /** Debounced: the state TOUCH edges report and the motor obeys. */
  touched = false;
  private lastEdgeMs = Number.NEGATIVE_INFINITY;
  /** Position in the last TOUCH or FADER_POSITION, for the 1-LSB change rule. */
  lastReportedPosition = 0;
  /** Time of the last FADER_POSITION, for the max_rate_hz limit. */
  lastReportMs = Number.NEGATIVE_INFINITY;

  /**
   * Follows the hand once the debounce allows; returns true when the debounced state changed
   * (the caller then sends the TOUCH edge).
   */
  update(nowMs: number): boolean {
    if (this.hand === this.touched || nowMs - this.lastEdgeMs < TOUCH_DEBOUNCE_MS) return false;
    this.touched = this.hand;
    this.lastEdgeMs = nowMs;
    return true;
  }

  /** A reboot forgets the debounced state; the hand stays where it is. */
  reboot(): void {
    this.touched = false;
    this.lastEdgeMs = Number.NEGATIVE_INFINITY;
    this.lastReportMs = Number.NEGATIVE_INFINITY;
  }
}
