/**
 * HUI presence: the host pings (`90 00 00`) about once a second and the unit answers
 * (`90 00 7F`); without pings a HUI goes offline and ignores control, and a unit that stops
 * answering is gone (reference §2: Reaper, Ardour, DrivenByMoss ping every 1000 ms; MIDIKit
 * deems the peer absent after 2 s). Pure state: the driver owns the timer and the port.
 *
 * `connecting` until the first answer; `online` while answers keep coming; `offline` after
 * `missedPongsOffline` pings in a row went unanswered. Any answer brings the unit back, and the
 * driver must then treat it as new (rule 7: caches dropped, full state pushed).
 */
export type HuiPresence = 'connecting' | 'online' | 'offline';

export interface HuiKeepaliveOptions {
  /** Unanswered pings in a row that make an online unit offline (at least 1). */
  readonly missedPongsOffline: number;
}

export class HuiKeepalive {
  private readonly limit: number;
  private presence: HuiPresence = 'connecting';
  /** A ping is out and no answer has come since. */
  private awaiting = false;
  private missedInARow = 0;

  constructor(options: HuiKeepaliveOptions) {
    this.limit = Math.max(1, Math.floor(options.missedPongsOffline));
  }

  get state(): HuiPresence {
    return this.presence;
  }

  /** Unanswered pings in a row so far. */
  get missed(): number {
    return this.missedInARow;
  }

  /** Call just before a ping goes out; `'offline'` when the unit has just been lost. */
  ping(): 'offline' | null {
    if (this.awaiting) this.missedInARow++;
    this.awaiting = true;
    if (this.presence === 'online' && this.missedInARow >= this.limit) {
      this.presence = 'offline';
      return 'offline';
    }
    return null;
  }

  /** The unit answered; `'online'` when it was not online before (first answer, or back). */
  pong(): 'online' | null {
    this.awaiting = false;
    this.missedInARow = 0;
    if (this.presence === 'online') return null;
    this.presence = 'online';
    return 'online';
  }

  /** A new port session: nothing heard yet. */
  reset(): void {
    this.presence = 'connecting';
    this.awaiting = false;
    this.missedInARow = 0;
  }
}
