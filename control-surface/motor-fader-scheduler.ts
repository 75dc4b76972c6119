/**
 * The motor-fader rules, in one place for every surface driver (reference: control-surfaces.md,
 * "The 8 rules"). Pure: time comes in as an argument, the caller does the I/O.
 * - never send a position to a touched fader;
 * - after release, wait a grace period, then send the authoritative value (even if unchanged:
 *   the hand moved the fader);
 * - coalesce per fader (latest wins) at a fixed maximum rate, and never send a duplicate;
 * - after a (re)connect, forget what was sent and push everything again;
 * - a fader that reports positions without touch (no sensor, or a lost edge) counts as touched
 *   until it has been still for a while (fake touch).
 */
export interface MotorFaderSchedulerOptions {
  readonly faders: number;
  /** Most setpoints per second per fader. */
  readonly maxRateHz: number;
  /** Wait after a release before the authoritative value goes out. */
  readonly releaseGraceMs: number;
  /** Fake touch: how long after its last reported move an untouched fader counts as touched. */
  readonly fakeTouchMs: number;
}

export interface FaderSetpoint {
  readonly fader: number;
  readonly position: number;
}

export class MotorFaderScheduler {
  private readonly minIntervalMs: number;
  private readonly graceMs: number;
  /** Where the console wants each fader (latest target), or -1 when unknown. */
  private readonly target: Int32Array;
  /** What was last sent to the device, or -1 after a touch / reconnect. */
  private readonly lastSent: Int32Array;
  private readonly lastSentAt: Float64Array;
  private readonly touched: Uint8Array;
  private readonly graceUntil: Float64Array;
  private readonly fakeTouchMs: number;
  /** Fake touch holds until this time (0: none). */
  private readonly fakeTouchUntil: Float64Array;

  constructor(options: MotorFaderSchedulerOptions) {
    this.minIntervalMs = 1000 / options.maxRateHz;
    this.graceMs = options.releaseGraceMs;
    this.target = new Int32Array(options.faders).fill(-1);
    this.lastSent = new Int32Array(options.faders).fill(-1);
    this.lastSentAt = new Float64Array(options.faders).fill(-Infinity);
    this.touched = new Uint8Array(options.faders);
    this.graceUntil = new Float64Array(options.faders);
    this.fakeTouchMs = options.fakeTouchMs;
    this.fakeTouchUntil = new Float64Array(options.faders);
  }

  get faders(): number {
    return this.target.length;
  }

  /** The console's value for a fader changed (from anywhere but this surface). */
  setTarget(fader: number, position: number): void {
    if (fader >= 0 && fader < this.target.length)
      this.target[fader] = Math.max(0, Math.min(65535, Math.round(position)));
  }

  /** Touched by a sensor edge, or by a fake touch that has not run out at `nowMs`. */
  isTouched(fader: number, nowMs: number): boolean {
    return this.touched[fader] === 1 || nowMs < this.fakeTouchUntil[fader]!;
  }

  /**
   * The surface reported a position for `fader`. Without a touch edge (surfaces without touch
   * sensing, or an edge lost on the wire), that is a fake touch for `fakeTouchMs` after the last
   * report; when it runs out, the release grace follows as after a real edge.
   */
  reportedMove(fader: number, nowMs: number): void {
    if (fader < 0 || fader >= this.touched.length || this.touched[fader] === 1) return;
    if (nowMs >= this.fakeTouchUntil[fader]!) this.lastSent[fader] = -1;
    this.fakeTouchUntil[fader] = nowMs + this.fakeTouchMs;
    this.graceUntil[fader] = this.fakeTouchUntil[fader] + this.graceMs;
  }

  /** Touch edge from the device (or implied by a position report). */
  touch(fader: number, touched: boolean, nowMs: number): void {
    if (fader < 0 || fader >= this.touched.length) return;
    const was = this.touched[fader] === 1 || nowMs < this.fakeTouchUntil[fader]!;
    this.touched[fader] = touched ? 1 : 0;
    // A real edge replaces any fake touch.
    this.fakeTouchUntil[fader] = 0;
    if (touched) {
      // The hand moves the fader: whatever was sent before no longer describes it.
      this.lastSent[fader] = -1;
    } else if (was) {
      this.graceUntil[fader] = nowMs + this.graceMs;
    }
  }

  /** After a (re)connect: nothing the device had is trusted; every known target goes out again. */
  invalidate(): void {
    this.lastSent.fill(-1);
    this.lastSentAt.fill(-Infinity);
  }

  /** Setpoints to send now (coalesced, deduplicated, rate-limited, none for touched faders). */
  due(nowMs: number): FaderSetpoint[] {
    const out: FaderSetpoint[] = [];
    for (let fader = 0; fader < this.target.length; fader++) {
      const target = this.target[fader]!;
      if (target < 0 || this.isTouched(fader, nowMs)) continue;
      if (nowMs < this.graceUntil[fader]!) continue;
      if (target === this.lastSent[fader]) continue;
      if (nowMs - this.lastSentAt[fader]! < this.minIntervalMs) continue;
      this.lastSent[fader] = target;
      this.lastSentAt[fader] = nowMs;
      out.push({ fader, position: target });
    }
    return out;
  }

  /** A setpoint the device never acknowledged: send the latest target for it again. */
  resend(fader: number): void {
    if (fader >= 0 && fader < this.lastSent.length) {
      this.lastSent[fader] = -1;
      this.lastSentAt[fader] = -Infinity;
    }
  }
}
