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
  type StripButtonSlot,
} from '../mapping/mapping-pages.ts';
import { paramValueText } from '../mapping/value-text.ts';
import { MotorFaderScheduler } from '../motor-fader-scheduler.ts';
import type { DeviceProfile } from '../profiles/device-profile.ts';
import type { ConsoleParams } from '../serial/fader-surface-driver.ts';
import { displayField } from './display-text.ts';
import { encodeHuiHostMessage, type HuiHostMessage } from './hui/hui-host-messages.ts';
import { HuiInputDecoder, type HuiInputCounters } from './hui/hui-input-decoder.ts';
import { HUI_VPOTS, type HuiSurfaceMessage } from './hui/hui-surface-messages.ts';
import { STRIP_PORT, STRIP_ZONES, stripPortName, type HuiStripPort } from './hui/hui-switch.ts';
import {
  bankMoveOf,
  HUI_TWIN_OF_MCU_BUTTON,
  type HuiSwitchAddress,
} from './hui-driver/hui-global-switches.ts';
import { huiDisplayName } from './hui-driver/hui-display-name.ts';
import { HuiKeepalive } from './hui-driver/hui-keepalive.ts';
import { huiMeterLevel } from './hui-driver/hui-meter-level.ts';
import { HuiSentState } from './hui-driver/hui-sent-state.ts';
import type { McuButtonName } from './mcu/mcu-buttons.ts';
import { faderPositionFromValue, faderValueFromPosition } from './mcu/mcu-fader.ts';
import { decodeRingByte, encodeRingByte, ringFromPosition } from './mcu/mcu-vpot-ring.ts';
import type { MidiPort, MidiPortNames, MidiPortOpener } from './midi-port.ts';
import { systemSurfaceClock, type SurfaceClock, type SurfaceTimer } from './surface-clock.ts';

/** One HUI unit on its own port (Pro Tools: one port per bank of 8); array order = left to right. */
export interface HuiUnitConfig {
  readonly port: MidiPortNames;
  readonly profile: DeviceProfile;
}

export interface HuiSurfaceTiming {
  /** Most fader setpoints per second per fader (reference rule 5: 50-100 Hz). */
  faderRateHz: number;
  /** After a release, the authoritative value goes out this much later (rule 3: 150-300 ms). */
  releaseGraceMs: number;
  /** A move without touch counts as touch this long (rule 4). */
  fakeTouchMs: number;
  /** How often due fader setpoints are collected. */
  tickMs: number;
  /** How often the strip displays are compared with what they should show. */
  displayRefreshMs: number;
  /** After a fader move or V-Pot turn the strip display shows the value this long. */
  valueHoldMs: number;
  /** The host's ping period (reference §2: once a second). */
  pingMs: number;
  /** Unanswered pings in a row after which an online unit is offline. */
  missedPongsOffline: number;
  /** A port that closed or failed to open is tried again this often. */
  reopenMs: number;
}

export const DEFAULT_HUI_TIMING: HuiSurfaceTiming = {
  faderRateHz: 50,
  releaseGraceMs: 200,
  fakeTouchMs: 3000,
  tickMs: 5,
  displayRefreshMs: 50,
  valueHoldMs: 1000,
  pingMs: 1000,
  // Two unanswered pings: about 2 s, MIDIKit's presence timeout.
  missedPongsOffline: 2,
  reopenMs: 1000,
};

export interface HuiSurfaceOptions {
  readonly units: readonly HuiUnitConfig[];
  readonly params: ConsoleParams;
  readonly open: MidiPortOpener;
  readonly mapping: MappingDocument;
  /** Page shown first (default: the first). */
  readonly page?: string;
  /**
   * HUI switch that selects a page, by page id. Default: the HUI twin of the page's Mackie
   * `selectButton` where there is one (`HUI_TWIN_OF_MCU_BUTTON`).
   */
  readonly pageSwitches?: Readonly<Record<string, HuiSwitchAddress>>;
  /** Peak level (dBFS) of a console strip (0-based), read at each unit's meter refresh. */
  readonly meter?: (consoleStrip: number) => number;
  /** Name of a console strip (0-based) for its display; default: from its fader's label. */
  readonly stripLabel?: (consoleStrip: number) => string;
  readonly clock?: SurfaceClock;
  readonly timing?: Partial<HuiSurfaceTiming>;
  /** Source tag of the parameter changes this surface makes. */
  readonly source?: string;
}

