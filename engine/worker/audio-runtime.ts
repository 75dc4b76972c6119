import type {
  AudioBackend,
  AudioStreamFormat,
  BackendCounters,
  BackendKind,
  BlockCallback,
} from '../audio/audio-backend.ts';
import type { AutomationPlayer, LaneArrays } from '../automation/automation-player.ts';
import { ENGINE_EVENT, WORKER_EVENT, type EventRecord, type EventRing } from '../events/event-ring.ts';
import type { ConsoleGraph } from '../graph/console-graph.ts';
import { Measurement } from '../graph/measurement.ts';
import type { MeterBlock } from '../meters/meter-block.ts';
import type { ParamTable } from '../params/param-table.ts';
import type { EngineStatusBlock } from './engine-status.ts';

export interface AudioRuntimeShared {
  readonly params: ParamTable;
  readonly meters: MeterBlock;
  readonly events: EventRing;
  readonly status: EngineStatusBlock;
  /** Worker -> main reports (automation values and passes). */
  readonly reports: EventRing;
  readonly automation: AutomationPlayer;
}

/** Gives the next backend to try after `failed` failed, or null when there is none. */
export type FallbackFactory = (failed: AudioBackend, reason: string) => AudioBackend | null;

/**
 * Everything the audio worker does per block, independent of where blocks come from:
 * take parameter changes and ordered events, run the graph (or a measurement), publish meters,
 * load and xruns. When a backend fails, it carries on with the next one (finally the virtual
 * clock) so the console keeps running.
 */
export class AudioRuntime {
  readonly measurement = new Measurement();
  readonly graph: ConsoleGraph;
  private readonly shared: AudioRuntimeShared;
  private readonly seenChanges: Int32Array;
  /** The table's total change count at the last scan (-1: never scanned). */
  private seenTotal = -1;
  private readonly event: EventRecord = { type: 0, target: 0, value: 0, extra: 0 };
  private readonly counters: BackendCounters = { xruns: 0, frames: 0 };
  private inputChannels = 0;
  private outputChannels = 2;
  private current: AudioBackend | null = null;
  private stopping = false;

  /** Output capture (tests, "what is heard equals what is rendered"): interleaved stereo frames. */
  private captureBuffer: Float32Array | null = null;
  private captureCount: Int32Array | null = null;

  /** The block function handed to backends; bound once so the loop allocates nothing. */
  readonly processBlock: BlockCallback;

  constructor(graph: ConsoleGraph, shared: AudioRuntimeShared) {
    this.graph = graph;
    this.shared = shared;
    this.seenChanges = new Int32Array(shared.params.count).fill(-1);
    this.processBlock = (input, output, frames) => {
      this.process(input, output, frames);
    };
  }

  /**
   * Set-up: record the stereo output from the next block on into `buffer` (interleaved L/R),
   * publishing the frames captured in `count[0]`, until the buffer is full.
   */
  captureOutput(buffer: SharedArrayBuffer, count: SharedArrayBuffer): void {
    this.captureBuffer = new Float32Array(buffer);
    this.captureCount = new Int32Array(count, 0, 1);
  }

  /** Between blocks: replace the automation lanes the worker plays. */
  installLanes(lanes: readonly LaneArrays[]): void {
    this.shared.automation.install(lanes);
  }

  get backend(): AudioBackend | null {
    return this.current;
  }

  /**
   * Runs `backend`, then whatever `fallback` offers after each failure, until stopped.
   * `onFault` hears about each failure (outside the block loop).
   */
  async run(
    backend: AudioBackend,
    fallback: FallbackFactory,
    onFault: (reason: string, next: AudioBackend | null) => void,
  ): Promise<void> {
    let next: AudioBackend | null = backend;
    while (next !== null && !this.isStopping()) {
      const active: AudioBackend = next;
      this.use(active);
      const exit = await active.run(this.processBlock, this.counters);
      if (exit.kind === 'stopped' || this.isStopping()) break;
      this.shared.status.addFault();
      next = fallback(active, exit.reason);
      onFault(exit.reason, next);
    }
    this.current = null;
  }

  /** `stopping` changes in other callbacks while `run` awaits. */
  private isStopping(): boolean {
    return this.stopping;
  }

  stop(): void {
    this.stopping = true;
    this.current?.stop();
  }

  private use(backend: AudioBackend): void {
    this.current = backend;
    this.configure(backend.format, backend.kind);
  }

