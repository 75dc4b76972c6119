/**
 * Events a strip raises for the app to forward to the server; strips never talk to the socket.
 */

/** A fader or pan moved (`final` false, coalesced by the connection) or was released (`final` true). */
export class ParamPositionEvent extends Event {
  static readonly eventName = 'param-position';
  readonly param: string;
  readonly position: number;
  readonly final: boolean;

  constructor(param: string, position: number, final: boolean) {
    super(ParamPositionEvent.eventName, { bubbles: true, composed: true });
    this.param = param;
    this.position = position;
    this.final = final;
  }
}

/** A plain value was chosen: mute toggled, or a control reset to its default. */
export class ParamValueEvent extends Event {
  static readonly eventName = 'param-value';
  readonly param: string;
  readonly value: number;

  constructor(param: string, value: number) {
    super(ParamValueEvent.eventName, { bubbles: true, composed: true });
    this.param = param;
    this.value = value;
  }
}

declare global {
  interface HTMLElementEventMap {
    'param-position': ParamPositionEvent;
    'param-value': ParamValueEvent;
  }
}