/**
 * `connecting`: port open, pinging, no answer yet; `offline`: was online, stopped answering
 * (still pinged; the next answer brings it back with a full push).
 */
export type HuiUnitState = 'stopped' | 'opening' | 'connecting' | 'online' | 'offline';

export interface HuiUnitCounters {
  /** Decoder counts: decoded messages, unknown ones by reason, byte-level problems. */
  readonly input: HuiInputCounters;
  /** Valid messages addressing a control the unit does not have here (strip 9, V-Pot 10). */
  outOfRange: number;
  /** Valid messages for controls with nothing bound. */
  unmapped: number;
  /** Messages while the unit was not online (not acted on). */
  whileOffline: number;
  /** Exceptions while applying a message (a bug if ever non-zero): caught, counted. */
  handlerErrors: number;
  transportErrors: number;
  /** Times the port closed under the driver. */
  disconnects: number;
  /** Times the unit went online (first answer, and every return). */
  onlines: number;
  /** Times an online unit stopped answering pings. */
  offlines: number;
  pings: number;
  pongs: number;
  /** Fader setpoints sent by the scheduler, and echoes (only for profiles with `faderEcho`). */
  faderSends: number;
  echoes: number;
  bytesOut: number;
}

export interface HuiSurfaceEvents {
  state: [unit: number, state: HuiUnitState, reason: string];
}

/** HUI strip ports that are mapping slots (auto and insert have no mapping slot). */
const SLOT_OF_PORT: Partial<Record<HuiStripPort, StripButtonSlot>> = {
  recArm: 'recArm',
  solo: 'solo',
  mute: 'mute',
  select: 'select',
  vSelect: 'vSelect',
};
/** Every strip port with an LED (all but fader touch), set on a full push. */
const LED_PORTS: readonly number[] = [1, 2, 3, 4, 5, 6, 7];
const RING_OFF = encodeRingByte({ mode: 'dot', value: 0, centre: false });

interface Unit {
  readonly index: number;
  readonly config: HuiUnitConfig;
  readonly profile: DeviceProfile;
  /** First surface strip (across all units) of this unit. */
  readonly base: number;
  readonly strips: number;
  readonly scheduler: MotorFaderScheduler;
  readonly decoder: HuiInputDecoder;
  readonly keepalive: HuiKeepalive;
  readonly sent: HuiSentState;
  /** Last value on the wire per fader (echo dedup), -1 = unknown. */
  readonly lastWire: Int32Array;
  readonly counters: Omit<HuiUnitCounters, 'input'>;
  state: HuiUnitState;
  port: MidiPort | null;
  session: number;
  /** Live while the port is open (pings). */
  sessionTimers: SurfaceTimer[];
  /** Live while the unit is online (meters). */
  onlineTimers: SurfaceTimer[];
  reopen: SurfaceTimer | null;
}

/**
 * Attaches HUI units (each on its own port, in the user's order) to the console: the ping/pong
 * keepalive (online at the first answer, offline after missed answers, full state pushed on every
 * return), banking across all units via the mapping pages, 14-bit MSB/LSB faders through the
 * shared MotorFaderScheduler (no moves while touched, authoritative value on release, fake touch,
 * coalescing, dedup), zone/port switches and their LEDs, V-Pots (HUI sign convention) and rings,
 * the 4-character strip displays (names; the value while a fader moves or a V-Pot turns), meters
 * at a fixed refresh. Input never throws: anything invalid is counted and skipped.
 */
