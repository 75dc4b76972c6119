import type {
  AudioBackend,
  AudioStreamFormat,
  BackendCounters,
  BackendKind,
  BlockCallback,
} from '../audio/audio-backend.ts';
import { ENGINE_EVENT, type EventRecord, type EventRing } from '../events/event-ring.ts';
import type { MixGraph } from '../graph/mix-graph.ts';
import { Measurement } from '../graph/measurement.ts';
import type { MeterBlock } from '../meters/meter-block.ts';
import type { ParamTable } from '../params/param-table.ts';
import type { EngineStatusBlock } from './engine-status.ts';

export interface AudioRuntimeShared {
  readonly params: ParamTable;
  readonly meters: MeterBlock;
  readonly events: EventRing;
  readonly status: EngineStatusBlock;
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
  private readonly graph: MixGraph;
  private readonly shared: AudioRuntimeShared;
  private readonly seenChanges: Int32Array;
  private readonly event: EventRecord = { type: 0, target: 0, value: 0, extra: 0 };
  private readonly counters: BackendCounters = { xruns: 0, frames: 0 };
  private inputChannels = 0;
  private outputChannels = 2;
  private current: AudioBackend | null = null;
  private stopping = false;

  /** The block function handed to backends; bound once so the loop allocates nothing. */
  readonly processBlock: BlockCallback;

  constructor(graph: MixGraph, shared: AudioRuntimeShared) {
    this.graph = graph;
    this.shared = shared;
    this.seenChanges = new Int32Array(shared.params.count).fill(-1);
    this.processBlock = (input, output, frames) => {
      this.process(input, output, frames);
    };
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
   * Audio thread: one block. Allocates nothing, never throws. It reads no clock: every clock in
   * Node 20 returns a freshly boxed number; DSP load is measured from outside (see Engine).
   */
  process(input: Float32Array, output: Float32Array, frames: number): void {
    this.takeParamChanges();
    this.takeEvents();
    this.graph.process(input, this.inputChannels, output, this.outputChannels, frames, this.shared.meters);
    if (this.measurement.active) {
      this.measurement.process(input, this.inputChannels, output, this.outputChannels, frames);
    }
    this.shared.status.publishBlock(this.counters.xruns);
  }

  private takeParamChanges(): void {
    const params = this.shared.params;
    const seen = this.seenChanges;
    for (let i = 0; i < seen.length; i++) {
      const changes = params.changeCount(i);
      if (changes !== seen[i]) {
        seen[i] = changes;
        this.graph.pullTarget(i, params);
      }
    }
  }

  private takeEvents(): void {
    const event = this.event;
    while (this.shared.events.pop(event)) {
      if (event.type === ENGINE_EVENT.PARAM_JUMP) this.graph.jumpTo(event.target, event.value);
      else if (event.type === ENGINE_EVENT.RESET_XRUNS) {
        this.counters.xruns = 0;
      }
    }
  }
}
