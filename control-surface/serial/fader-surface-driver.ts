import { EventEmitter } from 'node:events';
import type { ParamChange, ParamStore } from '../../engine/index.ts';
import {
  encodeFrame,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
  StreamDecoder,
  type FrameResult,
  type Message,
  type MessageOf,
} from '../../firmware-protocol/index.ts';
import { MotorFaderScheduler } from '../motor-fader-scheduler.ts';
import { defaultStripMapping } from '../mapping/default-strip-mapping.ts';
import { applyControlBinding } from '../mapping/apply-control-binding.ts';
import { MappingIndex, type ControlBinding, type SurfaceMapping } from '../mapping/surface-mapping.ts';
import type { SerialLink, SerialLinkOpener } from './serial-link.ts';

export type FaderSurfaceState = 'stopped' | 'connecting' | 'handshaking' | 'online' | 'incompatible';

export type ConsoleParams = Pick<
  ParamStore,
  'on' | 'off' | 'has' | 'get' | 'position' | 'set' | 'setPosition' | 'spec'
>;

export interface FaderSurfaceOptions {
  readonly path: string;
  readonly open: SerialLinkOpener;
  readonly params: ConsoleParams;
  /** Defaults to the strip mapping for the device's counts. */
  readonly mapping?: (device: MessageOf<'helloAck'>) => SurfaceMapping;
  readonly timing?: Partial<FaderSurfaceTiming>;
}

/** PROTOCOL.md §3.2, §3.3, §5 and §6. */
export interface FaderSurfaceTiming {
  heartbeatMs: number;
  /** Three missed PONGs. */
  pongTimeoutMs: number;
  /** No valid device frame at all. */
  silenceTimeoutMs: number;
  handshakeTimeoutMs: number;
  reconnectDelayMs: number;
  ackTimeoutMs: number;
  maxRetries: number;
  setpointRateHz: number;
  releaseGraceMs: number;
  /** A fader reporting positions without a touch edge counts as touched this long. */
  impliedTouchMs: number;
  tickMs: number;
}

const DEFAULT_TIMING: FaderSurfaceTiming = {
  heartbeatMs: 250,
  pongTimeoutMs: 750,
  silenceTimeoutMs: 2000,
  handshakeTimeoutMs: 500,
  reconnectDelayMs: 300,
  ackTimeoutMs: 50,
  maxRetries: 3,
  setpointRateHz: 200,
  releaseGraceMs: 200,
  impliedTouchMs: 3000,
  tickMs: 5,
};

interface PendingAck {
  readonly message: Message;
  readonly seq: number;
  sentAt: number;
  retries: number;
}

export interface FaderSurfaceCounters {
  framesIn: number;
  framesOut: number;
  corrupt: number;
  retries: number;
  reconnects: number;
  deviceErrors: number;
  /** Setpoint -> ACK round trips of the current session, in ms (most recent 1000). */
  readonly ackRoundTrips: number[];
}

export interface FaderSurfaceEvents {
  state: [FaderSurfaceState, string];
}

/**
 * Host driver for our motor-fader firmware (firmware-protocol/PROTOCOL.md): handshake, heartbeat,
 * loss detection and reconnect, full state push after every (re)connect, faders/buttons/encoders
 * mapped to console parameters, and the motor-fader rules via MotorFaderScheduler. The device
 * never gets its own moves echoed: changes made by this surface are skipped by source.
 */
export class FaderSurfaceDriver extends EventEmitter<FaderSurfaceEvents> {
  readonly source: string;
  readonly counters: FaderSurfaceCounters = {
    framesIn: 0,
    framesOut: 0,
    corrupt: 0,
    retries: 0,
    reconnects: 0,
    deviceErrors: 0,
    ackRoundTrips: [],
  };
  private readonly options: FaderSurfaceOptions;
  private readonly timing: FaderSurfaceTiming;
  private readonly decoder = new StreamDecoder();
  private link: SerialLink | null = null;
  private currentState: FaderSurfaceState = 'stopped';
  private device: MessageOf<'helloAck'> | null = null;
  private mapping: MappingIndex | null = null;
  private scheduler: MotorFaderScheduler | null = null;
  private nonce = 0;
  private seq = 0;
  private lastPongAt = 0;
  private lastFrameAt = 0;
  private readonly pending = new Map<number, PendingAck>();
  /** Unacknowledged sends in a row per fader; a fresh array per session. */
  private setpointRetries = new Uint8Array(0);
  private timers: NodeJS.Timeout[] = [];
  private handshakeTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private running = false;
  private session = 0;

