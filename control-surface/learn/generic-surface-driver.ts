import { EventEmitter } from 'node:events';
import { LatheError, type ParamChange, type ParamSpec } from '../../engine/index.ts';
import type { MidiMessage } from '../midi/midi-message.ts';
import type { MidiPort, MidiPortNames, MidiPortOpener } from '../midi/midi-port.ts';
import { MidiStreamParser, type MidiStreamCounters } from '../midi/midi-stream-parser.ts';
import { systemSurfaceClock, type SurfaceClock, type SurfaceTimer } from '../midi/surface-clock.ts';
import { MotorFaderScheduler } from '../motor-fader-scheduler.ts';
import type { DeviceProfile } from '../profiles/device-profile.ts';
import type { ConsoleParams } from '../serial/fader-surface-driver.ts';
import { applyLearnedBinding, feedbackBytes, feedbackValue } from './apply-learned-binding.ts';
import {
  learnedBindingProblem,
  learnedBindingsClash,
  learnedBindingSpecProblem,
  type LearnedBinding,
} from './learned-binding.ts';
import { replaceLearnedBinding } from './learned-mapping.ts';
import { MidiLearnSession, type LearnResult, type MidiLearnOptions } from './midi-learn.ts';
import type { MidiSource } from './midi-source.ts';
import type { SourceEvent } from './source-event.ts';
import { SourceEventDecoder, type SourceEventCounters } from './source-event-decoder.ts';

export interface GenericSurfaceTiming {
  /** Most feedback values per second per motorised control (reference rule 5: 50-100 Hz). */
  feedbackRateHz: number;
  /** After a control stops moving, the console's value goes back this much later (rule 3). */
  releaseGraceMs: number;
  /** Generic controllers have no touch sensing: a move counts as touch this long (rule 4). */
  fakeTouchMs: number;
  /** How often due feedback is collected (and a learn's time-based rules checked). */
  tickMs: number;
  /** A port that closed or failed to open is tried again this often. */
  reopenMs: number;
}

export const DEFAULT_GENERIC_TIMING: GenericSurfaceTiming = {
  feedbackRateHz: 50,
  releaseGraceMs: 200,
  fakeTouchMs: 3000,
  tickMs: 5,
  reopenMs: 1000,
};

export interface GenericSurfaceOptions {
  readonly port: MidiPortNames;
  readonly profile: DeviceProfile;
  readonly params: ConsoleParams;
  readonly open: MidiPortOpener;
  /** The mapping's `learned` section (bindings for other ports are left out). */
  readonly bindings: readonly LearnedBinding[];
  /** Button LEDs (notes, 127/0 controllers) follow their parameter; default true. */
  readonly ledFeedback?: boolean;
  readonly learn?: Partial<MidiLearnOptions>;
  readonly clock?: SurfaceClock;
  readonly timing?: Partial<GenericSurfaceTiming>;
  /** Source tag of the parameter changes this surface makes. */
  readonly source?: string;
}

export type GenericSurfaceState = 'stopped' | 'opening' | 'online';

export interface GenericSurfaceCounters {
  /** Byte-level problems (stray data bytes, truncated sysex...). */
  readonly stream: MidiStreamCounters;
  /** Half-sent NRPNs, orphan LSBs, messages no source sends. */
  readonly decoder: SourceEventCounters;
  /** Messages that reached no binding. */
  unbound: number;
  /** Parameter changes made. */
  applied: number;
  /** Bindings left out: unknown parameter, unusable mode, or clashing with an earlier one. */
  invalidBindings: number;
  /** Exceptions while applying a message (a bug if ever non-zero): caught, counted. */
  handlerErrors: number;
  transportErrors: number;
  disconnects: number;
  onlines: number;
  feedbackSends: number;
  bytesOut: number;
}

export interface GenericSurfaceEvents {
  state: [state: GenericSurfaceState, reason: string];
  learned: [result: LearnResult];
}

interface ActiveBinding {
  readonly binding: LearnedBinding;
  readonly spec: ParamSpec;
  /** Scheduler fader for absolute feedback, or -1. */
  readonly slot: number;
  readonly led: boolean;
}

