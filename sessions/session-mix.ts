import { randomUUID } from 'node:crypto';
import { MIX_FORMAT, MIX_VERSION, type MixDocument } from '../engine/index.ts';
import type { ParamValues, SessionAutomation, SessionStructure } from './session-document.ts';

/** A strip or aux of the running console, as the session structure records it. */
export interface ConsoleShape {
  readonly strips: readonly { readonly label: string; readonly kind: 'mono' | 'stereo' }[];
  readonly auxes: readonly { readonly label: string; readonly effect: 'reverb' | 'delay' | 'chorus' }[];
}

/** A new session's structure from the running console (fresh stable ids for strips and auxes). */
export function structureFromConsole(
  shape: ConsoleShape,
  options: {
    stems?: readonly (string | null)[];
    sampleRate?: number | null;
    surfaces?: SessionStructure['surfaces'];
  } = {},
): SessionStructure {
  return {
    sampleRate: options.sampleRate ?? null,
    strips: shape.strips.map((strip, s) => ({
      id: randomUUID(),
      label: strip.label,
      kind: strip.kind,
      stem: options.stems?.[s] ?? null,
    })),
    auxes: shape.auxes.map((aux) => ({ id: randomUUID(), label: aux.label, effect: aux.effect })),
    monitor: { calibrationProfile: null },
    surfaces: options.surfaces ?? [],
  };
}

/** Whether the running console has the session's structure (values-only recall is then possible). */
export function structureMatches(structure: SessionStructure, shape: ConsoleShape): boolean {
  return (
    structure.strips.length === shape.strips.length &&
    structure.auxes.length === shape.auxes.length &&
    structure.strips.every((strip, s) => strip.kind === shape.strips[s]!.kind) &&
    structure.auxes.every((aux, a) => aux.effect === shape.auxes[a]!.effect)
  );
}

const ownerKey = (id: string): { owner: string; key: string } | null => {
  const match = /^(strip\/\d+|aux\/\d+|master)\/(.+)$/.exec(id);
  return match === null ? null : { owner: match[1]!, key: match[2]! };
};

/**
 * The session as a mix document, so `lathe start --session` builds its console with the mix
 * loader (stems, values and automation checked the same way as a mix file). Values of
 * parameters no mix owns (the monitor path) are left to recall.
 */
export function sessionMixDocument(
  name: string,
  structure: SessionStructure,
  values: ParamValues,
  automation: SessionAutomation,
): MixDocument {
  const params = new Map<string, Record<string, number>>();
  const lanes = new Map<
    string,
    Record<string, { mode: 'off' | 'read' | 'touch'; points: [number, number][] }>
  >();
  for (const [id, value] of Object.entries(values)) {
    const split = ownerKey(id);
    if (split === null) continue;
    const record = params.get(split.owner) ?? {};
    record[split.key] = value;
    params.set(split.owner, record);
  }
  for (const [id, lane] of Object.entries(automation)) {
    const split = ownerKey(id);
    if (split === null) continue;
    const record = lanes.get(split.owner) ?? {};
    record[split.key] = { mode: lane.mode, points: lane.points.map(([t, v]) => [t, v] as [number, number]) };
    lanes.set(split.owner, record);
  }
  const two = (n: number): string => String(n + 1).padStart(2, '0');
  return {
    format: MIX_FORMAT,
    version: MIX_VERSION,
    name,
    ...(structure.sampleRate === null ? {} : { sampleRate: structure.sampleRate }),
    strips: structure.strips.map((strip, s) => ({
      label: strip.label,
      kind: strip.kind,
      ...(strip.stem === null ? {} : { stem: strip.stem }),
      params: params.get(`strip/${two(s)}`) ?? {},
      automation: lanes.get(`strip/${two(s)}`) ?? {},
    })),
    auxes: structure.auxes.map((aux, a) => ({
      label: aux.label,
      effect: aux.effect,
      params: params.get(`aux/${two(a)}`) ?? {},
      automation: lanes.get(`aux/${two(a)}`) ?? {},
    })),
    master: { params: params.get('master') ?? {}, automation: lanes.get('master') ?? {} },
  };
}