  /**
   * Sets the channel counts `process` works with. Backends do this through `run`; a driver
   * that calls `process` itself (benchmarks, tests) calls it once first.
   */
  configure(format: AudioStreamFormat, kind: BackendKind = 'file'): void {
    this.inputChannels = format.inputChannels;
    this.outputChannels = format.outputChannels;
    this.shared.status.setBackend(
      kind,
      format.sampleRate,
      format.blockSize,
      format.inputChannels,
      format.outputChannels,
    );
  }

  /**
   * Offline renders, before each block: the strips read input channel c from `channels[c]`
   * instead of `process`'s interleaved input (ConsoleGraph.usePlanarInput). Nothing that arms a
   * measurement runs offline, and the measurement reads interleaved input only. Audio thread:
   * allocates nothing.
   */
  usePlanarInput(channels: readonly Float32Array[] | null): void {
    this.graph.usePlanarInput(channels);
  }

  /**
   * Audio thread: one block. Allocates nothing, never throws. It reads no clock: every clock in
   * Node 20 returns a freshly boxed number; DSP load is measured from outside (see Engine).
   */
  process(input: Float32Array, output: Float32Array, frames: number): void {
    const graph = this.graph;
    const transport = graph.transport;
    this.takeEvents();
    transport.plan(frames);
    // Passes open before the controls' changes are taken (so a pass starts from the value that
    // played), and lanes are read after them (so in read mode the lane wins).
    this.shared.automation.beginBlock(transport, graph.smoother);
    this.takeParamChanges();
    this.shared.automation.readLanes(transport, graph.smoother);
    if (transport.wrapped) this.shared.automation.wrapPasses(transport, graph.smoother);
    graph.process(input, this.inputChannels, output, this.outputChannels, frames, this.shared.meters);
    transport.advance();
    this.shared.status.publishTransport(transport.playing, transport.position);
    if (this.captureBuffer !== null) this.capture(output, frames);
    if (this.measurement.active) {
      this.measurement.process(input, this.inputChannels, output, this.outputChannels, frames);
    }
    this.shared.status.publishBlock(this.counters.xruns);
  }

  /** Audio thread: copy this block's first two outputs into the capture buffer. */
  private capture(output: Float32Array, frames: number): void {
    const buffer = this.captureBuffer!;
    const count = this.captureCount!;
    const done = count[0]!;
    const channels = this.outputChannels;
    const room = (buffer.length >> 1) - done;
    const n = frames < room ? frames : room;
    for (let i = 0; i < n; i++) {
      buffer[2 * (done + i)] = output[i * channels]!;
      buffer[2 * (done + i) + 1] = channels > 1 ? output[i * channels + 1]! : output[i * channels]!;
    }
    Atomics.store(count, 0, done + n);
    if (n === room) this.captureBuffer = null;
  }

  /**
   * Pulls every parameter written since the last block. The total is read first: unchanged, no
   * parameter was written (an offline render or an idle console skips the scan of every counter).
   */
  private takeParamChanges(): void {
    const params = this.shared.params;
    const total = params.totalChanges();
    if (total === this.seenTotal) return;
    this.seenTotal = total;
    const seen = this.seenChanges;
    for (let i = 0; i < seen.length; i++) {
      const changes = params.changeCount(i);
      if (changes !== seen[i]) {
        seen[i] = changes;
        this.graph.pullTarget(i, params);
        this.shared.automation.recordChange(i, this.graph.transport.firstStart, this.graph.smoother);
      }
    }
  }

  private takeEvents(): void {
    const event = this.event;
    while (this.shared.events.pop(event)) {
      const transport = this.graph.transport;
      switch (event.type) {
        case ENGINE_EVENT.PARAM_JUMP:
          this.graph.smoother.incoming[0] = event.value;
          this.graph.jumpIncoming(event.target);
          break;
        case ENGINE_EVENT.RESET_XRUNS:
          this.counters.xruns = 0;
          break;
        case ENGINE_EVENT.PLAY:
          transport.play();
          break;
        case ENGINE_EVENT.STOP:
          if (transport.playing) this.shared.automation.endPasses(transport.position, this.graph.smoother);
          transport.stop();
          break;
        case ENGINE_EVENT.LOCATE:
          if (transport.playing) this.shared.automation.endPasses(transport.position, this.graph.smoother);
          transport.locate(event.extra);
          break;
        case ENGINE_EVENT.LOOP:
          transport.setLoop(event.target, event.extra, event.value > 0.5);
          break;
        case ENGINE_EVENT.RESET_MASTER_METERS:
          this.graph.masterMeters?.reset();
          // Only now is the history empty: panels reload it when main sees this report.
          this.shared.reports.push(WORKER_EVENT.METERS_RESET, 0, 0);
          break;
      }
    }
  }
}
