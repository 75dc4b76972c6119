import type { LaneArrays } from '../automation/automation-player.ts';
import type { AutomationControl } from '../automation/automation-control.ts';
import { MODE_CODE } from '../automation/automation-mode.ts';
import type { ConsoleGraph } from '../graph/console-graph.ts';
import type { ParamTable } from '../params/param-table.ts';
import type { AudioRuntime } from '../worker/audio-runtime.ts';
import type { ResolvedMix } from './resolve-mix.ts';

/** What a runtime needs to start a mix: structured-clonable, so it can go to the worker as is. */
export interface MixLoad {
  /** Every parameter's value, in table order. */
  readonly values: Float64Array;
  readonly lanes: readonly LaneArrays[];
  /** Automation mode code per parameter. */
  readonly modes: Uint8Array;
  /** Per strip: planar channels (over SharedArrayBuffers when going to the worker), or null. */
  readonly stems: readonly (readonly Float32Array[] | null)[];
  readonly loop: { readonly start: number; readonly end: number } | null;
  readonly autoplay: boolean;
}

/** Builds the load for a resolved mix on a console with these parameter ids. */
export function mixLoadFor(
  mix: ResolvedMix,
  specs: readonly { id: string; default: number }[],
  options: { shareStems: boolean; autoplay: boolean },
): MixLoad {
  const indexById = new Map(specs.map((spec, i) => [spec.id, i]));
  // f32 like the shared table, so the first block's table scan changes nothing.
  const values = Float64Array.from(specs, (spec) => Math.fround(mix.values.get(spec.id) ?? spec.default));
  const modes = new Uint8Array(specs.length);
  const lanes = mix.lanes.flatMap((lane): LaneArrays[] => {
    const index = indexById.get(lane.id);
    if (index === undefined || lane.points.length === 0) return [];
    modes[index] = MODE_CODE[lane.mode];
    return [
      {
        index,
        frames: Float64Array.from(lane.points, (p) => p.frame),
        values: Float64Array.from(lane.points, (p) => p.value),
      },
    ];
  });
  const stems = mix.stems.map((channels) =>
    channels === null
      ? null
      : channels.map((channel) => {
          if (!options.shareStems) return channel;
          const shared = new Float32Array(new SharedArrayBuffer(channel.length * 4));
          shared.set(channel);
          return shared;
        }),
  );
  return { values, lanes, modes, stems, loop: mix.loop, autoplay: options.autoplay };
}

/**
 * Set-up, before the first block: puts a mix on a runtime. Values go to the table (so the first
 * block's change scan finds nothing new) and jump the smoothers; lanes and modes are installed;
 * stems are placed on their strips; the transport is at 0, looping if asked, playing if asked.
 * The worker and an offline render call this the same way, which is what makes them identical.
 */
export function applyMixLoad(
  parts: { runtime: AudioRuntime; graph: ConsoleGraph; params: ParamTable; automation: AutomationControl },
  load: MixLoad,
  writeTable: boolean,
): void {
  load.values.forEach((value, index) => {
    if (writeTable) parts.params.write(index, value);
    parts.graph.jumpTo(index, value);
  });
  parts.graph.reset();
  parts.automation.modes.set(load.modes);
  parts.runtime.installLanes(load.lanes);
  load.stems.forEach((channels, strip) => {
    if (channels !== null) parts.graph.stems.place(strip, channels);
  });
  const transport = parts.graph.transport;
  transport.locate(0);
  if (load.loop !== null) transport.setLoop(load.loop.start, load.loop.end, true);
  if (load.autoplay) transport.play();
}