  constructor(options: FaderSurfaceOptions) {
    super();
    this.options = options;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.source = `surface:serial:${options.path}`;
  }

  get state(): FaderSurfaceState {
    return this.currentState;
  }

  get deviceInfo(): MessageOf<'helloAck'> | null {
    return this.device;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.params.on('change', this.onParamChange);
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.options.params.off('change', this.onParamChange);
    this.endSession();
    clearTimeout(this.reconnectTimer);
    const link = this.link;
    this.link = null;
    this.setState('stopped', 'stopped');
    await link?.close();
  }

  /** `running` changes in other callbacks while connect() awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  private setState(state: FaderSurfaceState, reason: string): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state, reason);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.setState('connecting', `opening ${this.options.path}`);
    let link: SerialLink;
    try {
      link = await this.options.open(this.options.path);
    } catch (error) {
      this.scheduleReconnect(`cannot open ${this.options.path}: ${(error as Error).message}`);
      return;
    }
    if (!this.isRunning()) {
      await link.close();
      return;
    }
    const session = ++this.session;
    this.link = link;
    this.decoder.reset();
    link.onData((bytes) => {
      if (session === this.session) this.receive(bytes);
    });
    link.onClose((reason) => {
      if (session === this.session) this.lost(`link closed: ${reason}`);
    });
    this.lastFrameAt = performance.now();
    this.handshake();
  }

  private scheduleReconnect(reason: string): void {
    if (!this.running) return;
    this.setState('connecting', reason);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.timing.reconnectDelayMs);
  }

  /** Device lost: drop the session, close the port, and start again. */
  private lost(reason: string): void {
    if (!this.running || this.link === null) return;
    this.counters.reconnects++;
    this.endSession();
    const link = this.link;
    this.link = null;
    this.session++;
    void link.close();
    this.scheduleReconnect(reason);
  }

  private endSession(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearTimeout(this.handshakeTimer);
    this.pending.clear();
  }

