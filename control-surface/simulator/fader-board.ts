import {
  ALL_FADERS,
  encodeFrame,
  ERROR_CODE,
  MESSAGE_TYPE,
  PROTOCOL_MAJOR,
  STATUS_FLAG,
  StreamDecoder,
  type FrameResult,
  type LedState,
  type Message,
  type MessageOf,
} from '../../firmware-protocol/index.ts';
import { boardCapabilities, FACTORY_CALIBRATION, type BoardCapabilities } from './board-capabilities.ts';
import type { BoardEvent, BoardState } from './board-state.ts';
import { DuplicateFilter } from './duplicate-filter.ts';
import { FaderMotor, STEP_MS } from './fader-motor.ts';
import type { HandAction } from './hand-action.ts';
import { TouchSensor } from './touch-sensor.ts';

/** §3.2: no valid host frame for this long stops the motors. */
export const WATCHDOG_MS = 1500;
/** How long a calibration run takes before its CALIBRATE_RESULTs go out. */
export const CALIBRATION_MS = 200;
/**
 * Longest stretch of time one tick() integrates step by step. After a longer stall (a suspended
 * laptop, a debugger) the rest is skipped: every motor has long settled by then, and stepping
 * through an hour of 1 ms steps would stall the simulator instead.
 */
const MAX_CATCH_UP_MS = 10_000;

type HostMessage = MessageOf<
  'hello' | 'ping' | 'faderSetpoint' | 'ledSet' | 'displayText' | 'meterLevels' | 'calibrate' | 'reset'
>;
interface Calibration {
  readonly min: number;
  readonly max: number;
}

/** §3.1: in the safe state only these are answered normally. */
const ALLOWED_IN_SAFE_STATE = new Set<Message['type']>(['hello', 'ping', 'reset']);
/** The messages §4.1 marks "ACK"; only they take part in duplicate detection (§5). */
const ACKNOWLEDGED = new Set<Message['type']>([
  'faderSetpoint',
  'ledSet',
  'displayText',
  'calibrate',
  'reset',
]);

export interface FaderBoardOptions {
  readonly faders: number;
  /** 16 lowercase hex digits. */
  readonly uid: string;
  /** Board time at power-on, in ms; every later call passes a time on the same clock. */
  readonly nowMs?: number;
  readonly onEvent?: (event: BoardEvent) => void;
}

/** What a reboot forgets: everything but the mechanics, the hand and the calibration "flash". */
interface Session {
  readonly bootMs: number;
  readonly decoder: StreamDecoder;
  readonly duplicates: DuplicateFilter;
  seq: number;
  crcErrors: number;
  framingErrors: number;
  overruns: number;
  watchdogTrips: number;
  framesIn: number;
  framesOut: number;
  helloSeen: boolean;
  safeState: boolean;
  lastHostNonce: number | null;
  /** null: no valid host frame since boot, so the watchdog is not armed yet. */
  lastHostFrameMs: number | null;
  watchdogTripped: boolean;
  /**
   * A trip no PONG has shown yet. The frame that ends a trip is also the first one the board
   * hears, so a PING would otherwise never see the bit set: it stays set in PONG status until
   * one PONG has carried it.
   */
  tripUnreported: boolean;
  calibration: { readonly faders: readonly number[]; readonly doneAtMs: number } | null;
  readonly leds: LedState[];
  readonly displays: string[];
  readonly meters: number[];
}

/**
 * A motor-fader board that speaks PROTOCOL.md, as pure logic: bytes from the host go in through
 * receive(), time goes in through tick(), the hand acts through hand(), and each call returns the
 * bytes the board puts on the wire (empty if none). Physics runs in fixed 1 ms steps, caught up
 * to the time each call passes, so tests can run it on simulated time and the runner on
 * performance.now().
 */
export class FaderBoard {
  private readonly capabilities: BoardCapabilities;
  private readonly motors: FaderMotor[];
  private readonly touches: TouchSensor[];
  private readonly buttons: boolean[];
  /** Survives reboots, like values in a board's flash. */
  private readonly calibration: Calibration[];
  private readonly onEvent: (event: BoardEvent) => void;
  /** Time of the last physics step. */
  private stepMs: number;
  /** Latest time any call passed in. */
  private clockMs: number;
  private session: Session;
  private output: Uint8Array[] = [];

