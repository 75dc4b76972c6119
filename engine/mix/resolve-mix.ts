import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Compile } from 'typebox/compile';
import { schemaProblem } from '../schema/schema-problem.ts';
import type { AutomationMode } from '../automation/automation-mode.ts';
import type { AutomationPoint } from '../automation/automation-lane.ts';
import { LatheError } from '../errors.ts';
import { stripChannels, type ConsoleLayout, type StripKind } from '../graph/console-layout.ts';
import { auxName, buildConsoleParams, chainOrderLabel } from '../graph/console-params.ts';
import type { ParamSpec } from '../params/param-spec.ts';
import { stripName } from '../params/mix-params.ts';
import {
  MIX_VERSION,
  MixDocumentSchema,
  type MixAutomation,
  type MixDocument,
  type MixParamValues,
} from './mix-document.ts';

/** Reads an audio file into planar channels at its own rate (injected: WAV/AIFF reader). */
export type AudioFileReader = (file: string) => Promise<{ sampleRate: number; channels: Float32Array[] }>;
/** Converts planar channels from one rate to another (injected: the mastering resampler). */
export type ChannelResampler = (channels: Float32Array[], from: number, to: number) => Float32Array[];

export interface ResolvedLane {
  readonly id: string;
  readonly mode: AutomationMode;
  readonly points: readonly AutomationPoint[];
}

/** A mix document checked against the console and ready to load: everything in frames and plain units. */
export interface ResolvedMix {
  readonly file: string;
  readonly name: string;
  readonly sampleRate: number;
  readonly layout: ConsoleLayout;
  /** Plain values by parameter id (only those the document sets; the rest stay at defaults). */
  readonly values: ReadonlyMap<string, number>;
  readonly lanes: readonly ResolvedLane[];
  /** Per strip: planar channels at `sampleRate`, or null for a live input. */
  readonly stems: readonly (Float32Array[] | null)[];
  /** Per strip: the stem's absolute path, or null for a live input. */
  readonly stemFiles: readonly (string | null)[];
  readonly lengthFrames: number;
  readonly loop: { readonly start: number; readonly end: number } | null;
}

const validator = Compile(MixDocumentSchema);

/** JSON pointer segment (RFC 6901): parameter keys contain slashes. */
const pointer = (...parts: (string | number)[]): string =>
  parts.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');

function invalid(file: string, where: string, what: string): LatheError {
  return new LatheError('LATHE_MIX_INVALID', `${file}: ${where === '' ? 'document' : where} ${what}`);
}

/** Parses and schema-checks a mix document's text; errors name the file and the JSON path. */
export function parseMixDocument(text: string, file: string): MixDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LatheError('LATHE_MIX_INVALID', `${file}: not valid JSON (${(error as Error).message})`);
  }
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
  if (record !== null && typeof record['version'] === 'number' && record['version'] > MIX_VERSION) {
    throw new LatheError(
      'LATHE_MIX_VERSION_UNSUPPORTED',
      `${file}: version ${record['version']} is newer than this Lathe reads (${MIX_VERSION})`,
    );
  }
  if (validator.Check(data)) return data;
  const { where, what } = schemaProblem(validator.Errors(data));
  throw invalid(file, where, what);
}

/** A document value in the parameter's plain unit, checked against its spec. */
function plainValue(spec: ParamSpec, raw: number | boolean | string, file: string, where: string): number {
  if (typeof raw === 'boolean') {
    if (spec.unit !== 'bool') throw invalid(file, where, `must be a number in ${spec.unit}, not true/false`);
    return raw ? 1 : 0;
  }
  if (typeof raw === 'string') {
    const index = spec.choices?.indexOf(raw) ?? -1;
    if (index < 0) {
      throw invalid(
        file,
        where,
        spec.choices ? `must be one of ${spec.choices.map((c) => `"${c}"`).join(', ')}` : 'must be a number',
      );
    }
    return index;
  }
  if (!Number.isFinite(raw)) throw invalid(file, where, 'must be a finite number');
  if (raw < spec.min) throw invalid(file, where, `${raw} is below the minimum ${spec.min} ${spec.unit}`);
  if (raw > spec.max) throw invalid(file, where, `${raw} is above the maximum ${spec.max} ${spec.unit}`);
  if ((spec.unit === 'enum' || spec.unit === 'bool') && !Number.isInteger(raw)) {
    throw invalid(file, where, `${raw} must be a whole number (a choice index)`);
  }
  return raw;
}

interface Owner {
  readonly prefix: string;
  readonly where: (string | number)[];
  readonly params: MixParamValues | undefined;
  readonly automation: MixAutomation | undefined;
}

/**
 * Reads a mix document, checks every name and value against the console it describes, loads
 * its stems (converted to the mix's rate) and returns it ready for the engine or a render.
 * Every problem is one LatheError naming the file and, for documents, the JSON path.
 */
export async function resolveMix(
  file: string,
  readAudio: AudioFileReader,
  resample: ChannelResampler,
  options: { sampleRate?: number } = {},
): Promise<ResolvedMix> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LatheError('LATHE_MIX_UNREADABLE', `${file}: ${(error as Error).message}`, { cause: error });
  }
  return resolveMixDocument(
    parseMixDocument(text, file),
    file,
    path.dirname(path.resolve(file)),
    readAudio,
    resample,
    options,
  );
}

