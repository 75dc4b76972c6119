/**
 * ConsoleConnection: a ReactiveController owning the panel's WebSocket. It keeps the parameter
 * map, audio status and meter layout from the server, sends control changes (coalesced to one
 * message per parameter per animation frame), tracks replies, and reconnects with backoff.
 * The host re-renders whenever any of that state changes.
 *
 * Master meters: the connection subscribes to the master-meter stream with the strip meters on
 * every hello (the mixer's gain-reduction readouts and the meters page both need it, and the
 * server runs one feed for all panels, so a panel that does not look costs one ~1.5 kB send per
 * frame). `masterReadout(label)` is the latest value; `subscribeMaster` gets every frame. Master
 * frames do not re-render the host: views that show them draw from their own animation frame.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  decodeMasterMeterFrame,
  decodeMeterFrame,
  isMasterMeterFrame,
  type AudioStatus,
  type ClientMessage,
  type HelloMessage,
  type MasterMeterFrame,
  type MasterMeterLayout,
  type MeterFrame,
  type MeterTarget,
  type ParamInfo,
  type ServerMessage,
} from '../protocol/index.ts';
import { nextFrame } from './next-frame.ts';
import { parseServerMessage } from './server-message.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
export type MeterLayout = HelloMessage['meters'];
/** Receives each decoded meter frame, or null when the stream stops (socket closed). */
export type MeterListener = (frame: MeterFrame | null) => void;

export interface MeterSource {
  subscribeMeters(listener: MeterListener): () => void;
}

/** Receives each decoded master-meter frame, or null when the stream stops (socket closed). */
export type MasterListener = (frame: MasterMeterFrame | null) => void;

type Request = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;
/** Replies we still remember; older ones are forgotten (the server may not answer everything). */
const MAX_IN_FLIGHT = 256;
const ERROR_SHOW_MS = 5000;
/** Longest a coalesced position may wait when animation frames are throttled. */
const FLUSH_FALLBACK_MS = 50;

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

export class ConsoleConnection implements ReactiveController, MeterSource {
  state: ConnectionState = 'connecting';
  /** True once this socket's hello has arrived; the maps below are then current. */
  ready = false;
  /** Bumped on every hello so hosts can rebuild derived layout only when the param set changes. */
  generation = 0;
  meters: MeterLayout = [];
  status: AudioStatus | null = null;
  /** Last error the server replied with, shown briefly. */
  lastError: string | null = null;
  /** Master readout labels in frame order (from the hello): MASTER_LABEL names, then gain reductions. */
  masterLabels: readonly string[] = [];
  /** How to read master frames (labels, spectrum band centres, goniometer points per frame). */
  masterLayout: MasterMeterLayout | null = null;
  /** The loudness target shared by every panel (hello, then `meters.target` messages). */
  meterTarget: MeterTarget | null = null;