  constructor(options: FaderBoardOptions) {
    this.capabilities = boardCapabilities(options.faders, options.uid);
    const faders = this.capabilities.faders;
    this.motors = Array.from({ length: faders }, () => new FaderMotor(0));
    this.touches = Array.from({ length: faders }, () => new TouchSensor());
    this.buttons = Array.from({ length: this.capabilities.buttons }, () => false);
    this.calibration = Array.from({ length: faders }, () => ({ ...FACTORY_CALIBRATION }));
    this.onEvent = options.onEvent ?? (() => undefined);
    this.stepMs = options.nowMs ?? 0;
    this.clockMs = this.stepMs;
    this.session = newSession(this.capabilities, this.clockMs);
    // §3.1 rule 1: announce the boot unprompted, nonce 0.
    this.sendHelloAck(0);
  }

  get faderCount(): number {
    return this.capabilities.faders;
  }

  /** Bytes queued without a call that returns them: the boot HELLO_ACK right after construction. */
  takeOutput(): Uint8Array {
    return this.flush();
  }

  /** Advances time to `nowMs` (1 kHz physics, watchdog, debounce, calibration, reports). */
  tick(nowMs: number): Uint8Array {
    this.advance(nowMs);
    return this.flush();
  }

  /** Bytes from the serial line, arrived at `nowMs`. Never throws on any input. */
  receive(bytes: Uint8Array, nowMs: number): Uint8Array {
    this.advance(nowMs);
    const session = this.session;
    for (const result of session.decoder.push(bytes)) {
      // A RESET in this chunk rebooted the board: what came after it arrived while it was down.
      if (this.session !== session) break;
      this.handleFrame(result);
    }
    return this.flush();
  }