/** Lookup key of the events a source's binding answers. */
function sourceKey(source: MidiSource): string {
  switch (source.kind) {
    case 'note':
      return `note/${source.channel}/${source.note}`;
    case 'cc':
    case 'relativeCc':
      return `cc/${source.channel}/${source.controller}`;
    case 'cc14':
      return `cc14/${source.channel}/${source.controller}`;
    case 'nrpn':
      return `nrpn/${source.channel}/${source.parameter}`;
    case 'pitchBend':
      return `pitchBend/${source.channel}`;
  }
}

function eventKey(event: SourceEvent): string {
  switch (event.kind) {
    case 'note':
      return `note/${event.channel}/${event.note}`;
    case 'cc':
      return `cc/${event.channel}/${event.controller}`;
    case 'cc14':
      return `cc14/${event.channel}/${event.controller}`;
    case 'nrpn':
    case 'nrpnStep':
      return `nrpn/${event.channel}/${event.parameter}`;
    case 'pitchBend':
      return `pitchBend/${event.channel}`;
  }
}

/**
 * Attaches a generic MIDI controller: its learned bindings drive console parameters, and the
 * console drives it back where the control can show a value: motorised faders and knobs (the
 * profile's `motorFaders`) through the shared MotorFaderScheduler (fake touch while the control
 * moves, the console's value after it stops, coalesced and deduplicated), button LEDs directly.
 * `learn(param)` arms a parameter: the next control that qualifies is bound to it (replacing
 * what that control did before) and announced with `learned`; while learning, input moves
 * nothing. Input never throws: anything invalid is counted and skipped and changes nothing.
 */
export class GenericSurfaceDriver extends EventEmitter<GenericSurfaceEvents> {
  readonly source: string;
  private readonly options: GenericSurfaceOptions;
  private readonly timing: GenericSurfaceTiming;
  private readonly clock: SurfaceClock;
  private readonly parser = new MidiStreamParser();
  private readonly decoder = new SourceEventDecoder();
  private readonly counterValues: Omit<GenericSurfaceCounters, 'stream' | 'decoder'> = {
    unbound: 0,
    applied: 0,
    invalidBindings: 0,
    handlerErrors: 0,
    transportErrors: 0,
    disconnects: 0,
    onlines: 0,
    feedbackSends: 0,
    bytesOut: 0,
  };
  private list: LearnedBinding[] = [];
  private byEvent = new Map<string, ActiveBinding>();
  private byParam = new Map<string, ActiveBinding[]>();
  /** Raw CC addresses that are halves of a bound 14-bit pair. */
  private pairHalves = new Set<string>();
  private slots: ActiveBinding[] = [];
  private scheduler: MotorFaderScheduler;
  private readonly ledSent = new Map<ActiveBinding, number>();
  private session: MidiLearnSession | null = null;
  private stateValue: GenericSurfaceState = 'stopped';
  private port: MidiPort | null = null;
  private portSession = 0;
  private timers: SurfaceTimer[] = [];
  private reopen: SurfaceTimer | null = null;
  private running = false;

  constructor(options: GenericSurfaceOptions) {
    super();
    this.options = options;
    this.timing = { ...DEFAULT_GENERIC_TIMING, ...options.timing };
    this.clock = options.clock ?? systemSurfaceClock;
    this.source = options.source ?? `surface:generic:${options.port.input}`;
    this.scheduler = this.newScheduler(0);
    this.rebuild(options.bindings);
  }

  get state(): GenericSurfaceState {
    return this.stateValue;
  }

  /**
   * The bindings in force on this port (learned ones included), in mapping order. To keep a
   * learned binding, store it in the mapping with `withLearnedBinding` (this list leaves out
   * other ports' bindings).
   */
  get bindings(): readonly LearnedBinding[] {
    return this.list;
  }

  /** The parameter being learned, or null. */
  get learning(): string | null {
    return this.session?.param ?? null;
  }

