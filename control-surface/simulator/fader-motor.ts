/** Full scale of a fader position (PROTOCOL.md §3.3: 0 = bottom stop, 65535 = top stop). */
export const FULL_SCALE = 65535;
/** The physics runs at a fixed 1 kHz, like a firmware's motor-control interrupt. */
export const STEP_MS = 1;

/**
 * Tuning, chosen so a full-travel move comes within 1 % in about 155 ms with well under 0.1 %
 * overshoot (the brief allows 100–300 ms and 2 %): a real board's PID is tuned slightly under
 * critical damping, so the simulated one is too, and the host sees the same small settling tail.
 */
const SLEW_PER_MS = FULL_SCALE / 120; // the setpoint smoother crosses full travel in 120 ms
const OMEGA = 80; // rad/s: natural frequency of the closed position loop
const ZETA = 0.85; // damping ratio
const DT = STEP_MS / 1000;

/**
 * One motorised fader: a slew-limited setpoint (the smoothing §3.3 rule 5 asks for) followed by
 * a second-order closed position loop. Float state; the ADC quantisation happens when positions
 * are read out, not here, so small moves stay smooth.
 */
export class FaderMotor {
  private position: number;
  private velocity = 0;
  /** Where the host wants the fader. */
  private setpoint: number;
  /** The smoothed setpoint the loop actually follows. */
  private target: number;
  /** Off: the fader is touched, tripped, in safe state or not connected; it stays where it is. */
  private driving = false;

  constructor(position: number) {
    this.position = clamp(position);
    this.setpoint = this.position;
    this.target = this.position;
  }

  get rawPosition(): number {
    return this.position;
  }

  get currentSetpoint(): number {
    return this.setpoint;
  }

  get motorOn(): boolean {
    return this.driving;
  }

  setSetpoint(position: number): void {
    this.setpoint = clamp(position);
  }

  /** Enables or disables the drive. Turning it off stops the fader dead (no coasting). */
  setDriving(on: boolean): void {
    if (on === this.driving) return;
    this.driving = on;
    if (!on) this.velocity = 0;
  }

  /**
   * Forget the setpoint and hold here. Used when the hand lets go and when the watchdog trips:
   * §3.2 asks for no twitch or return to a stale setpoint, only the next setpoint moves it.
   */
  holdHere(): void {
    this.velocity = 0;
    this.setpoint = this.position;
    this.target = this.position;
  }

  /** The hand puts the fader somewhere: it ends up there at rest. */
  place(position: number): void {
    this.position = clamp(position);
    this.holdHere();
  }

  /** One 1 ms step of the loop (semi-implicit Euler, stable at this rate and gain). */
  step(): void {
    if (!this.driving) return;
    const toGo = this.setpoint - this.target;
    this.target += Math.sign(toGo) * Math.min(Math.abs(toGo), SLEW_PER_MS);
    const acceleration = OMEGA * OMEGA * (this.target - this.position) - 2 * ZETA * OMEGA * this.velocity;
    this.velocity += acceleration * DT;
    this.position += this.velocity * DT;
    // The mechanical stops: the fader cannot go past them and loses its speed there.
    if (this.position <= 0 || this.position >= FULL_SCALE) {
      this.position = clamp(this.position);
      this.velocity = 0;
    }
  }
}

function clamp(position: number): number {
  return Math.min(FULL_SCALE, Math.max(0, position));
}