  private handshake(attempt = 0): void {
    if (this.link === null) return;
    if (attempt >= 3) {
      this.lost('no HELLO_ACK after 3 HELLOs');
      return;
    }
    this.setState('handshaking', 'HELLO sent');
    this.nonce = 1 + Math.floor(Math.random() * 0xfffffffe);
    this.send({
      type: 'hello',
      protocolMajor: PROTOCOL_MAJOR,
      protocolMinor: PROTOCOL_MINOR,
      hostNonce: this.nonce,
    });
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => {
      this.handshake(attempt + 1);
    }, this.timing.handshakeTimeoutMs);
  }

  private send(message: Message): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    this.writeFrame(message, seq);
    return seq;
  }

  private writeFrame(message: Message, seq: number): void {
    if (this.link === null) return;
    const frame = encodeFrame(message, seq);
    // A leading delimiter flushes whatever noise the line left in the device's buffer (§2).
    const wire = new Uint8Array(frame.length + 1);
    wire.set(frame, 1);
    this.link.write(wire);
    this.counters.framesOut++;
  }

  /** Sends a message that the device acknowledges, and tracks it for retries (§5). */
  private sendAcked(message: Message): void {
    const seq = this.send(message);
    this.pending.set(seq, { message, seq, sentAt: performance.now(), retries: 0 });
  }

  private receive(bytes: Uint8Array): void {
    for (const result of this.decoder.push(bytes)) this.handle(result);
  }

  private handle(result: FrameResult): void {
    if (!result.ok) {
      this.counters.corrupt++;
      return;
    }
    this.counters.framesIn++;
    const now = performance.now();
    this.lastFrameAt = now;
    const message = result.message;
    switch (message.type) {
      case 'helloAck':
        this.onHelloAck(message);
        return;
      case 'pong':
        this.lastPongAt = now;
        return;
      case 'ack': {
        const pending = this.pending.get(message.ackedSeq);
        if (pending !== undefined) {
          this.pending.delete(message.ackedSeq);
          if (pending.message.type === 'faderSetpoint') {
            this.recordRoundTrip(now - pending.sentAt);
            for (const { fader } of pending.message.setpoints) this.setpointRetries[fader] = 0;
          }
        }
        if (message.result !== 0) this.counters.deviceErrors++;
        return;
      }
      case 'error':
        this.counters.deviceErrors++;
        this.pending.delete(message.offendingSeq);
        return;
      default:
        if (this.currentState === 'online') this.onReport(message, now);
    }
  }

  private recordRoundTrip(ms: number): void {
    const trips = this.counters.ackRoundTrips;
    trips.push(ms);
    if (trips.length > 1000) trips.shift();
  }

  private onHelloAck(message: MessageOf<'helloAck'>): void {
    if (message.hostNonce === 0) {
      // Unprompted: the device (re)booted. Everything it had is gone; handshake again.
      if (this.currentState === 'online') this.endSession();
      this.handshake();
      return;
    }
    if (message.hostNonce !== this.nonce) return;
    clearTimeout(this.handshakeTimer);
    if (message.protocolMajor !== PROTOCOL_MAJOR) {
      this.device = message;
      this.setState(
        'incompatible',
        `device speaks protocol ${message.protocolMajor}.${message.protocolMinor}`,
      );
      return;
    }
    this.goOnline(message);
  }

  private goOnline(device: MessageOf<'helloAck'>): void {
    this.device = device;
    this.mapping = new MappingIndex(
      this.options.mapping?.(device) ?? defaultStripMapping(device, this.options.params),
    );
    this.scheduler = new MotorFaderScheduler({
      faders: device.faders,
      maxRateHz: Math.min(this.timing.setpointRateHz, device.maxRateHz || this.timing.setpointRateHz),
      releaseGraceMs: this.timing.releaseGraceMs,
      fakeTouchMs: this.timing.impliedTouchMs,
    });
    this.pending.clear();
    this.setpointRetries = new Uint8Array(device.faders);
    this.counters.ackRoundTrips.length = 0;
    this.lastPongAt = performance.now();
    this.setState(
      'online',
      `${device.faders} faders, firmware ${device.firmware.major}.${device.firmware.minor}.${device.firmware.patch}`,
    );
    this.pushFullState();
    this.timers.push(
      setInterval(() => {
        this.heartbeat();
      }, this.timing.heartbeatMs),
    );
    this.timers.push(
      setInterval(() => {
        this.tick();
      }, this.timing.tickMs),
    );
  }

  /** After every handshake: every fader, LED and label, whatever was sent before (§3.4). */
  private pushFullState(): void {
    const { mapping, scheduler } = this;
    if (mapping === null || scheduler === null) return;
    scheduler.invalidate();
    for (const binding of mapping.boundTo('fader')) {
      scheduler.setTarget(binding.index, toWire(this.options.params.position(binding.param)));
    }
    const leds = mapping.boundTo('led').map((b) => ({
      led: b.index,
      state: this.options.params.get(b.param) >= 0.5 ? ('on' as const) : ('off' as const),
    }));
    for (let i = 0; i < leds.length; i += 64) this.sendAcked({ type: 'ledSet', leds: leds.slice(i, i + 64) });
    this.sendLabels();
    this.tick();
  }

  private sendLabels(): void {
    const { mapping, device } = this;
    if (mapping === null || device === null || device.displays === 0) return;
    const width = mapping.mapping.displayWidth;
    const text = Array.from({ length: device.faders }, (_, fader) => {
      const binding = mapping.binding('fader', fader);
      const label =
        binding === undefined ? '' : this.options.params.spec(binding.param).label.replace(/ fader$/, '');
      return label
        .replace(/[^\x20-\x7e]/g, '?')
        .slice(0, width - 1)
        .padEnd(width, ' ');
    })
      .join('')
      .slice(0, device.displayChars);
    this.sendAcked({ type: 'displayText', display: 0, offset: 0, text });
  }

  private heartbeat(): void {
    const now = performance.now();
    if (now - this.lastPongAt > this.timing.pongTimeoutMs) {
      this.lost(`no PONG for ${Math.round(now - this.lastPongAt)} ms`);
      return;
    }
    if (now - this.lastFrameAt > this.timing.silenceTimeoutMs) {
      this.lost('device silent');
      return;
    }
    this.send({ type: 'ping' });
  }

  /** Every few ms: due setpoints out in one frame, unacknowledged messages retried (§5). */
  private tick(): void {
    const scheduler = this.scheduler;
    if (scheduler === null || this.currentState !== 'online') return;
    const now = performance.now();
    for (const pending of [...this.pending.values()]) {
      if (now - pending.sentAt < this.timing.ackTimeoutMs) continue;
      if (pending.retries >= this.timing.maxRetries) {
        this.lost(`no ACK for ${pending.message.type} after ${pending.retries} retries`);
        return;
      }
      this.counters.retries++;
      if (pending.message.type === 'faderSetpoint') {
        // Never a stale value: the scheduler resends the latest target under a new seq.
        this.pending.delete(pending.seq);
        for (const { fader } of pending.message.setpoints) {
          const retries = (this.setpointRetries[fader] ?? 0) + 1;
          if (retries > this.timing.maxRetries) {
            this.lost(`no ACK for fader ${fader}'s setpoint after ${retries - 1} retries`);
            return;
          }
          this.setpointRetries[fader] = retries;
          scheduler.resend(fader);
        }
      } else {
        pending.retries++;
        pending.sentAt = now;
        this.writeFrame(pending.message, pending.seq);
      }
    }
    const due = scheduler.due(now);
    for (let i = 0; i < due.length; i += 32)
      this.sendAcked({ type: 'faderSetpoint', setpoints: due.slice(i, i + 32) });
  }

  /** Device reports: touch, positions, buttons, encoders, applied through their bindings. */
  private onReport(message: Message, now: number): void {
    const { mapping, scheduler } = this;
    if (mapping === null || scheduler === null) return;
    switch (message.type) {
      case 'touch': {
        scheduler.touch(message.fader, message.touched, now);
        const binding = mapping.binding('fader', message.fader);
        if (binding === undefined) return;
        this.apply(binding, message.position / 65535);
        // The console's value is authoritative after release (clamped, or changed meanwhile).
        if (!message.touched)
          scheduler.setTarget(message.fader, toWire(this.options.params.position(binding.param)));
        return;
      }
      case 'faderPosition': {
        // Positions without a touch edge: the edge was lost; a fake touch covers it (§5).
        scheduler.reportedMove(message.fader, now);
        const binding = mapping.binding('fader', message.fader);
        if (binding !== undefined) this.apply(binding, message.position / 65535);
        return;
      }
      case 'button': {
        const binding = mapping.binding('button', message.button);
        if (binding !== undefined && message.pressed) this.apply(binding, 1);
        return;
      }
      case 'encoder': {
        const binding = mapping.binding('encoder', message.encoder);
        if (binding !== undefined) this.apply(binding, message.delta);
        return;
      }
      default:
        return;
    }
  }

  /** One control input through its binding's mode: a position, a press, or detents. */
  private apply(binding: ControlBinding, input: number): void {
    applyControlBinding(this.options.params, binding, input, this.source);
  }

  /** Console changes from anywhere but this surface go to the device. */
  private readonly onParamChange = (change: ParamChange): void => {
    const { mapping, scheduler } = this;
    if (change.source === this.source || mapping === null || scheduler === null) return;
    for (const binding of mapping.bindingsFor(change.id)) {
      if (binding.control === 'fader') scheduler.setTarget(binding.index, toWire(change.position));
      else if (binding.control === 'led' && this.currentState === 'online') {
        this.sendAcked({
          type: 'ledSet',
          leds: [{ led: binding.index, state: change.value >= 0.5 ? 'on' : 'off' }],
        });
      }
    }
  };
}

/** Normalized control position 0..1 -> the protocol's u16 position. */
function toWire(position: number): number {
  return Math.round(Math.max(0, Math.min(1, position)) * 65535);
}
