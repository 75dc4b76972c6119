import {
  LOUDNESS_PRESETS,
  LatheError,
  findLoudnessPreset,
  resolveLoudnessTarget,
  type LoudnessPreset,
} from '../../engine/index.ts';
import type { MeterTarget } from '../protocol/index.ts';

/**
 * How far the live integrated loudness may sit from the target and still pass: EBU R 128's ±1 LU
 * for programmes that cannot be normalised exactly. (A render lands within 0.1 LU; a meter
 * watching a mix being played is judged more loosely.)
 */
export const METER_TARGET_TOLERANCE_LU = 1;
export const DEFAULT_METER_TARGET = 'spotify';

/** A preset as the meters judge it; the ceiling follows the engine's own rule (resolveLoudnessTarget). */
export function meterTargetOf(preset: LoudnessPreset): MeterTarget {
  const resolved = resolveLoudnessTarget(preset.name);
  if (typeof resolved === 'string') throw new Error(`loudness preset ${preset.name}: ${resolved}`);
  return {
    preset: preset.name,
    title: preset.title,
    integratedLufs: resolved.integratedLufs,
    ceilingDbtp: resolved.ceilingDbtp,
    toleranceLu: METER_TARGET_TOLERANCE_LU,
  };
}

/** Every loudness preset of the engine (engine/render/loudness-targets.ts), as meter targets. */
export function meterTargets(): MeterTarget[] {
  return LOUDNESS_PRESETS.map(meterTargetOf);
}

/**
 * The loudness target the meters judge against, one per console: every panel shows the same
 * one, and a change from any of them (or REST) reaches the others through `onChange`.
 */
export class MeterTargetStore {
  private current: MeterTarget;
  private readonly listeners = new Set<(target: MeterTarget) => void>();

  constructor(preset: string = DEFAULT_METER_TARGET) {
    this.current = MeterTargetStore.resolve(preset);
  }

  get(): MeterTarget {
    return this.current;
  }

  /** Throws LATHE_TARGET_PRESET_UNKNOWN for a name that is not a preset. */
  set(preset: string): MeterTarget {
    const target = MeterTargetStore.resolve(preset);
    const changed = target.preset !== this.current.preset;
    this.current = target;
    if (changed) for (const listener of this.listeners) listener(target);
    return target;
  }

  onChange(listener: (target: MeterTarget) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private static resolve(name: string): MeterTarget {
    const preset = findLoudnessPreset(name);
    if (preset === undefined) {
      throw new LatheError(
        'LATHE_TARGET_PRESET_UNKNOWN',
        `unknown loudness target "${name}"; one of ${LOUDNESS_PRESETS.map((p) => p.name).join(', ')}`,
      );
    }
    return meterTargetOf(preset);
  }
}