  /** The scripted hand. Throws RangeError for an action the hardware cannot do (bad index, etc.). */
  hand(action: HandAction, nowMs: number): Uint8Array {
    this.advance(nowMs);
    switch (action.kind) {
      case 'touch': {
        const touch = this.touches[this.faderIndex(action.fader)]!;
        touch.hand = true;
        if (touch.update(this.clockMs)) this.touchEdge(action.fader);
        break;
      }
      case 'move': {
        const index = this.faderIndex(action.fader);
        if (!this.touches[index]!.hand) throw new RangeError(`fader ${index} is not touched: touch it first`);
        if (!Number.isInteger(action.position) || action.position < 0 || action.position > 65535)
          throw new RangeError(`position must be an integer 0..65535, got ${action.position}`);
        this.motors[index]!.place(action.position);
        this.reportPositions(this.clockMs);
        break;
      }
      case 'release': {
        const touch = this.touches[this.faderIndex(action.fader)]!;
        if (!touch.hand) throw new RangeError(`fader ${action.fader} is not touched`);
        touch.hand = false;
        // Within the debounce time of the touch edge, the release edge follows from a later tick.
        if (touch.update(this.clockMs)) this.touchEdge(action.fader);
        break;
      }
      case 'button': {
        const { button, pressed } = action;
        if (!Number.isInteger(button) || button < 0 || button >= this.buttons.length)
          throw new RangeError(`button must be an integer 0..${this.buttons.length - 1}, got ${button}`);
        // A real switch only has edges: pressing a pressed button changes nothing.
        if (this.buttons[button] !== pressed) {
          this.buttons[button] = pressed;
          this.send({ type: 'button', button, pressed });
        }
        break;
      }
      case 'encoder': {
        const { encoder, delta } = action;
        if (!Number.isInteger(encoder) || encoder < 0 || encoder >= this.capabilities.encoders)
          throw new RangeError(
            `encoder must be an integer 0..${this.capabilities.encoders - 1}, got ${encoder}`,
          );
        if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > 127)
          throw new RangeError(`delta must be a non-zero integer -127..127, got ${delta}`);
        this.send({ type: 'encoder', encoder, delta });
        break;
      }
    }
    return this.flush();
  }

  snapshot(): BoardState {
    const s = this.session;
    return {
      faders: this.motors.map((motor, i) => ({
        position: this.reportedPosition(i),
        setpoint: Math.round(motor.currentSetpoint),
        touched: this.touches[i]!.touched,
        motorOn: motor.motorOn,
      })),
      leds: [...s.leds],
      buttons: [...this.buttons],
      displays: [...s.displays],
      meters: [...s.meters],
      connected: s.helloSeen,
      safeState: s.safeState,
      watchdogTripped: s.watchdogTripped,
      calibrating: s.calibration !== null,
      uptimeMs: this.uptimeMs(),
      counters: {
        crc: s.crcErrors,
        framing: s.framingErrors,
        overruns: s.overruns,
        watchdogTrips: s.watchdogTrips,
        framesIn: s.framesIn,
        framesOut: s.framesOut,
      },
      lastHostNonce: s.lastHostNonce,
    };
  }

  /** Exact (unquantised) position, for physics measurements in tests. */
  rawPosition(fader: number): number {
    return this.motors[this.faderIndex(fader)]!.rawPosition;
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────────

  private advance(nowMs: number): void {
    if (!(nowMs > this.clockMs)) return; // time never runs backwards (NaN included)
    this.clockMs = nowMs;
    if (nowMs - this.stepMs > MAX_CATCH_UP_MS) this.stepMs = nowMs - MAX_CATCH_UP_MS;
    while (this.stepMs + STEP_MS <= nowMs) {
      this.stepMs += STEP_MS;
      this.step(this.stepMs);
    }
  }

  /** One 1 ms tick of the firmware's control loop. */
  private step(t: number): void {
    const s = this.session;
    for (let i = 0; i < this.touches.length; i++) if (this.touches[i]!.update(t)) this.touchEdge(i);
    if (s.calibration !== null && t >= s.calibration.doneAtMs) this.finishCalibration();
    if (!s.watchdogTripped && s.lastHostFrameMs !== null && t - s.lastHostFrameMs >= WATCHDOG_MS) {
      s.watchdogTripped = true;
      s.tripUnreported = true;
      s.watchdogTrips = wrap16(s.watchdogTrips + 1);
      // Hold exactly here; the setpoint in flight is dropped so resuming causes no jump (§3.2).
      for (const motor of this.motors) motor.holdHere();
      this.updateDrive();
      this.onEvent({ event: 'watchdog', tripped: true });
    }
    for (const motor of this.motors) motor.step();
    this.reportPositions(t);
  }

  // ── faders and touch ────────────────────────────────────────────────────────────────────────

  /**
   * The ADC reading << (16 - fader_bits), as §3.3 rule 1 asks of a 12-bit board. Rounded to the
   * nearest step: a fader settling on 40000 from below reads 40000, not one LSB under it.
   */
  private reportedPosition(fader: number): number {
    const shift = 16 - this.capabilities.faderBits;
    const top = (1 << this.capabilities.faderBits) - 1;
    const adc = Math.min(top, Math.round(this.motors[fader]!.rawPosition / (1 << shift)));
    return adc << shift;
  }

  private touchEdge(fader: number): void {
    const touch = this.touches[fader]!;
    const motor = this.motors[fader]!;
    // Released: stay where the hand left it; the host sends the authoritative value after its grace.
    if (!touch.touched) motor.holdHere();
    this.updateDrive();
    const position = this.reportedPosition(fader);
    touch.lastReportedPosition = position;
    this.send({ type: 'touch', fader, touched: touch.touched, position });
  }

  /** §3.3 rule 3: while touched, changes of at least 1 ADC LSB, at most max_rate_hz per fader. */
  private reportPositions(t: number): void {
    const lsb = 1 << (16 - this.capabilities.faderBits);
    const interval = 1000 / this.capabilities.maxRateHz;
    for (let i = 0; i < this.touches.length; i++) {
      const touch = this.touches[i]!;
      if (!touch.touched || t - touch.lastReportMs < interval) continue;
      const position = this.reportedPosition(i);
      if (Math.abs(position - touch.lastReportedPosition) < lsb) continue;
      touch.lastReportedPosition = position;
      touch.lastReportMs = t;
      this.send({ type: 'faderPosition', fader: i, position });
    }
  }

  /** Motors drive only after a compatible HELLO, while the watchdog is quiet, and never a touched fader. */
  private updateDrive(): void {
    const s = this.session;
    const enabled = s.helloSeen && !s.safeState && !s.watchdogTripped;
    for (let i = 0; i < this.motors.length; i++)
      this.motors[i]!.setDriving(enabled && !this.touches[i]!.touched);
  }

  private faderIndex(fader: number): number {
    if (!Number.isInteger(fader) || fader < 0 || fader >= this.motors.length)
      throw new RangeError(`fader must be an integer 0..${this.motors.length - 1}, got ${fader}`);
    return fader;
  }

  // ── frames from the host ────────────────────────────────────────────────────────────────────

  private handleFrame(result: FrameResult): void {
    const s = this.session;
    if (!result.ok) {
      switch (result.error) {
        case 'too-long':
          s.overruns = wrap16(s.overruns + 1);
          return;
        case 'cobs':
        case 'too-short':
          s.framingErrors = wrap16(s.framingErrors + 1);
          return;
        case 'crc':
          s.crcErrors = wrap16(s.crcErrors + 1);
          return;
        case 'unknown-type':
        case 'bad-length':
        case 'bad-value':
          // The CRC matched: the host is alive even if it sent something this board refuses.
          this.hostFrameArrived();
          this.sendError(ERROR_BY_NAME[result.error], result.type ?? 0, result.seq ?? 0);
          return;
      }
    }
    this.hostFrameArrived();
    const { message, seq } = result;
    // §2.1: the codecs are shared, so device-to-host types decode; a device refuses them.
    if (!isHostMessage(message)) {
      this.sendError(ERROR_CODE.unknownType, MESSAGE_TYPE[message.type], seq);
      return;
    }
    const type = MESSAGE_TYPE[message.type];
    if (s.safeState && !ALLOWED_IN_SAFE_STATE.has(message.type)) {
      this.sendError(ERROR_CODE.versionMismatch, type, seq);
      return;
    }
    if (
      ACKNOWLEDGED.has(message.type) &&
      s.duplicates.isDuplicate(type, seq, JSON.stringify(message), this.clockMs)
    ) {
      // A resend whose ACK was lost: acknowledge again, apply nothing (§5).
      this.send({ type: 'ack', ackedType: type, ackedSeq: seq, result: ERROR_CODE.ok });
      return;
    }
    const refusal = this.refusal(message);
    if (refusal === null) this.apply(message, type, seq);
    else this.sendError(refusal, type, seq);
  }

  /** Feeds the watchdog; a tripped one lets the motors go again (§3.2). */
  private hostFrameArrived(): void {
    const s = this.session;
    s.framesIn++;
    s.lastHostFrameMs = this.clockMs;
    if (s.watchdogTripped) {
      s.watchdogTripped = false;
      this.updateDrive();
      this.onEvent({ event: 'watchdog', tripped: false });
    }
  }

  /**
   * The application's checks (§3.1, §4.1): an ERROR code if the message must not be applied at
   * all, else null. Separate from applying, so a refused message is never half applied.
   */
  private refusal(message: HostMessage): number | null {
    const s = this.session;
    const caps = this.capabilities;
    switch (message.type) {
      case 'hello':
      case 'ping':
      case 'reset':
        return null;
      case 'faderSetpoint':
        if (!s.helloSeen) return ERROR_CODE.notReady;
        // The motors belong to the calibration run until it reports.
        if (s.calibration !== null) return ERROR_CODE.busy;
        return message.setpoints.some((sp) => sp.fader >= caps.faders) ? ERROR_CODE.badValue : null;
      case 'ledSet':
        return message.leds.some((l) => l.led >= caps.leds) ? ERROR_CODE.badValue : null;
      case 'displayText':
        return message.display >= caps.displays ? ERROR_CODE.badValue : null;
      case 'meterLevels':
        // Streamed, so not acknowledged, but an index out of range still gets its ERROR (§4.1).
        return message.first + message.levels.length > caps.meters ? ERROR_CODE.badValue : null;
      case 'calibrate':
        // Calibration drives the motors to the stops, which §3.1 rule 4 rules out before HELLO.
        if (!s.helloSeen) return ERROR_CODE.notReady;
        if (message.fader !== ALL_FADERS && message.fader >= caps.faders) return ERROR_CODE.badValue;
        return s.calibration !== null ? ERROR_CODE.busy : null;
    }
  }

  private apply(message: HostMessage, type: number, seq: number): void {
    const s = this.session;
    const caps = this.capabilities;
    // Everything §4.1 marks "ACK" is acknowledged before it takes effect (RESET must be, as the
    // board is gone after it).
    if (ACKNOWLEDGED.has(message.type)) {
      s.duplicates.remember(type, seq, JSON.stringify(message), this.clockMs);
      this.send({ type: 'ack', ackedType: type, ackedSeq: seq, result: ERROR_CODE.ok });
    }
    switch (message.type) {
      case 'hello': {
        const compatible = message.protocolMajor === PROTOCOL_MAJOR;
        // Entering the safe state: motors off where they are (§3.1).
        if (!compatible) for (const motor of this.motors) motor.holdHere();
        s.helloSeen = true;
        s.safeState = !compatible;
        s.lastHostNonce = message.hostNonce;
        this.updateDrive();
        this.sendHelloAck(message.hostNonce, seq);
        this.onEvent({
          event: 'hello',
          nonce: message.hostNonce,
          protocolMajor: message.protocolMajor,
          protocolMinor: message.protocolMinor,
        });
        return;
      }
      case 'ping':
        this.send({ type: 'pong', ...this.nextPong() }, seq);
        return;
      case 'faderSetpoint':
        for (const { fader, position } of message.setpoints) {
          // §3.3 rule 5: a touched fader's setpoints are acknowledged and ignored.
          if (this.touches[fader]!.touched) continue;
          this.motors[fader]!.setSetpoint(position);
          this.onEvent({ event: 'setpoint', fader, position });
        }
        return;
      case 'ledSet':
        for (const { led, state } of message.leds) s.leds[led] = state;
        return;
      case 'displayText': {
        const text = s.displays[message.display] ?? '';
        // §4.1: characters past the display's width are dropped, an offset past it writes nothing.
        const chars = message.text.slice(0, Math.max(0, caps.displayChars - message.offset));
        if (chars.length > 0)
          s.displays[message.display] =
            text.slice(0, message.offset) + chars + text.slice(message.offset + chars.length);
        return;
      }
      case 'meterLevels':
        message.levels.forEach((level, i) => (s.meters[message.first + i] = level));
        return;
      case 'calibrate': {
        const faders =
          message.fader === ALL_FADERS ? Array.from({ length: caps.faders }, (_, i) => i) : [message.fader];
        s.calibration = { faders, doneAtMs: this.clockMs + CALIBRATION_MS };
        return;
      }
      case 'reset':
        this.reboot();
        return;
    }
  }

  private finishCalibration(): void {
    const s = this.session;
    const run = s.calibration;
    if (run === null) return;
    s.calibration = null;
    for (const fader of run.faders) {
      // A hand on the fader keeps it from reaching the stops: the run fails, the old values stay.
      const ok = !this.touches[fader]!.touched;
      if (ok) this.calibration[fader] = { ...FACTORY_CALIBRATION };
      const { min, max } = this.calibration[fader]!;
      this.send({ type: 'calibrateResult', fader, min, max, ok });
    }
  }

  // ── boot ────────────────────────────────────────────────────────────────────────────────────

  /** RESET: everything but the mechanics is forgotten, then the boot HELLO_ACK goes out. */
  private reboot(): void {
    for (const touch of this.touches) touch.reboot();
    for (const motor of this.motors) {
      motor.holdHere();
      motor.setDriving(false);
    }
    this.session = newSession(this.capabilities, this.clockMs);
    this.sendHelloAck(0);
    this.onEvent({ event: 'reboot' });
  }

  // ── frames to the host ──────────────────────────────────────────────────────────────────────

  private sendHelloAck(hostNonce: number, answerSeq?: number): void {
    this.send(
      { type: 'helloAck', ...this.capabilities, calibration: [...this.calibration], hostNonce },
      answerSeq,
    );
  }

  /** PONG fields; showing a latched watchdog trip here also clears the latch. */
  private nextPong(): Omit<MessageOf<'pong'>, 'type'> {
    const s = this.session;
    let status = 0;
    if (s.helloSeen && !s.safeState && !s.watchdogTripped) status |= STATUS_FLAG.motorsEnabled;
    if (s.calibration !== null) status |= STATUS_FLAG.calibrating;
    if (s.safeState) status |= STATUS_FLAG.safeState;
    if (this.touches.some((t) => t.touched)) status |= STATUS_FLAG.anyTouched;
    if (s.watchdogTripped || s.tripUnreported) status |= STATUS_FLAG.watchdogTripped;
    s.tripUnreported = false;
    return {
      status,
      uptimeMs: this.uptimeMs() % 2 ** 32,
      crcErrors: s.crcErrors,
      framingErrors: s.framingErrors,
      overruns: s.overruns,
      watchdogTrips: s.watchdogTrips,
    };
  }

  private uptimeMs(): number {
    return Math.floor(this.clockMs - this.session.bootMs);
  }

  private sendError(code: number, offendingType: number, offendingSeq: number): void {
    this.send({ type: 'error', code, offendingType, offendingSeq });
  }

  /**
   * Answers (HELLO_ACK to HELLO, PONG to PING) carry the request's seq and leave the board's own
   * counter alone, so the host can read gaps in the counter as lost reports (§5).
   */
  private send(message: Message, answerSeq?: number): void {
    const s = this.session;
    let seq = answerSeq;
    if (seq === undefined) {
      seq = s.seq;
      s.seq = (s.seq + 1) & 0xff;
    }
    const frame = encodeFrame(message, seq);
    // A 0x00 before every frame (§2): line noise or a frame cut by a reboot cannot cost this one.
    const wire = new Uint8Array(frame.length + 1);
    wire.set(frame, 1);
    this.output.push(wire);
    s.framesOut++;
  }

  private flush(): Uint8Array {
    if (this.output.length === 1) {
      const only = this.output[0]!;
      this.output = [];
      return only;
    }
    const bytes = new Uint8Array(this.output.reduce((n, chunk) => n + chunk.length, 0));
    let at = 0;
    for (const chunk of this.output) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.output = [];
    return bytes;
  }
}

const ERROR_BY_NAME = {
  'unknown-type': ERROR_CODE.unknownType,
  'bad-length': ERROR_CODE.badLength,
  'bad-value': ERROR_CODE.badValue,
} as const;

function newSession(caps: BoardCapabilities, nowMs: number): Session {
  return {
    bootMs: nowMs,
    decoder: new StreamDecoder(),
    duplicates: new DuplicateFilter(),
    seq: 0,
    crcErrors: 0,
    framingErrors: 0,
    overruns: 0,
    watchdogTrips: 0,
    framesIn: 0,
    framesOut: 0,
    helloSeen: false,
    safeState: false,
    lastHostNonce: null,
    lastHostFrameMs: null,
    watchdogTripped: false,
    tripUnreported: false,
    calibration: null,
    leds: Array.from({ length: caps.leds }, () => 'off' as const),
    displays: Array.from({ length: caps.displays }, () => ' '.repeat(caps.displayChars)),
    meters: Array.from({ length: caps.meters }, () => 0),
  };
}

function isHostMessage(message: Message): message is HostMessage {
  return MESSAGE_TYPE[message.type] < 0x40;
}

function wrap16(value: number): number {
  return value & 0xffff;
}
