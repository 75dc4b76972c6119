import { AutomationControl } from '../automation/automation-control.ts';
import { AutomationPlayer } from '../automation/automation-player.ts';
import { EventRing } from '../events/event-ring.ts';
import { ConsoleGraph, consoleMeterSlots } from '../graph/console-graph.ts';
import { defaultLayout, type ConsoleLayout } from '../graph/console-layout.ts';
import type { ConsoleParams } from '../graph/console-params.ts';
import type { MasterMeterBuffers } from '../meters/master-meter-set.ts';
import { MeterBlock } from '../meters/meter-block.ts';
import type { ParamSpec } from '../params/param-spec.ts';
import { ParamTable } from '../params/param-table.ts';
import { AudioRuntime } from './audio-runtime.ts';
import { EngineStatusBlock } from './engine-status.ts';

export interface RuntimeOptions {
  /** The console's structure; or `stripCount` mono strips with the default aux effects. */
  readonly layout?: ConsoleLayout;
  readonly stripCount?: number;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  readonly stripLabels?: readonly string[];
  readonly eventCapacity?: number;
  /** Buffers created by the main thread (the worker attaches to them); fresh ones otherwise. */
  readonly shared?: SharedBuffers;
  /** Meter the master (ConsoleGraphOptions.masterMeters); implied by shared master buffers. */
  readonly masterMeters?: boolean;
}

export interface SharedBuffers {
  readonly paramBuffer: SharedArrayBuffer;
  readonly meterBuffer: SharedArrayBuffer;
  /** The master meter set's memory (the engine meters its master; renders do not). */
  readonly masterMeterBuffers?: MasterMeterBuffers;
  readonly eventBuffer: SharedArrayBuffer;
  readonly statusBuffer: SharedArrayBuffer;
  readonly reportBuffer: SharedArrayBuffer;
  readonly automationBuffer: SharedArrayBuffer;
}

export interface RuntimeParts {
  readonly runtime: AudioRuntime;
  readonly graph: ConsoleGraph;
  readonly layout: ConsoleLayout;
  readonly consoleParams: ConsoleParams;
  readonly specs: readonly ParamSpec[];
  readonly params: ParamTable;
  readonly meters: MeterBlock;
  readonly events: EventRing;
  readonly reports: EventRing;
  readonly automation: AutomationControl;
  readonly status: EngineStatusBlock;
}

export const DEFAULT_EVENT_CAPACITY = 1024;
/** Worker -> main reports: automation values of every automated parameter for many blocks. */
export const REPORT_CAPACITY = 16384;

export function resolveLayout(options: {
  layout?: ConsoleLayout;
  stripCount?: number;
  stripLabels?: readonly string[];
}): ConsoleLayout {
  return options.layout ?? defaultLayout(options.stripCount ?? 0, options.stripLabels ?? []);
}

/**
 * The audio runtime with its graph and shared structures, built one way for the worker, offline
 * renders, tests and benchmarks. Fresh tables start at every parameter's default.
 */
export function createRuntime(options: RuntimeOptions): RuntimeParts {
  const layout = resolveLayout(options);
  const masterMeters =
    options.shared?.masterMeterBuffers ?? (options.masterMeters === true ? true : undefined);
  const graph = new ConsoleGraph({
    layout,
    sampleRate: options.sampleRate,
    maxBlockFrames: options.maxBlockFrames,
    ...(masterMeters === undefined ? {} : { masterMeters }),
  });
  const specs = graph.params.specs;
  const slots = consoleMeterSlots(layout);
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
  const reports = shared
    ? EventRing.attach(shared.reportBuffer, REPORT_CAPACITY)
    : EventRing.create(REPORT_CAPACITY);
  const automation = shared
    ? AutomationControl.attach(shared.automationBuffer, specs.length)
    : AutomationControl.create(specs.length);
  const status = new EngineStatusBlock(shared?.statusBuffer);
  const player = new AutomationPlayer(automation, reports);
  const runtime = new AudioRuntime(graph, { params, meters, events, status, reports, automation: player });
  return {
    runtime,
    graph,
    layout,
    consoleParams: graph.params,
    specs,
    params,
    meters,
    events,
    reports,
    automation,
    status,
  };
}