/**
 * `resolveMix` for a document already in memory (a session opened from the database): `label`
 * names it in errors, `folder` anchors relative stem paths.
 */
export async function resolveMixDocument(
  doc: MixDocument,
  label: string,
  folder: string,
  readAudio: AudioFileReader,
  resample: ChannelResampler,
  options: { sampleRate?: number } = {},
): Promise<ResolvedMix> {
  const file = label;

  // Stems first: a strip's kind defaults to its stem's channel count.
  const loaded = await Promise.all(
    doc.strips.map(async (strip, s) => {
      if (strip.stem === undefined) return null;
      const stemPath = path.resolve(folder, strip.stem);
      try {
        const audio = await readAudio(stemPath);
        return { path: stemPath, ...audio };
      } catch (error) {
        throw new LatheError(
          'LATHE_MIX_STEM_INVALID',
          `${file}: ${pointer('strips', s, 'stem')}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }),
  );
  const sampleRate =
    options.sampleRate ?? doc.sampleRate ?? loaded.find((stem) => stem !== null)?.sampleRate ?? 48000;

  const strips = doc.strips.map((strip, s) => {
    const stem = loaded[s] ?? null;
    const channels = stem?.channels.length ?? 1;
    if (channels > 2) {
      throw new LatheError(
        'LATHE_MIX_STEM_INVALID',
        `${file}: ${pointer('strips', s, 'stem')}: ${stem?.path ?? ''} has ${channels} channels; strips take mono or stereo`,
      );
    }
    const kind: StripKind = strip.kind ?? (channels === 2 ? 'stereo' : 'mono');
    return { label: strip.label ?? `Ch ${s + 1}`, kind };
  });
  const layout: ConsoleLayout = {
    strips,
    auxes: (
      doc.auxes ?? [
        { label: 'Reverb', effect: 'reverb' },
        { label: 'Delay', effect: 'delay' },
      ]
    ).map((aux) => ({ label: aux.label ?? aux.effect, effect: aux.effect })),
  };
  const consoleParams = buildConsoleParams(layout);
  const specById = new Map(consoleParams.specs.map((spec) => [spec.id, spec]));

  const owners: Owner[] = [
    ...doc.strips.map((strip, s) => ({
      prefix: stripName(s),
      where: ['strips', s],
      params: strip.params,
      automation: strip.automation,
    })),
    ...(doc.auxes ?? []).map((aux, a) => ({
      prefix: auxName(a),
      where: ['auxes', a],
      params: aux.params,
      automation: aux.automation,
    })),
    { prefix: 'master', where: ['master'], params: doc.master?.params, automation: doc.master?.automation },
  ];
  const values = new Map<string, number>();
  const lanes: ResolvedLane[] = [];
  const specFor = (owner: Owner, key: string, section: string): ParamSpec => {
    const spec = specById.get(`${owner.prefix}/${key}`);
    if (spec === undefined)
      throw invalid(file, pointer(...owner.where, section, key), 'is not a parameter of this console');
    return spec;
  };
  for (const owner of owners) {
    for (const [key, raw] of Object.entries(owner.params ?? {})) {
      const spec = specFor(owner, key, 'params');
      values.set(spec.id, plainValue(spec, raw, file, pointer(...owner.where, 'params', key)));
    }
    for (const [key, lane] of Object.entries(owner.automation ?? {})) {
      const spec = specFor(owner, key, 'automation');
      const points = lane.points.map(([seconds, raw], k) => ({
        frame: Math.round(seconds * sampleRate),
        value: plainValue(spec, raw, file, pointer(...owner.where, 'automation', key, 'points', k, 1)),
      }));
      lanes.push({ id: spec.id, mode: lane.mode ?? 'read', points });
    }
  }
  if (doc.master?.chain !== undefined) {
    const label = chainOrderLabel(doc.master.chain);
    const spec = specById.get('master/chain-order')!;
    const index = spec.choices?.indexOf(label) ?? -1;
    if (index < 0) {
      throw invalid(file, pointer('master', 'chain'), 'must name eq, multiband, width and limiter once each');
    }
    values.set(spec.id, index);
  }

  const stems = loaded.map((stem, s) => {
    if (stem === null) return null;
    const wanted = stripChannels(strips[s]!.kind);
    const channels =
      wanted === 2 && stem.channels.length === 1
        ? [stem.channels[0]!, stem.channels[0]!]
        : stem.channels.slice(0, wanted);
    return stem.sampleRate === sampleRate ? channels : resample(channels, stem.sampleRate, sampleRate);
  });
  const longest = stems.reduce((max, stem) => Math.max(max, stem?.[0]?.length ?? 0), 0);
  const lengthFrames =
    doc.transport?.length !== undefined ? Math.round(doc.transport.length * sampleRate) : longest;
  const loopDoc = doc.transport?.loop;
  if (loopDoc !== undefined && !(loopDoc.end > loopDoc.start)) {
    throw invalid(file, pointer('transport', 'loop', 'end'), 'must be after the loop start');
  }
  return {
    file,
    name: doc.name ?? path.basename(file, '.json'),
    sampleRate,
    layout,
    values,
    lanes,
    stems,
    stemFiles: loaded.map((stem) => stem?.path ?? null),
    lengthFrames,
    loop:
      loopDoc === undefined
        ? null
        : { start: Math.round(loopDoc.start * sampleRate), end: Math.round(loopDoc.end * sampleRate) },
  };
}
