import { EventEmitter } from 'node:events';
import type { ParamChange } from '../../engine/index.ts';
import { applyControlBinding, bankOffset } from '../mapping/apply-control-binding.ts';
import { MappingIndex, type ControlBinding } from '../mapping/surface-mapping.ts';
import {
  resolvePage,
  stripButtonIndex,
  STRIP_BUTTON_SLOTS,
  type MappingDocument,
  type ResolvedPage,
} from '../mapping/mapping-pages.ts';
import { paramValueText } from '../mapping/value-text.ts';
import { MotorFaderScheduler } from '../motor-fader-scheduler.ts';
import type { DeviceProfile } from '../profiles/device-profile.ts';
import type { ConsoleParams } from '../serial/fader-surface-driver.ts';
import {
  buttonNameOfNote,
  MCU_BUTTON,
  stripButtonOfNote,
  type LedState,
  type McuButtonName,
} from './mcu/mcu-buttons.ts';
import { faderPositionFromValue, faderValueFromPosition, MASTER_FADER } from './mcu/mcu-fader.ts';
import { DEFAULT_CHALLENGE_VARIANT, handshakeStep, type ChallengeVariant } from './mcu/mcu-handshake.ts';
import { encodeMcuHostMessage, type McuHostMessage } from './mcu/mcu-host-messages.ts';
import { McuInputDecoder, type McuInputCounters } from './mcu/mcu-input-decoder.ts';
import { composeLcd, lcdUpdates, type LcdCellStyle } from './mcu/mcu-lcd.ts';
import { DEFAULT_METER_MODE, MeterFeedback } from './mcu/mcu-meter.ts';
import { assignmentUpdates, timecodeUpdates } from './mcu/mcu-seven-segment.ts';
import type { McuSurfaceMessage } from './mcu/mcu-surface-messages.ts';
import { decodeRingByte, encodeRingByte, ringFromPosition } from './mcu/mcu-vpot-ring.ts';
import type { MidiPort, MidiPortNames, MidiPortOpener } from './midi-port.ts';
import { systemSurfaceClock, type SurfaceClock, type SurfaceTimer } from './surface-clock.ts';

/** One Mackie Control unit (main or extender) on its own port; the array order is left to right. */
export interface McuUnitConfig {
  readonly port: MidiPortNames;
  readonly profile: DeviceProfile;
}

export interface McuSurfaceTiming {
  /** Most fader setpoints per second per fader (reference rule 5: 50-100 Hz to MCU hardware). */
  faderRateHz: number;
  /** After a release, the authoritative value goes out this much later (rule 3: 150-300 ms). */
  releaseGraceMs: number;
  /** A move without touch counts as touch this long (rule 4, Reaper: 3 s). */
  fakeTouchMs: number;
  /** How often due fader setpoints are collected. */
  tickMs: number;
  /** How often the LCD is compared with what it should show (only changed spans go out). */
  displayRefreshMs: number;
  /** After a fader move the strip's bottom row shows the fader's value this long. */
  valueHoldMs: number;
  /** Device query repeated this often until the unit answers. */
  handshakeRetryMs: number;
  /** A unit without handshake is taken as online this long after its port opened, if silent. */
  noHandshakeOnlineMs: number;
  /** A port that closed or failed to open is tried again this often. */
  reopenMs: number;
}

export const DEFAULT_MCU_TIMING: McuSurfaceTiming = {
  faderRateHz: 50,
  releaseGraceMs: 200,
  fakeTouchMs: 3000,
  tickMs: 5,
  displayRefreshMs: 50,
  valueHoldMs: 1000,
  handshakeRetryMs: 1000,
  noHandshakeOnlineMs: 300,
  reopenMs: 1000,
};

export interface McuSurfaceOptions {
  readonly units: readonly McuUnitConfig[];
  readonly params: ConsoleParams;
  readonly open: MidiPortOpener;
  readonly mapping: MappingDocument;
  /** Page shown first (default: the first). */
  readonly page?: string;
  /** Peak level (dBFS) of a console strip (0-based), read at each unit's meter refresh. */
  readonly meter?: (consoleStrip: number) => number;
  /** Name of a console strip (0-based) for the top LCD row; default: from its fader's label. */
  readonly stripLabel?: (consoleStrip: number) => string;
  readonly clock?: SurfaceClock;
  readonly timing?: Partial<McuSurfaceTiming>;
  /** Source tag of the parameter changes this surface makes. */
  readonly source?: string;
  /** The console's transport: its time on the timecode display, the jog wheel moves it. */
  readonly transport?: SurfaceTransport;
}

