import { EventRing } from '../events/event-ring.ts';
import { meterSlotCount, MixGraph } from '../graph/mix-graph.ts';
import { MeterBlock } from '../meters/meter-block.ts';
import { createMixParamSpecs } from '../params/mix-params.ts';
import type { ParamSpec } from '../params/param-spec.ts';
import { ParamTable } from '../params/param-table.ts';
import { AudioRuntime } from './audio-runtime.ts';
import { EngineStatusBlock } from './engine-status.ts';

export interface RuntimeOptions {
  readonly stripCount: number;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  readonly stripLabels?: readonly string[];
  readonly eventCapacity?: number;
  /** Buffers created by the main thread (the worker attaches to them); fresh ones otherwise. */
  readonly shared?: {
    readonly paramBuffer: SharedArrayBuffer;
    readonly meterBuffer: SharedArrayBuffer;
    readonly eventBuffer: SharedArrayBuffer;
    readonly statusBuffer: SharedArrayBuffer;
  };
}

export interface RuntimeParts {
  readonly runtime: AudioRuntime;
  readonly specs: readonly ParamSpec[];
  readonly params: ParamTable;
  readonly meters: MeterBlock;
  readonly events: EventRing;
  readonly status: EngineStatusBlock;
}

const DEFAULT_EVENT_CAPACITY = 1024;

/**
 * The audio runtime with its graph and shared structures, built one way for the worker, offline
 * renders, tests and benchmarks. Fresh tables start at every parameter's default.
 */
export function createRuntime(options: RuntimeOptions): RuntimeParts {
  const specs = createMixParamSpecs(options.stripCount, options.stripLabels ?? []);
  const slots = meterSlotCount(options.stripCount);
  const capacity = options.eventCapacity ?? DEFAULT_EVENT_CAPACITY;
  const shared = options.shared;
  const params = shared
    ? ParamTable.attach(shared.paramBuffer, specs.length)
    : ParamTable.create(specs.length);
  if (!shared) {
    specs.forEach((spec, index) => {
      params.write(index, spec.default);
    });
  }
  const meters = shared ? MeterBlock.attach(shared.meterBuffer, slots) : MeterBlock.create(slots);
  const events = shared ? EventRing.attach(shared.eventBuffer, capacity) : EventRing.create(capacity);
  const status = new EngineStatusBlock(shared?.statusBuffer);
  const graph = new MixGraph({
    stripCount: options.stripCount,
    sampleRate: options.sampleRate,
    maxBlockFrames: options.maxBlockFrames,
    specs,
  });
  const runtime = new AudioRuntime(graph, { params, meters, events, status });
  return { runtime, specs, params, meters, events, status };
}