  counters(): GenericSurfaceCounters {
    const decoder = this.decoder.counters;
    return {
      ...this.counterValues,
      stream: { ...this.parser.counters },
      decoder: { ignored: decoder.ignored, nrpn: { ...decoder.nrpn } },
    };
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
    void this.openPort();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.params.off('change', this.onParamChange);
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
    this.reopen?.cancel();
    this.reopen = null;
    const port = this.port;
    this.port = null;
    this.portSession++;
    this.setState('stopped', 'stopped');
    if (port !== null) await port.close();
  }

  /** Replace the bindings (a mapping was loaded or edited); the controller is brought up to date. */
  setBindings(bindings: readonly LearnedBinding[]): void {
    this.rebuild(bindings);
    if (this.stateValue === 'online') this.fullPush();
  }

  /** Arm `param`: the next control that qualifies is bound to it. Replaces a learn under way. */
  learn(param: string): void {
    if (!this.options.params.has(param))
      throw new LatheError('LATHE_PARAM_UNKNOWN', `unknown parameter "${param}"`);
    this.session = new MidiLearnSession(
      param,
      this.options.params.spec(param),
      this.options.learn,
      this.options.port.input,
    );
  }

  cancelLearn(): void {
    this.session = null;
  }

  /** Feed bytes as if they came from the port (the port listener calls this). */
  receive(bytes: Uint8Array): void {
    const now = this.clock.now();
    for (const message of this.parser.push(bytes)) {
      try {
        this.handle(message, now);
      } catch {
        this.counterValues.handlerErrors++;
      }
    }
  }

  // ---- bindings -----------------------------------------------------------------------------

  private newScheduler(faders: number): MotorFaderScheduler {
    return new MotorFaderScheduler({
      faders,
      maxRateHz: this.timing.feedbackRateHz,
      releaseGraceMs: this.timing.releaseGraceMs,
      fakeTouchMs: this.timing.fakeTouchMs,
    });
  }

  private rebuild(bindings: readonly LearnedBinding[]): void {
    const params = this.options.params;
    const motor = this.options.profile.motorFaders;
    const leds = this.options.ledFeedback ?? true;
    const accepted: LearnedBinding[] = [];
    this.byEvent = new Map();
    this.byParam = new Map();
    this.pairHalves = new Set();
    this.slots = [];
    this.ledSent.clear();
    let invalid = 0;
    for (const binding of bindings) {
      if (binding.port !== undefined && binding.port !== this.options.port.input) continue;
      const spec = params.has(binding.param) ? params.spec(binding.param) : null;
      if (
        spec === null ||
        learnedBindingProblem(binding) !== null ||
        learnedBindingSpecProblem(binding, spec) !== null ||
        accepted.some((other) => learnedBindingsClash(other, binding))
      ) {
        invalid++;
        continue;
      }
      accepted.push(binding);
      const kind = binding.mode.kind;
      const showsValue = feedbackValue(binding, spec.default, spec) !== null;
      const active: ActiveBinding = {
        binding,
        spec,
        slot: kind === 'absolute' && motor && showsValue ? this.slots.length : -1,
        led: (kind === 'toggle' || kind === 'momentary') && leds && showsValue,
      };
      if (active.slot >= 0) this.slots.push(active);
      this.byEvent.set(sourceKey(binding.source), active);
      this.byParam.set(binding.param, [...(this.byParam.get(binding.param) ?? []), active]);
      if (binding.source.kind === 'cc14') {
        const { channel, controller } = binding.source;
        this.pairHalves.add(`cc/${channel}/${controller}`).add(`cc/${channel}/${controller + 32}`);
      }
    }
    this.list = accepted;
    this.counterValues.invalidBindings = invalid;
    this.scheduler = this.newScheduler(this.slots.length);
  }

  // ---- connection -------------------------------------------------------------------------