export class HuiSurfaceDriver extends EventEmitter<HuiSurfaceEvents> {
  readonly source: string;
  private readonly options: HuiSurfaceOptions;
  private readonly timing: HuiSurfaceTiming;
  private readonly clock: SurfaceClock;
  private readonly units: Unit[] = [];
  private readonly totalStrips: number;
  private readonly consoleStrips: number;
  private readonly pageSwitches: ReadonlyMap<string, HuiSwitchAddress>;
  private offsetValue = 0;
  private flipped = false;
  private pageId: string;
  private resolved: ResolvedPage;
  private index: MappingIndex;
  /** Per surface strip: show `shownParam`'s value instead of the name until then. */
  private readonly valueUntil: Float64Array;
  private readonly shownParam: (string | null)[];
  private timers: SurfaceTimer[] = [];
  private running = false;

  constructor(options: HuiSurfaceOptions) {
    super();
    this.options = options;
    this.timing = { ...DEFAULT_HUI_TIMING, ...options.timing };
    this.clock = options.clock ?? systemSurfaceClock;
    this.source = options.source ?? `surface:hui:${options.units[0]?.port.input ?? 'none'}`;
    let base = 0;
    for (const [index, config] of options.units.entries()) {
      const profile = config.profile;
      const strips = Math.max(0, Math.min(STRIP_ZONES, profile.strips));
      this.units.push({
        index,
        config,
        profile,
        base,
        strips,
        scheduler: new MotorFaderScheduler({
          faders: strips,
          maxRateHz: this.timing.faderRateHz,
          releaseGraceMs: this.timing.releaseGraceMs,
          fakeTouchMs: this.timing.fakeTouchMs,
        }),
        decoder: new HuiInputDecoder(),
        keepalive: new HuiKeepalive({ missedPongsOffline: this.timing.missedPongsOffline }),
        sent: new HuiSentState(),
        lastWire: new Int32Array(strips).fill(-1),
        counters: {
          outOfRange: 0,
          unmapped: 0,
          whileOffline: 0,
          handlerErrors: 0,
          transportErrors: 0,
          disconnects: 0,
          onlines: 0,
          offlines: 0,
          pings: 0,
          pongs: 0,
          faderSends: 0,
          echoes: 0,
          bytesOut: 0,
        },
        state: 'stopped',
        port: null,
        session: 0,
        sessionTimers: [],
        onlineTimers: [],
        reopen: null,
      });
      base += strips;
    }
    this.totalStrips = base;
    this.valueUntil = new Float64Array(base);
    this.shownParam = new Array<string | null>(base).fill(null);
    let count = 0;
    while (options.params.has(`strip/${String(count + 1).padStart(2, '0')}/fader`)) count++;
    this.consoleStrips = count;
    const switches = new Map<string, HuiSwitchAddress>();
    for (const page of options.mapping.pages) {
      const twin =
        page.selectButton === undefined
          ? undefined
          : HUI_TWIN_OF_MCU_BUTTON[page.selectButton as McuButtonName];
      const chosen = options.pageSwitches?.[page.id] ?? twin;
      if (chosen !== undefined) switches.set(page.id, chosen);
    }
    this.pageSwitches = switches;
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

  /** The bindings now in force (for a panel or tests). */
  get mapping(): MappingIndex {
    return this.index;
  }

  unitState(unit: number): HuiUnitState {
    return this.units[unit]?.state ?? 'stopped';
  }

  /** The surface strips a unit holds (first one across all units, and how many); null if none. */
  unitStrips(unit: number): { readonly base: number; readonly strips: number } | null {
    const u = this.units[unit];
    return u === undefined ? null : { base: u.base, strips: u.strips };
  }

  counters(unit: number): HuiUnitCounters | null {
    const u = this.units[unit];
    return u === undefined ? null : { ...u.counters, input: u.decoder.counters };
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

  /** As the MCU driver: offsets stay within 0..the start of the last bank; channel steps reach all. */
  private moveTo(target: number): void {
    const next = bankOffset(target, this.consoleStrips, this.totalStrips);
    if (next === this.offsetValue) return;
    this.offsetValue = next;
    this.remap();
  }

  private resolve(): ResolvedPage {
    const page = this.options.mapping.pages.find((p) => p.id === this.pageId)!;
    // HUI has no master fader: the mapping's master fader stays unbound.
    return resolvePage(page, undefined, {
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

  private setState(unit: Unit, state: HuiUnitState, reason: string): void {
    if (unit.state === state) return;
    unit.state = state;
    this.emit('state', unit.index, state, reason);
  }

  // ---- connection and keepalive -------------------------------------------------------------

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
    unit.keepalive.reset();
    this.setState(unit, 'connecting', 'port open');
    port.onBytes((bytes) => {
      if (session === unit.session) this.receiveFrom(unit, bytes);
    });
    port.onClose((reason) => {
      if (session === unit.session) this.lost(unit, `port closed: ${reason}`);
    });
    port.onError(() => {
      if (session === unit.session) unit.counters.transportErrors++;
    });
    unit.sessionTimers.push(
      this.clock.every(this.timing.pingMs, () => {
        this.ping(unit);
      }),
    );
    this.ping(unit);
  }

  /** `running` changes in other callbacks while openUnit awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  private ping(unit: Unit): void {
    if (unit.port === null) return;
    if (unit.keepalive.ping() === 'offline') {
      unit.counters.offlines++;
      this.endOnline(unit);
      this.setState(unit, 'offline', `${unit.keepalive.missed} pings unanswered`);
    }
    unit.counters.pings++;
    this.send(unit, { type: 'ping' });
  }

  private pong(unit: Unit): void {
    unit.counters.pongs++;
    if (unit.keepalive.pong() === 'online')
      this.goOnline(unit, unit.counters.onlines === 0 ? 'answered' : 'back');
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

  private endOnline(unit: Unit): void {
    for (const timer of unit.onlineTimers) timer.cancel();
    unit.onlineTimers = [];
  }

  private endSession(unit: Unit): void {
    this.endOnline(unit);
    for (const timer of unit.sessionTimers) timer.cancel();
    unit.sessionTimers = [];
  }

  /** Online (first answer, or back after missed pings): nothing the unit had is trusted. */
  private goOnline(unit: Unit, reason: string): void {
    this.endOnline(unit);
    unit.counters.onlines++;
    this.setState(unit, 'online', reason);
    const meters = unit.profile.meters;
    if (meters !== null && this.options.meter !== undefined) {
      unit.onlineTimers.push(
        this.clock.every(meters.refreshMs, () => {
          this.refreshMeters(unit);
        }),
      );
    }
    this.fullPush(unit);
  }

  /** Rule 7: every cache dropped, everything sent again. */
  private fullPush(unit: Unit): void {
    unit.scheduler.invalidate();
    unit.lastWire.fill(-1);
    unit.sent.invalidate();
    this.pushState(unit);
    this.sendDueFaders(unit, this.clock.now());
  }

  /** Everything the unit should show, against the caches: only differences go out. */
  private pushState(unit: Unit): void {
    const params = this.options.params;
    for (let strip = 0; strip < unit.strips; strip++) {
      const binding = this.index.binding('fader', unit.base + strip);
      // Unbound faders rest at the bottom.
      unit.scheduler.setTarget(
        strip,
        binding === undefined ? 0 : faderValueFromPosition(params.position(binding.param)),
      );
      for (const port of LED_PORTS) this.sendLed(unit, strip, port, this.stripLedOn(unit, strip, port));
    }
    for (const [id, address] of this.pageSwitches)
      this.sendLed(unit, address.zone, address.port, id === this.pageId);
    for (let vpot = 0; vpot < HUI_VPOTS; vpot++) this.sendRing(unit, vpot);
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

  private handle(unit: Unit, message: HuiSurfaceMessage, now: number): void {
    if (message.type === 'pingReply') {
      this.pong(unit);
      return;
    }
    if (message.type === 'faderTouch') {
      // Touch only ever holds output back, so it counts whatever the unit's state.
      this.faderTouched(unit, message.strip, message.touched, now);
      return;
    }
    if (unit.state !== 'online') {
      unit.counters.whileOffline++;
      return;
    }
    switch (message.type) {
      case 'fader':
        this.faderMoved(unit, message.strip, message.value, now);
        return;
      case 'switch':
        this.switched(unit, message.zone, message.port, message.pressed);
        return;
      case 'vpot':
        this.vpotTurned(unit, message.vpot, message.delta, now);
        return;
      default:
        unit.counters.unmapped++;
        return;
    }
  }

  private faderMoved(unit: Unit, strip: number, value: number, now: number): void {
    if (strip >= unit.strips) {
      unit.counters.outOfRange++;
      return;
    }
    // A move is a touch until proven otherwise (fake touch; a no-op while a real touch holds).
    unit.scheduler.reportedMove(strip, now);
    if (unit.profile.faderEcho && unit.lastWire[strip] !== value) {
      unit.lastWire[strip] = value;
      unit.counters.echoes++;
      this.send(unit, { type: 'fader', strip, value });
    }
    const global = unit.base + strip;
    const binding = this.index.binding('fader', global);
    if (binding === undefined) {
      unit.counters.unmapped++;
      return;
    }
    this.showValue(global, binding.param, now);
    this.options.params.setPosition(
      binding.param,
      faderPositionFromValue(value, unit.profile.faderInputMaximum),
      this.source,
    );
  }

  private faderTouched(unit: Unit, strip: number, touched: boolean, now: number): void {
    if (strip >= unit.strips) {
      unit.counters.outOfRange++;
      return;
    }
    unit.scheduler.touch(strip, touched, now);
    const global = unit.base + strip;
    const binding = this.index.binding('fader', global);
    if (binding === undefined) return;
    this.showValue(global, binding.param, now);
    // The console's value is authoritative after release (clamped, or changed meanwhile).
    if (!touched)
      unit.scheduler.setTarget(strip, faderValueFromPosition(this.options.params.position(binding.param)));
  }

  private switched(unit: Unit, zone: number, port: number, pressed: boolean): void {
    const name = stripPortName(zone, port);
    if (name !== null) {
      if (zone >= unit.strips) {
        unit.counters.outOfRange++;
        return;
      }
      const slot = SLOT_OF_PORT[name];
      const binding =
        slot === undefined
          ? undefined
          : this.index.binding('button', stripButtonIndex(unit.base + zone, slot));
      if (binding === undefined) unit.counters.unmapped++;
      else if (pressed) this.apply(binding, 1);
      return;
    }
    if (!pressed) return;
    const move = bankMoveOf(zone, port);
    if (move !== null) {
      if (move === 'bankLeft' || move === 'bankRight') this.bank(move === 'bankRight' ? 1 : -1);
      else this.channel(move === 'channelRight' ? 1 : -1);
      return;
    }
    for (const [id, address] of this.pageSwitches)
      if (address.zone === zone && address.port === port) {
        this.selectPage(id);
        return;
      }
    unit.counters.unmapped++;
  }

  private vpotTurned(unit: Unit, vpot: number, delta: number, now: number): void {
    // V-Pots 8..12 are the parameter-edit section, which has no mapping slot.
    if (vpot >= unit.strips) {
      unit.counters.outOfRange++;
      return;
    }
    const global = unit.base + vpot;
    const binding = this.index.binding('encoder', global);
    if (binding === undefined) {
      unit.counters.unmapped++;
      return;
    }
    this.showValue(global, binding.param, now);
    this.apply(binding, delta);
  }

  private showValue(global: number, param: string, now: number): void {
    this.valueUntil[global] = now + this.timing.valueHoldMs;
    this.shownParam[global] = param;
  }

  private apply(binding: ControlBinding, input: number): void {
    applyControlBinding(this.options.params, binding, input, this.source);
  }

  // ---- feedback -----------------------------------------------------------------------------

  private readonly onParamChange = (change: ParamChange): void => {
    for (const binding of this.index.bindingsFor(change.id)) {
      if (binding.control === 'fader') {
        // The surface's own moves too: the scheduler holds them while the fader is touched,
        // and the latest console value is what goes out after the release.
        const unit = this.unitOfStrip(binding.index);
        if (unit !== null)
          unit.scheduler.setTarget(binding.index - unit.base, faderValueFromPosition(change.position));
      } else if (binding.control === 'encoder') {
        const unit = this.unitOfStrip(binding.index);
        if (unit !== null && unit.state === 'online') this.sendRing(unit, binding.index - unit.base);
      } else if (binding.control === 'led') {
        const slots = STRIP_BUTTON_SLOTS.length;
        const global = Math.floor(binding.index / slots);
        const slot = STRIP_BUTTON_SLOTS[binding.index % slots]!;
        const unit = this.unitOfStrip(global);
        if (unit !== null && unit.state === 'online')
          this.sendLed(unit, global - unit.base, STRIP_PORT[slot], change.value >= 0.5);
      }
    }
  };

  private unitOfStrip(strip: number): Unit | null {
    for (const unit of this.units) if (strip >= unit.base && strip < unit.base + unit.strips) return unit;
    return null;
  }

  private stripLedOn(unit: Unit, strip: number, port: number): boolean {
    const name = stripPortName(strip, port);
    const slot = name === null ? undefined : SLOT_OF_PORT[name];
    if (slot === undefined) return false;
    const binding = this.index.binding('led', stripButtonIndex(unit.base + strip, slot));
    return binding !== undefined && this.options.params.get(binding.param) >= 0.5;
  }

  private sendLed(unit: Unit, zone: number, port: number, on: boolean): void {
    if (unit.sent.shouldSendLed(zone, port, on)) this.send(unit, { type: 'led', zone, port, on });
  }

  private sendRing(unit: Unit, vpot: number): void {
    const binding = vpot < unit.strips ? this.index.binding('encoder', unit.base + vpot) : undefined;
    const byte =
      binding === undefined
        ? RING_OFF
        : encodeRingByte(
            ringFromPosition(this.options.params.position(binding.param), binding.ring ?? 'dot'),
          );
    if (unit.sent.shouldSendRing(vpot, byte))
      this.send(unit, { type: 'ring', vpot, ring: decodeRingByte(byte) });
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
      this.send(unit, { type: 'fader', strip: fader, value: position });
    }
  }

  private refreshDisplays(): void {
    for (const unit of this.units) if (unit.state === 'online') this.refreshDisplay(unit);
  }

  /** The strip's name; its value while its fader moves or is touched, or its V-Pot turns. */
  private refreshDisplay(unit: Unit): void {
    const display = unit.profile.display;
    if (display.kind !== 'hui') return;
    const now = this.clock.now();
    for (let strip = 0; strip < unit.strips; strip++) {
      const global = unit.base + strip;
      const fader = this.index.binding('fader', global);
      let param: string | null = null;
      if (now < this.valueUntil[global]!) param = this.shownParam[global] ?? null;
      else if (fader !== undefined && unit.scheduler.isTouched(strip, now)) param = fader.param;
      const text = displayField(
        param !== null && this.options.params.has(param)
          ? this.valueText(param, display.width)
          : huiDisplayName(this.stripLabel(global), display.width),
        display.width,
      );
      if (unit.sent.shouldSendDisplay(strip, text))
        this.send(unit, { type: 'smallDisplay', display: strip, text });
    }
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

  /** Both sides of a strip's meter get the strip's level; unchanged levels go out too. */
  private refreshMeters(unit: Unit): void {
    const read = this.options.meter;
    const law = unit.profile.meters?.law;
    if (read === undefined || law === undefined || unit.state !== 'online') return;
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
      const level = huiMeterLevel(db, law);
      this.send(unit, { type: 'meter', strip, side: 'left', level });
      this.send(unit, { type: 'meter', strip, side: 'right', level });
    }
  }

  private send(unit: Unit, message: HuiHostMessage): void {
    const port = unit.port;
    if (port === null) return;
    const bytes = encodeHuiHostMessage(message);
    if (bytes.length === 0) return;
    unit.counters.bytesOut += bytes.length;
    port.send(bytes);
  }
}
