/** A strip's name was activated (click, Enter, Space): the mixer opens its detail. */
export class StripOpenEvent extends Event {
  static readonly eventName = 'strip-open';
  readonly stripId: string;

  constructor(stripId: string) {
    super(StripOpenEvent.eventName, { bubbles: true, composed: true });
    this.stripId = stripId;
  }
}

declare global {
  interface HTMLElementEventMap {
    'strip-open': StripOpenEvent;
  }
}