/** What a surface needs of the transport (the engine satisfies it through a small adapter). */
export interface SurfaceTransport {
  /** Playhead, seconds. */
  position(): number;
  locate(seconds: number): void;
}

/** Seconds one jog detent moves the playhead (a tenth of a second: fine enough to spot a cue). */
export const JOG_SECONDS_PER_TICK = 0.1;

/**
 * The playhead as the 10-digit display shows it: hours (3), minutes, seconds, milliseconds (3),
 * so "001 02 03 456" reads 1:02:03.456. Milliseconds rather than frames: a mastering console has
 * no video frame rate.
 */
export function timecodeText(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds * 1000 + 1e-6));
  const ms = total % 1000;
  const s = Math.floor(total / 1000) % 60;
  const m = Math.floor(total / 60000) % 60;
  const h = Math.min(999, Math.floor(total / 3600000));
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(h, 3)}${pad(m, 2)}${pad(s, 2)}${pad(ms, 3)}`;
}

export type McuUnitState =
  'stopped' | 'opening' | 'handshaking' | 'awaitingConfirmation' | 'online' | 'failed';

export interface McuUnitCounters {
  /** Decoder counts: decoded messages, unknown ones by reason, byte-level problems. */
  readonly input: McuInputCounters;
  /** Valid messages addressing a control the unit does not have (fader 8 on an extender). */
  outOfRange: number;
  /** Valid messages for controls with nothing bound. */
  unmapped: number;
  /** Messages before the handshake completed (not acted on). */
  beforeOnline: number;
  /** Exceptions while applying a message (a bug if ever non-zero): caught, counted. */
  handlerErrors: number;
  transportErrors: number;
  /** Times the port closed under the driver. */
  disconnects: number;
  /** Times the unit went online (first connect, reconnects, unit resets). */
  onlines: number;
  /** Fader setpoints sent by the scheduler, and servo echoes. */
  faderSends: number;
  echoes: number;
  bytesOut: number;
}

export interface McuSurfaceEvents {
  state: [unit: number, state: McuUnitState, reason: string];
}

/** LED notes the driver owns: every button LED and the host-only ones, all set on a full push. */
const LED_NOTES: readonly number[] = [
  ...Array.from({ length: 0x68 }, (_, note) => note),
  MCU_BUTTON.smpteLed,
  MCU_BUTTON.beatsLed,
  MCU_BUTTON.rudeSoloLed,
];
const RING_OFF = encodeRingByte({ mode: 'dot', value: 0, centre: false });

interface Unit {
  readonly index: number;
  readonly config: McuUnitConfig;
  readonly profile: DeviceProfile;
  /** First surface strip (across all units) of this unit. */
  readonly base: number;
  readonly strips: number;
  readonly hasMaster: boolean;
  readonly scheduler: MotorFaderScheduler;
  readonly decoder: McuInputDecoder;
  readonly meters: MeterFeedback | null;
  /** Last value on the wire per scheduler fader (echo dedup), -1 = unknown. */
  readonly lastWire: Int32Array;
  readonly leds: Map<number, LedState>;
  readonly rings: Int16Array;
  readonly counters: Omit<McuUnitCounters, 'input'>;
  model: number;
  variant: ChallengeVariant;
  state: McuUnitState;
  port: MidiPort | null;
  session: number;
  lcd: string | null;
  /** Last text on the timecode display and the assignment display (null = unknown). */
  timecode: string | null;
  assignment: string | null;
  timers: SurfaceTimer[];
  reopen: SurfaceTimer | null;
}

/**
 * Attaches Mackie Control units (a main unit and extenders, each on its own port, in the user's
 * order) to the console: handshake, banking across all units, flip, faders through the shared
 * MotorFaderScheduler (no moves while touched, the MCU servo echo, authoritative value on
 * release, fake touch, coalescing, 14-bit dedup), V-Pots and rings, buttons and LEDs, the LCD
 * (names on top, values below, the moving fader's value while it moves, changed spans only),
 * meters at a fixed refresh. On every (re)connect or unit reset, all caches are dropped and the
 * full state is pushed (rule 7). Input never throws: anything invalid is counted and skipped.
 */
export class McuSurfaceDriver extends EventEmitter<McuSurfaceEvents> {
  readonly source: string;
  private readonly options: McuSurfaceOptions;
  private readonly timing: McuSurfaceTiming;
  private readonly clock: SurfaceClock;
  private readonly units: Unit[] = [];
  private readonly totalStrips: number;
  private readonly consoleStrips: number;
  /** The unit whose fader 8 is the master fader (the first with one). */
  private readonly masterUnit: Unit | null;
  private offsetValue = 0;
  private flipped = false;
  private pageId: string;
  private resolved: ResolvedPage;
  private index: MappingIndex;
  /** Per surface strip (and master at `totalStrips`): show the fader's value until then. */
  private readonly valueUntil: Float64Array;
  private timers: SurfaceTimer[] = [];
  private running = false;

  constructor(options: McuSurfaceOptions) {
    super();
    this.options = options;
    this.timing = { ...DEFAULT_MCU_TIMING, ...options.timing };
    this.clock = options.clock ?? systemSurfaceClock;
    this.source = options.source ?? `surface:mcu:${options.units[0]?.port.input ?? 'none'}`;
    let base = 0;
    let master: Unit | null = null;
    for (const [index, config] of options.units.entries()) {
      const profile = config.profile;
      const strips = Math.min(8, profile.strips);
      const hasMaster = profile.masterFader && master === null;
      const faders = strips + (hasMaster ? 1 : 0);
      const unit: Unit = {
        index,
        config,
        profile,
        base,
        strips,
        hasMaster,
        scheduler: new MotorFaderScheduler({
          faders,
          maxRateHz: this.timing.faderRateHz,
          releaseGraceMs: this.timing.releaseGraceMs,
          fakeTouchMs: this.timing.fakeTouchMs,
        }),
        decoder: new McuInputDecoder(),
        meters: profile.meters === null ? null : new MeterFeedback(profile.meters.law, strips),
        lastWire: new Int32Array(faders).fill(-1),
        leds: new Map(),
        rings: new Int16Array(strips).fill(-1),
        counters: {
          outOfRange: 0,
          unmapped: 0,
          beforeOnline: 0,
          handlerErrors: 0,
          transportErrors: 0,
          disconnects: 0,
          onlines: 0,
          faderSends: 0,
          echoes: 0,
          bytesOut: 0,
        },
        model: profile.modelId,
        variant: DEFAULT_CHALLENGE_VARIANT,
        state: 'stopped',
        port: null,
        session: 0,
        lcd: null,
        timecode: null,
        assignment: null,
        timers: [],
        reopen: null,
      };
      if (hasMaster) master = unit;
      this.units.push(unit);
      base += strips;
    }
    this.totalStrips = base;
    this.masterUnit = master;
    this.valueUntil = new Float64Array(base + 1);
    let count = 0;
    while (options.params.has(`strip/${String(count + 1).padStart(2, '0')}/fader`)) count++;
    this.consoleStrips = count;
    const first = options.mapping.pages[0]!;
    this.pageId = options.mapping.pages.some((p) => p.id === options.page) ? options.page! : first.id;
    this.resolved = this.resolve();
    this.index = new MappingIndex(this.resolved.mapping);
  }

  /** Console strip (0-based) shown on the first surface strip. */
  get offset(): number {
    return this.offsetValue;
  }

  get flip(): boolean {
    return this.flipped;
  }

  get page(): string {
    return this.pageId;
  }

  /** Surface strips over all units. */
  get strips(): number {
    return this.totalStrips;
  }

  unitState(unit: number): McuUnitState {
    return this.units[unit]?.state ?? 'stopped';
  }

  /** The surface strips a unit holds (first one across all units, and how many); null if none. */
  unitStrips(unit: number): { readonly base: number; readonly strips: number } | null {
    const u = this.units[unit];
    return u === undefined ? null : { base: u.base, strips: u.strips };
  }

  counters(unit: number): McuUnitCounters | null {
    const u = this.units[unit];
    return u === undefined ? null : { ...u.counters, input: u.decoder.counters };
  }

  /** The bindings now in force (for a panel or tests). */
  get mapping(): MappingIndex {
    return this.index;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.params.on('change', this.onParamChange);
    this.timers.push(
      this.clock.every(this.timing.tickMs, () => {
        this.tick();
      }),
    );
    this.timers.push(
      this.clock.every(this.timing.displayRefreshMs, () => {
        this.refreshDisplays();
      }),
    );
    for (const unit of this.units) void this.openUnit(unit);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.params.off('change', this.onParamChange);
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
    const closing: Promise<void>[] = [];
    for (const unit of this.units) {
      this.endSession(unit);
      unit.reopen?.cancel();
      unit.reopen = null;
      const port = unit.port;
      unit.port = null;
      unit.session++;
      this.setState(unit, 'stopped', 'stopped');
      if (port !== null) closing.push(port.close());
    }
    await Promise.all(closing);
  }

  /** Bank by all surface strips (sign = direction). */
  bank(direction: number): void {
    const step = Math.max(1, this.totalStrips);
    this.moveTo(direction > 0 ? this.offsetValue + step : this.offsetValue - step);
  }

  /** One strip left or right. */
  channel(direction: number): void {
    this.moveTo(this.offsetValue + Math.sign(direction));
  }

  setFlip(flip: boolean): void {
    if (flip === this.flipped) return;
    this.flipped = flip;
    this.remap();
  }

  selectPage(id: string): boolean {
    if (!this.options.mapping.pages.some((p) => p.id === id)) return false;
    if (id !== this.pageId) {
      this.pageId = id;
      this.remap();
    }
    return true;
  }

  /** Feed bytes as if they came from a unit's port (the port listener calls this). */
  receive(unit: number, bytes: Uint8Array): void {
    const u = this.units[unit];
    if (u !== undefined) this.receiveFrom(u, bytes);
  }

  /**
   * Offsets stay within 0..the start of the last bank (Ardour: right stops at the bank holding
   * the last strip). Channel steps reach every offset in between, whatever the mix of unit sizes
   * (reference §3.2, Ardour PR #430).
   */
  private moveTo(target: number): void {
    const next = bankOffset(target, this.consoleStrips, this.totalStrips);
    if (next === this.offsetValue) return;
    this.offsetValue = next;
    this.remap();
  }

  private resolve(): ResolvedPage {
    const page = this.options.mapping.pages.find((p) => p.id === this.pageId)!;
    return resolvePage(page, this.options.mapping.masterFader, {
      strips: this.totalStrips,
      offset: this.offsetValue,
      flip: this.flipped,
      params: this.options.params,
    });
  }

  /** Bank, flip or page changed: new bindings, and the surface follows (changes only). */
  private remap(): void {
    this.resolved = this.resolve();
    this.index = new MappingIndex(this.resolved.mapping);
    this.valueUntil.fill(0);
    for (const unit of this.units) if (unit.state === 'online') this.pushState(unit);
  }

  private setState(unit: Unit, state: McuUnitState, reason: string): void {
    if (unit.state === state) return;
    unit.state = state;
    this.emit('state', unit.index, state, reason);
  }

  // ---- connection -------------------------------------------------------------------------

  private async openUnit(unit: Unit): Promise<void> {
    if (!this.running) return;
    unit.reopen = null;
    this.setState(unit, 'opening', `opening ${unit.config.port.input}`);
    let port: MidiPort;
    try {
      port = await this.options.open(unit.config.port);
    } catch (error) {
      this.scheduleReopen(unit, `cannot open ${unit.config.port.input}: ${(error as Error).message}`);
      return;
    }
    if (!this.isRunning()) {
      await port.close();
      return;
    }
    const session = ++unit.session;
    unit.port = port;
    unit.decoder.reset();
    unit.model = unit.profile.modelId;
    unit.variant = DEFAULT_CHALLENGE_VARIANT;
    this.setState(unit, 'handshaking', 'port open');
    port.onBytes((bytes) => {
      if (session === unit.session) this.receiveFrom(unit, bytes);
    });
    port.onClose((reason) => {
      if (session === unit.session) this.lost(unit, `port closed: ${reason}`);
    });
    port.onError(() => {
      if (session === unit.session) unit.counters.transportErrors++;
    });
    this.startHandshake(unit);
  }

  /** `running` changes in other callbacks while openUnit awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  private startHandshake(unit: Unit): void {
    this.endSession(unit);
    if (unit.profile.handshake === 'none') {
      // Ardour turns such units on at their first message; a silent one is taken as online
      // shortly after the port opened (it may never speak before it is touched).
      unit.timers.push(
        this.clock.after(this.timing.noHandshakeOnlineMs, () => {
          if (unit.state === 'handshaking') this.goOnline(unit, 'no handshake');
        }),
      );
      return;
    }
    const query = (): void => {
      if (unit.state === 'handshaking') this.send(unit, { type: 'deviceQuery', model: unit.model });
    };
    unit.timers.push(this.clock.every(this.timing.handshakeRetryMs, query));
    query();
  }

  private scheduleReopen(unit: Unit, reason: string): void {
    if (!this.running) return;
    this.setState(unit, 'opening', reason);
    unit.reopen?.cancel();
    unit.reopen = this.clock.after(this.timing.reopenMs, () => void this.openUnit(unit));
  }

  private lost(unit: Unit, reason: string): void {
    unit.counters.disconnects++;
    this.endSession(unit);
    unit.port = null;
    unit.session++;
    this.scheduleReopen(unit, reason);
  }

  private endSession(unit: Unit): void {
    for (const timer of unit.timers) timer.cancel();
    unit.timers = [];
  }

  /** Online (first time, after a reconnect, or after the unit reset itself): push everything. */
  private goOnline(unit: Unit, reason: string): void {
    this.endSession(unit);
    unit.counters.onlines++;
    this.setState(unit, 'online', reason);
    if (unit.meters !== null && this.options.meter !== undefined) {
      const refresh = unit.profile.meters?.refreshMs ?? 100;
      unit.timers.push(
        this.clock.every(refresh, () => {
          this.refreshMeters(unit);
        }),
      );
    }
    this.fullPush(unit);
  }

  /** Rule 7: nothing the unit had is trusted. */
  private fullPush(unit: Unit): void {
    unit.scheduler.invalidate();
    unit.lastWire.fill(-1);
    unit.leds.clear();
    unit.rings.fill(-1);
    unit.lcd = null;
    unit.timecode = null;
    unit.assignment = null;
    unit.meters?.reset();
    if (unit.meters !== null) {
      for (let strip = 0; strip < unit.strips; strip++)
        this.send(unit, { type: 'meterMode', model: unit.model, strip, mode: DEFAULT_METER_MODE });
    }
    // A black strip switches its display off: every strip white (reference §1.11).
    if (unit.profile.colour === 'xtouch')
      this.send(unit, { type: 'xtouchColours', model: unit.model, colours: [] });
    else if (unit.profile.colour === 'icon') this.send(unit, { type: 'iconColours', colours: [] });
    this.pushState(unit);
    this.sendDueFaders(unit, this.clock.now());
  }

  /** Everything the unit should show, against the caches: only differences go out. */
  private pushState(unit: Unit): void {
    const params = this.options.params;
    for (let fader = 0; fader < unit.lastWire.length; fader++) {
      const binding = this.index.binding('fader', this.faderBindingIndex(unit, fader));
      // Unbound faders rest at the bottom (Ardour does the same for empty strips).
      unit.scheduler.setTarget(
        fader,
        binding === undefined ? 0 : faderValueFromPosition(params.position(binding.param)),
      );
    }
    for (const note of LED_NOTES) this.sendLed(unit, note, this.ledFor(unit, note));
    for (let strip = 0; strip < unit.strips; strip++) this.sendRing(unit, strip);
    this.refreshDisplay(unit);
  }

  // ---- input --------------------------------------------------------------------------------

  private receiveFrom(unit: Unit, bytes: Uint8Array): void {
    const messages = unit.decoder.push(bytes);
    const now = this.clock.now();
    for (const message of messages) {
      try {
        this.handle(unit, message, now);
      } catch {
        unit.counters.handlerErrors++;
      }
    }
  }

  private handle(unit: Unit, message: McuSurfaceMessage, now: number): void {
    if (this.handleHandshake(unit, message)) return;
    if (message.type === 'versionReply' || message.type === 'identityReply') return;
    if (unit.state !== 'online') {
      if (unit.profile.handshake === 'none' && unit.state === 'handshaking')
        this.goOnline(unit, 'first message');
      else {
        unit.counters.beforeOnline++;
        return;
      }
    }
    switch (message.type) {
      case 'fader':
        this.faderMoved(unit, message.fader, message.value, now);
        return;
      case 'faderTouch':
        this.faderTouched(unit, message.fader, message.touched, now);
        return;
      case 'button':
        this.buttonPressed(unit, message.note, message.pressed);
        return;
      case 'vpot':
        this.vpotTurned(unit, message.strip, message.delta, now);
        return;
      case 'jog':
        this.jogged(unit, message.delta);
        return;
      default:
        unit.counters.unmapped++;
        return;
    }
  }

  /** True when the message was part of the handshake. */
  private handleHandshake(unit: Unit, message: McuSurfaceMessage): boolean {
    const step = handshakeStep(message, unit.variant);
    if (step === null) return false;
    if (message.type === 'hostConnectionQuery' || message.type === 'deviceReady') {
      // Ardour reuses the model byte a unit sends (Qcon extenders answer as 0x14).
      unit.model = message.model;
    }
    if (step.reply !== null) this.send(unit, step.reply);
    switch (step.state) {
      case 'online':
        // Also a unit that reset itself while online: its state is gone, push it all again.
        this.goOnline(unit, message.type);
        return true;
      case 'awaitingConfirmation':
        this.setState(unit, 'awaitingConfirmation', 'challenge answered');
        return true;
      case 'failed':
        if (unit.variant === DEFAULT_CHALLENGE_VARIANT) {
          // docs/mackie-protocol.md: the sources disagree on r1; try the other formula once.
          unit.variant = 'shiftByC3';
          this.setState(unit, 'handshaking', 'connection error: retrying the other challenge formula');
          this.startHandshake(unit);
        } else {
          this.endSession(unit);
          this.setState(unit, 'failed', 'connection error from the unit');
        }
        return true;
    }
  }

  /** Scheduler fader for a unit's fader number (0..7 strips, 8 master), or -1. */
  private schedulerFader(unit: Unit, fader: number): number {
    if (fader >= 0 && fader < unit.strips) return fader;
    if (fader === MASTER_FADER && unit.hasMaster) return unit.strips;
    return -1;
  }

  /** Binding index (surface-wide) of a scheduler fader. */
  private faderBindingIndex(unit: Unit, schedulerFader: number): number {
    return schedulerFader < unit.strips ? unit.base + schedulerFader : this.totalStrips;
  }

  private faderMoved(unit: Unit, fader: number, value: number, now: number): void {
    const local = this.schedulerFader(unit, fader);
    if (local < 0) {
      unit.counters.outOfRange++;
      return;
    }
    // A move is a touch until proven otherwise (fake touch; a no-op while a real touch holds).
    unit.scheduler.reportedMove(local, now);
    if (unit.profile.faderEcho && unit.lastWire[local] !== value) {
      // The MCU servo returns to its last setpoint unless the host echoes the move (§1.3).
      unit.lastWire[local] = value;
      unit.counters.echoes++;
      this.send(unit, { type: 'fader', fader, value });
    }
    const global = this.faderBindingIndex(unit, local);
    const binding = this.index.binding('fader', global);
    if (binding === undefined) {
      unit.counters.unmapped++;
      return;
    }
    this.valueUntil[global] = now + this.timing.valueHoldMs;
    this.options.params.setPosition(
      binding.param,
      faderPositionFromValue(value, unit.profile.faderInputMaximum),
      this.source,
    );
  }

  private faderTouched(unit: Unit, fader: number, touched: boolean, now: number): void {
    const local = this.schedulerFader(unit, fader);
    if (local < 0) {
      unit.counters.outOfRange++;
      return;
    }
    unit.scheduler.touch(local, touched, now);
    const global = this.faderBindingIndex(unit, local);
    this.valueUntil[global] = now + this.timing.valueHoldMs;
    const binding = this.index.binding('fader', global);
    // The console's value is authoritative after release (clamped, or changed meanwhile).
    if (!touched && binding !== undefined)
      unit.scheduler.setTarget(local, faderValueFromPosition(this.options.params.position(binding.param)));
  }

  private buttonPressed(unit: Unit, note: number, pressed: boolean): void {
    const strip = stripButtonOfNote(note);
    if (strip !== null && strip.button !== 'faderTouch') {
      if (strip.strip >= unit.strips) {
        unit.counters.outOfRange++;
        return;
      }
      const binding = this.index.binding('button', stripButtonIndex(unit.base + strip.strip, strip.button));
      if (binding === undefined) unit.counters.unmapped++;
      else if (pressed) this.apply(binding, 1);
      return;
    }
    if (!pressed) return;
    const name = buttonNameOfNote(note);
    if (name === null || !this.globalButton(name)) unit.counters.unmapped++;
  }

  private globalButton(name: McuButtonName): boolean {
    switch (name) {
      case 'bankLeft':
        this.bank(-1);
        return true;
      case 'bankRight':
        this.bank(1);
        return true;
      case 'channelLeft':
        this.channel(-1);
        return true;
      case 'channelRight':
        this.channel(1);
        return true;
      case 'flip':
        this.setFlip(!this.flipped);
        return true;
      default: {
        const page = this.options.mapping.pages.find((p) => p.selectButton === name);
        return page !== undefined && this.selectPage(page.id);
      }
    }
  }

  private vpotTurned(unit: Unit, strip: number, delta: number, now: number): void {
    if (strip >= unit.strips) {
      unit.counters.outOfRange++;
      return;
    }
    const binding = this.index.binding('encoder', unit.base + strip);
    if (binding === undefined) {
      unit.counters.unmapped++;
      return;
    }
    if (this.flipped) this.valueUntil[unit.base + strip] = now + this.timing.valueHoldMs;
    this.apply(binding, delta);
  }

  private apply(binding: ControlBinding, input: number): void {
    applyControlBinding(this.options.params, binding, input, this.source);
  }

  // ---- feedback -----------------------------------------------------------------------------

  private readonly onParamChange = (change: ParamChange): void => {
    for (const binding of this.index.bindingsFor(change.id)) {
      if (binding.control === 'fader') {
        // The surface's own moves too: the scheduler holds them while the fader is (fake)
        // touched, and the latest console value is what goes out after the release.
        const target = this.faderTarget(binding.index);
        if (target !== null)
          target.unit.scheduler.setTarget(target.fader, faderValueFromPosition(change.position));
        continue;
      }
      if (binding.control === 'encoder') {
        const unit = this.unitOfStrip(binding.index);
        if (unit !== null && unit.state === 'online') this.sendRing(unit, binding.index - unit.base);
      } else if (binding.control === 'led') {
        const slots = STRIP_BUTTON_SLOTS.length;
        const global = Math.floor(binding.index / slots);
        const unit = this.unitOfStrip(global);
        // Per-strip LED notes: slot * 8 + strip (recArm 0x00, solo 0x08, mute 0x10, ...).
        const note = (binding.index % slots) * 8 + (global - (unit?.base ?? 0));
        if (unit !== null && unit.state === 'online')
          this.sendLed(unit, note, change.value >= 0.5 ? 'on' : 'off');
      }
    }
  };

  private faderTarget(index: number): { unit: Unit; fader: number } | null {
    if (index === this.totalStrips)
      return this.masterUnit === null ? null : { unit: this.masterUnit, fader: this.masterUnit.strips };
    const unit = this.unitOfStrip(index);
    return unit === null ? null : { unit, fader: index - unit.base };
  }

  private unitOfStrip(strip: number): Unit | null {
    for (const unit of this.units) if (strip >= unit.base && strip < unit.base + unit.strips) return unit;
    return null;
  }

  /** What an LED note should show now. */
  private ledFor(unit: Unit, note: number): LedState {
    const strip = stripButtonOfNote(note);
    if (strip !== null && strip.button !== 'faderTouch') {
      if (strip.strip >= unit.strips) return 'off';
      const binding = this.index.binding('led', stripButtonIndex(unit.base + strip.strip, strip.button));
      return binding !== undefined && this.options.params.get(binding.param) >= 0.5 ? 'on' : 'off';
    }
    const name = buttonNameOfNote(note);
    if (name === 'flip') return this.flipped ? 'on' : 'off';
    if (name !== null && this.options.mapping.pages.some((p) => p.selectButton === name))
      return this.options.mapping.pages.find((p) => p.selectButton === name)?.id === this.pageId
        ? 'on'
        : 'off';
    return 'off';
  }

  private sendLed(unit: Unit, note: number, state: LedState): void {
    if (unit.leds.get(note) === state) return;
    unit.leds.set(note, state);
    this.send(unit, { type: 'led', note, state });
  }

  private sendRing(unit: Unit, strip: number): void {
    const binding = this.index.binding('encoder', unit.base + strip);
    const byte =
      binding === undefined
        ? RING_OFF
        : encodeRingByte(
            ringFromPosition(this.options.params.position(binding.param), binding.ring ?? 'dot'),
          );
    if (unit.rings[strip] === byte) return;
    unit.rings[strip] = byte;
    this.send(unit, { type: 'ring', strip, ring: decodeRingByte(byte) });
  }

  private tick(): void {
    const now = this.clock.now();
    for (const unit of this.units) if (unit.state === 'online') this.sendDueFaders(unit, now);
  }

  private sendDueFaders(unit: Unit, now: number): void {
    if (!unit.profile.motorFaders) return;
    for (const { fader, position } of unit.scheduler.due(now)) {
      if (unit.lastWire[fader] === position) continue;
      unit.lastWire[fader] = position;
      unit.counters.faderSends++;
      this.send(unit, { type: 'fader', fader: fader < unit.strips ? fader : MASTER_FADER, value: position });
    }
  }

  private refreshDisplays(): void {
    for (const unit of this.units) {
      if (unit.state !== 'online') continue;
      this.refreshDisplay(unit);
      this.refreshSevenSegment(unit);
    }
  }

  /** The playhead on the timecode display and the page on the assignment display, digit changes only. */
  private refreshSevenSegment(unit: Unit): void {
    const transport = this.options.transport;
    if (unit.profile.timecode && transport !== undefined) {
      const text = timecodeText(transport.position());
      for (const message of timecodeUpdates(unit.timecode, text)) this.send(unit, message);
      unit.timecode = text;
    }
    if (unit.profile.assignmentDisplay) {
      const text = this.pageId.slice(0, 2).toUpperCase();
      if (text !== unit.assignment) {
        for (const message of assignmentUpdates(text)) this.send(unit, message);
        unit.assignment = text;
      }
    }
  }

  /** The jog wheel scrubs the playhead; without a transport it has nothing to move. */
  private jogged(unit: Unit, delta: number): void {
    const transport = this.options.transport;
    if (transport === undefined || !unit.profile.jog) {
      unit.counters.unmapped++;
      return;
    }
    transport.locate(Math.max(0, transport.position() + delta * JOG_SECONDS_PER_TICK));
  }

  /** Names on the top row; below, the V-Pot's value, or the fader's while it moves or is held. */
  private refreshDisplay(unit: Unit): void {
    const display = unit.profile.display;
    if (display.kind !== 'lcd') return;
    const style: LcdCellStyle = display.cellStyle;
    const width = Math.min(display.width, style === 'separated' ? 6 : 7);
    const now = this.clock.now();
    const top: string[] = [];
    const bottom: string[] = [];
    for (let strip = 0; strip < unit.strips; strip++) {
      const global = unit.base + strip;
      top.push(this.stripLabel(global));
      const fader = this.index.binding('fader', global);
      const moving = now < this.valueUntil[global]! || unit.scheduler.isTouched(strip, now);
      const shown =
        moving && fader !== undefined
          ? fader
          : (this.index.binding('encoder', global) ??
            (this.resolved.consoleStrips[global] === null ? undefined : fader));
      bottom.push(shown === undefined ? '' : this.valueText(shown.param, width));
    }
    const next = composeLcd(top, bottom, style);
    for (const message of lcdUpdates(unit.model, unit.lcd, next)) this.send(unit, message);
    unit.lcd = next;
  }

  private stripLabel(global: number): string {
    const fixed = this.resolved.labels[global];
    if (fixed !== null && fixed !== undefined) return fixed;
    const consoleStrip = this.resolved.consoleStrips[global];
    if (consoleStrip !== null && consoleStrip !== undefined) {
      if (this.options.stripLabel !== undefined) return this.options.stripLabel(consoleStrip);
      const id = `strip/${String(consoleStrip + 1).padStart(2, '0')}/fader`;
      if (this.options.params.has(id)) return this.options.params.spec(id).label.replace(/ fader$/, '');
    }
    const binding = this.index.binding('fader', global) ?? this.index.binding('encoder', global);
    return binding === undefined ? '' : this.options.params.spec(binding.param).label;
  }

  private valueText(param: string, width: number): string {
    const params = this.options.params;
    return paramValueText(params.spec(param), params.get(param), width);
  }

  private refreshMeters(unit: Unit): void {
    const meters = unit.meters;
    const read = this.options.meter;
    if (meters === null || read === undefined || unit.state !== 'online') return;
    for (let strip = 0; strip < unit.strips; strip++) {
      const consoleStrip = this.resolved.consoleStrips[unit.base + strip];
      let db = -Infinity;
      if (consoleStrip !== null && consoleStrip !== undefined && consoleStrip < this.consoleStrips) {
        try {
          db = read(consoleStrip);
        } catch {
          db = -Infinity;
        }
      }
      // Unchanged levels go out too: the unit decays them, and the UF8 blanks a quiet meter.
      for (const message of meters.update(strip, db)) this.send(unit, message);
    }
  }

  private send(unit: Unit, message: McuHostMessage): void {
    const port = unit.port;
    if (port === null) return;
    const bytes = encodeMcuHostMessage(message);
    if (bytes.length === 0) return;
    unit.counters.bytesOut += bytes.length;
    port.send(bytes);
  }
}