  private setState(state: GenericSurfaceState, reason: string): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state, reason);
  }

  /** `running` changes in other callbacks while openPort awaits. */
  private isRunning(): boolean {
    return this.running;
  }

  private async openPort(): Promise<void> {
    if (!this.running) return;
    this.reopen = null;
    this.setState('opening', `opening ${this.options.port.input}`);
    let port: MidiPort;
    try {
      port = await this.options.open(this.options.port);
    } catch (error) {
      this.scheduleReopen(`cannot open ${this.options.port.input}: ${(error as Error).message}`);
      return;
    }
    if (!this.isRunning()) {
      await port.close();
      return;
    }
    const session = ++this.portSession;
    this.port = port;
    this.parser.reset();
    this.decoder.reset();
    port.onBytes((bytes) => {
      if (session === this.portSession) this.receive(bytes);
    });
    port.onClose((reason) => {
      if (session === this.portSession) this.lost(`port closed: ${reason}`);
    });
    port.onError(() => {
      if (session === this.portSession) this.counterValues.transportErrors++;
    });
    // Generic controllers have no handshake: online as soon as the port is open.
    this.counterValues.onlines++;
    this.setState('online', 'port open');
    this.fullPush();
  }

  private scheduleReopen(reason: string): void {
    if (!this.running) return;
    this.setState('opening', reason);
    this.reopen?.cancel();
    this.reopen = this.clock.after(this.timing.reopenMs, () => void this.openPort());
  }

  private lost(reason: string): void {
    this.counterValues.disconnects++;
    this.port = null;
    this.portSession++;
    this.scheduleReopen(reason);
  }

  // ---- input --------------------------------------------------------------------------------

  private handle(message: MidiMessage, now: number): void {
    const events = this.decoder.decode(message);
    let reached = false;
    for (const event of events) {
      if (this.session !== null) {
        reached = true;
        const result = this.session.push(event, now);
        if (result !== null) this.learned(result);
        continue;
      }
      const active = this.byEvent.get(eventKey(event));
      if (active === undefined) {
        if (event.kind === 'cc' && this.pairHalves.has(eventKey(event))) reached = true;
        continue;
      }
      reached = true;
      this.apply(active, event, now);
    }
    if (!reached && events.length > 0) this.counterValues.unbound++;
  }

  private apply(active: ActiveBinding, event: SourceEvent, now: number): void {
    const params = this.options.params;
    const param = active.binding.param;
    const current = params.get(param);
    const value = applyLearnedBinding(active.binding, event, current, active.spec);
    if (value === null) return;
    // The control moves under a hand: hold its feedback (fake touch, then the grace).
    if (active.slot >= 0) this.scheduler.reportedMove(active.slot, now);
    if (value === current) return;
    params.set(param, value, this.source);
    this.counterValues.applied++;
  }

  private learned(result: LearnResult): void {
    this.session = null;
    this.setBindings(replaceLearnedBinding(this.list, result.binding));
    this.emit('learned', result);
  }

  // ---- feedback -----------------------------------------------------------------------------

  private readonly onParamChange = (change: ParamChange): void => {
    for (const active of this.byParam.get(change.id) ?? []) this.show(active, change.value);
  };

  private show(active: ActiveBinding, value: number): void {
    const shown = feedbackValue(active.binding, value, active.spec);
    if (shown === null) return;
    // The surface's own moves too: the scheduler holds them while the control moves.
    if (active.slot >= 0) this.scheduler.setTarget(active.slot, shown);
    else if (active.led && this.stateValue === 'online' && this.ledSent.get(active) !== shown) {
      this.ledSent.set(active, shown);
      this.send(feedbackBytes(active.binding.source, shown));
    }
  }

  /** Rule 7 on every (re)connect or new bindings: nothing the controller had is trusted. */
  private fullPush(): void {
    this.scheduler.invalidate();
    this.ledSent.clear();
    const params = this.options.params;
    for (const actives of this.byParam.values())
      for (const active of actives) this.show(active, params.get(active.binding.param));
    this.sendDue(this.clock.now());
  }

  private tick(): void {
    const now = this.clock.now();
    const result = this.session?.poll(now) ?? null;
    if (result !== null) this.learned(result);
    if (this.stateValue === 'online') this.sendDue(now);
  }

  private sendDue(now: number): void {
    for (const { fader, position } of this.scheduler.due(now)) {
      const active = this.slots[fader];
      if (active !== undefined) this.send(feedbackBytes(active.binding.source, position));
    }
  }

  private send(bytes: Uint8Array): void {
    const port = this.port;
    if (port === null || bytes.length === 0) return;
    this.counterValues.feedbackSends++;
    this.counterValues.bytesOut += bytes.length;
    port.send(bytes);
  }
}