  private paramsById = new Map<string, ParamInfo>();
  private readonly host: ReactiveControllerHost;
  private readonly url: string;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private errorTimer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, string>();
  private readonly meterListeners = new Set<MeterListener>();
  private readonly masterListeners = new Set<MasterListener>();
  private readonly resetListeners = new Set<() => void>();
  private masterIndex = new Map<string, number>();
  private latestMaster: MasterMeterFrame | null = null;
  private readonly pendingPositions = new Map<string, number>();
  private cancelFlush: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, url: string = defaultUrl()) {
    this.host = host;
    this.url = url;
    host.addController(this);
  }

  get params(): ReadonlyMap<string, ParamInfo> {
    return this.paramsById;
  }

  hostConnected(): void {
    this.connect();
  }

  hostDisconnected(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.errorTimer);
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.pendingPositions.clear();
    const socket = this.socket;
    this.socket = null; // before close(), so onclose does not schedule a reconnect
    socket?.close(1000, 'panel closed');
  }

  subscribeMeters(listener: MeterListener): () => void {
    this.meterListeners.add(listener);
    return () => this.meterListeners.delete(listener);
  }

  /** Every master-meter frame as it arrives; null when the socket closes. Returns the unsubscribe. */
  subscribeMaster(listener: MasterListener): () => void {
    this.masterListeners.add(listener);
    return () => this.masterListeners.delete(listener);
  }

  /** Called when any panel restarts the master measurement (`meters.reset`). Returns the unsubscribe. */
  subscribeMetersReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /**
   * Latest value of a master readout by label, in its plain unit (LUFS, LU, dB FS, dBTP, dB of gain
   * reduction, correlation -1..1); NaN when unknown (no frame yet, socket down, or no such label).
   */
  masterReadout(label: string): number {
    const index = this.masterIndex.get(label);
    if (index === undefined || this.latestMaster === null) return Number.NaN;
    return this.latestMaster.readouts[index] ?? Number.NaN;
  }

  /** Fader/pan movement: sent at most once per animation frame per parameter, latest value wins. */
  setPosition(param: string, position: number): void {
    this.pendingPositions.set(param, clampPosition(position));
    this.cancelFlush ??= nextFrame(this.flushPositions, FLUSH_FALLBACK_MS);
  }

  /** End of a gesture: send now and drop any queued intermediate value, so it cannot land after. */
  commitPosition(param: string, position: number): void {
    this.pendingPositions.delete(param);
    this.send({ type: 'param.setPosition', param, position: clampPosition(position) });
  }

  /** Plain value (mute 0/1, reset to default). */
  setValue(param: string, value: number): void {
    this.send({ type: 'param.set', param, value });
  }

  private readonly flushPositions = (): void => {
    this.cancelFlush = undefined;
    for (const [param, position] of this.pendingPositions) {
      this.send({ type: 'param.setPosition', param, position });
    }
    this.pendingPositions.clear();
  };

  private send(request: Request): void {
    const socket = this.socket;
    // While disconnected the controls are disabled; anything else is stale by the time we are back.
    if (socket?.readyState !== WebSocket.OPEN) return;
    const id = this.nextId;
    this.nextId = id >= 0x7fffffff ? 1 : id + 1;
    this.inFlight.set(id, 'param' in request ? request.param : request.type);
    if (this.inFlight.size > MAX_IN_FLIGHT) {
      const oldest = this.inFlight.keys().next();
      if (!oldest.done) this.inFlight.delete(oldest.value);
    }
    socket.send(JSON.stringify({ ...request, id }));
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.state = 'connecting';
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      console.warn('lathe: cannot open socket', error);
      this.scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (this.socket !== socket) return;
      if (event.data instanceof ArrayBuffer) {
        if (isMasterMeterFrame(event.data)) this.onMasterFrame(event.data);
        else this.onMeterFrame(event.data);
      } else if (typeof event.data === 'string') this.onText(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.onClosed();
    };
    // An error is always followed by close, which does the bookkeeping.
    socket.onerror = () => undefined;
    this.socket = socket;
    this.host.requestUpdate();
  }

  private onClosed(): void {
    this.state = 'disconnected';
    this.ready = false;
    this.inFlight.clear();
    this.pendingPositions.clear();
    for (const listener of this.meterListeners) listener(null);
    this.latestMaster = null;
    for (const listener of this.masterListeners) listener(null);
    this.scheduleReconnect();
    this.host.requestUpdate();
  }

  private scheduleReconnect(): void {
    this.state = 'disconnected';
    // Exponential backoff with jitter, so a restarted server is not hit by every tab at once.
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.connect();
    }, delay);
  }

  private onText(text: string): void {
    const message = parseServerMessage(text);
    if (message) this.onMessage(message);
  }

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'hello': {
        this.paramsById = new Map(message.params.map((info) => [info.param, info]));
        this.meters = message.meters;
        this.status = message.status;
        this.state = 'connected';
        this.ready = true;
        this.attempt = 0;
        this.generation++;
        this.masterLayout = message.master ?? null;
        this.masterLabels = message.master?.labels ?? [];
        this.masterIndex = new Map(this.masterLabels.map((label, i) => [label, i]));
        this.latestMaster = null;
        this.meterTarget = message.target ?? null;
        this.send({ type: 'meters.subscribe', enabled: true, master: message.master !== undefined });
        break;
      }
      case 'meters.target':
        this.meterTarget = message.target;
        break;
      case 'meters.reset':
        for (const listener of this.resetListeners) listener();
        return; // the listeners update what they show
      case 'param.changed': {
        const info = this.paramsById.get(message.param);
        if (!info) {
          console.warn('lathe: change for unknown param', message.param);
          return;
        }
        // A new object per change, so the strip's property binding sees it.
        this.paramsById.set(message.param, {
          ...info,
          value: message.value,
          position: message.position,
        });
        break;
      }
      case 'status':
        this.status = message.status;
        break;
      case 'reply':
        this.onReply(message.id, message.ok, message.error?.message);
        if (message.ok) return; // nothing visible changed
        break;
    }
    this.host.requestUpdate();
  }

  private onReply(id: number | null, ok: boolean, error: string | undefined): void {
    const what = id === null ? undefined : this.inFlight.get(id);
    if (id !== null) this.inFlight.delete(id);
    if (ok) return;
    const text = `${what ?? 'request'}: ${error ?? 'rejected'}`;
    console.warn('lathe:', text);
    this.lastError = text;
    clearTimeout(this.errorTimer);
    this.errorTimer = setTimeout(() => {
      this.lastError = null;
      this.host.requestUpdate();
    }, ERROR_SHOW_MS);
  }

  private onMeterFrame(bytes: ArrayBuffer): void {
    const frame = decodeMeterFrame(bytes);
    if (!frame) {
      console.warn('lathe: ignoring malformed meter frame', bytes.byteLength);
      return;
    }
    for (const listener of this.meterListeners) listener(frame);
  }

  private onMasterFrame(bytes: ArrayBuffer): void {
    const layout = this.masterLayout;
    const frame =
      layout === null
        ? null
        : decodeMasterMeterFrame(bytes, {
            readouts: layout.labels.length,
            bands: layout.bandCentresHz.length,
            pairs: layout.pairsPerFrame,
          });
    if (!frame) {
      console.warn('lathe: ignoring malformed master meter frame', bytes.byteLength);
      return;
    }
    this.latestMaster = frame;
    for (const listener of this.masterListeners) listener(frame);
  }
}

function clampPosition(position: number): number {
  // The schema rejects anything outside 0..1, and NaN would poison the whole message.
  return Number.isFinite(position) ? Math.min(1, Math.max(0, position)) : 0;
}
