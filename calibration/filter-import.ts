import { parse as parseYaml } from 'yaml';
import { LatheError } from '../engine/index.ts';
import type { FilterExportFormat, FilterSet } from './filter-export.ts';
import type { ParametricFilter } from './parametric-filter.ts';

/**
 * Reads the correction formats `filter-export.ts` writes (and what REW, AutoEq and people write
 * by hand in them) back into filters and a preamp. Every problem is one LatheError with code
 * LATHE_CALIBRATION_PROFILE_INVALID (the file is a correction profile in another tool's format
 * and does not match it), naming the source and the line (text) or the path (YAML).
 *
 * Text (REW Generic and Equalizer APO share the grammar; Equalizer APO's own parser,
 * filters/BiQuadFilterFactory.cpp, is the model):
 * - a line is `Command: parameters`; lines without a colon (REW's header) and `#` comments are
 *   skipped; commas in parameters are decimal points; a `Filter…` command reads `ON TYPE Fc F Hz
 *   Gain G dB Q Q`, `OFF …` and `ON None` are unused slots; `Preamp: X dB` lines add up;
 * - types: PK, PEQ and Modal (peaking), LSC and HSC (shelves at their centre frequency, with Q).
 *   Anything Lathe cannot represent exactly is refused, not approximated: LS/HS (corner
 *   frequency), shelves given by slope, bandwidth in octaves, pass/notch/all-pass filters, and
 *   commands that add processing (GraphicEQ, Convolution, Delay, Copy, Include, If, …) or select
 *   more than one channel;
 * - a frequency written with exactly three decimals and no exponent ("1.000") is read as
 *   thousands, as Equalizer APO does for REW's thousands separator, so both read a file alike;
 * - REW Generic text has no preamp command: Lathe's REW export writes it as `Notes: Preamp X dB`,
 *   read when there is no `Preamp:` line.
 *
 * YAML (CamillaDSP): the `filters` named by the `pipeline`'s Filter steps, in order (or every
 * filter in definition order without a pipeline); `Gain` filters in dB (or linear, positive)
 * add to the preamp; `Biquad` filters of type Peaking, Lowshelf or Highshelf with `q`. Other
 * keys of a full config (devices, mixers, title) are ignored, but Mixer and Processor steps,
 * other filter types, and Filter steps on different channels are refused.
 */

const SOURCE_TEXT = 'filter text';
const SOURCE_YAML = 'CamillaDSP YAML';

function invalid(source: string, where: string, what: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_PROFILE_INVALID', `${source}: ${where}${what}`);
}

/** A number as the text formats write it; anything else is an error. */
function numberOf(text: string): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Equalizer APO's frequency rule: "1.000" (three decimals, no exponent) means 1000. */
function frequencyOf(text: string): number | null {
  const value = numberOf(text);
  if (value === null) return null;
  const thousands = text.length >= 5 && !/[eE]/.test(text) && text[text.length - 4] === '.';
  return thousands ? value * 1000 : value;
}

const TEXT_TYPES: Readonly<Record<string, ParametricFilter['type']>> = {
  PK: 'peaking',
  PEQ: 'peaking',
  Modal: 'peaking',
  LSC: 'lowshelf',
  HSC: 'highshelf',
};

/** Commands that would add processing Lathe's filter set cannot carry. */
const REFUSED_COMMANDS = new Set([
  'GraphicEQ',
  'Convolution',
  'Delay',
  'Copy',
  'Include',
  'Eval',
  'If',
  'ElseIf',
  'Else',
  'EndIf',
  'Stage',
  'Device',
  'VSTPlugin',
  'LoudnessCorrection',
]);

const NUMBER = '([-+0-9.eE]+)';
const FC = new RegExp(`\\sFc\\s*${NUMBER}\\s*H\\s*z`);
const GAIN = new RegExp(`\\sGain\\s*${NUMBER}\\s*dB`);
const Q = new RegExp(`\\sQ\\s*${NUMBER}`);
const PREAMP = new RegExp(`^\\s*${NUMBER}\\s*dB\\s*$`);
const NOTES_PREAMP = new RegExp(`^\\s*Preamp\\s+${NUMBER}\\s*dB`);

function parseFilterLine(parameters: string, source: string, where: string): ParametricFilter | null {
  if (/^\s*OFF\b/.test(parameters) || /^\s*ON\s+None\b/.test(parameters)) return null;
  const typeMatch = /^\s*ON\s+([A-Za-z]+)/.exec(parameters);
  if (typeMatch === null) throw invalid(source, where, 'a filter must read "ON TYPE Fc … Hz Gain … dB Q …"');
  const code = typeMatch[1]!;
  const type = TEXT_TYPES[code];
  if (type === undefined) {
    throw invalid(
      source,
      where,
      `filter type ${code} is not supported (Lathe reads PK, PEQ, Modal, and LSC/HSC with Q)`,
    );
  }
  const rest = parameters.slice(typeMatch[0].length);
  if (/^\s*[-+0-9.]+\s*dB/.test(rest)) {
    throw invalid(source, where, `a ${code} shelf given by its slope is not supported: give its Q`);
  }
  if (/\sBW\s/.test(rest)) throw invalid(source, where, 'bandwidth in octaves is not supported: give Q');
  const fcText = FC.exec(rest)?.[1];
  const gainText = GAIN.exec(rest)?.[1];
  const qText = Q.exec(rest)?.[1];
  if (fcText === undefined) throw invalid(source, where, 'no frequency ("Fc … Hz")');
  if (gainText === undefined) throw invalid(source, where, 'no gain ("Gain … dB")');
  if (qText === undefined) throw invalid(source, where, 'no Q ("Q …")');
  const hz = frequencyOf(fcText);
  const gainDb = numberOf(gainText);
  const q = numberOf(qText);
  if (hz === null || hz <= 0) throw invalid(source, where, `frequency "${fcText}" must be a number above 0`);
  if (gainDb === null) throw invalid(source, where, `gain "${gainText}" must be a number`);
  if (q === null || q <= 0) throw invalid(source, where, `Q "${qText}" must be a number above 0`);
  return { type, hz, q, gainDb };
}

/** Parses REW Generic or Equalizer APO filter text (see the file comment). */
export function parseFilterText(text: string, source = SOURCE_TEXT): FilterSet {
  const filters: ParametricFilter[] = [];
  let preampDb: number | null = null;
  let notesPreampDb: number | null = null;
  let recognised = false;
  let channelLines = 0;
  for (const [index, rawLine] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const where = `line ${index + 1}: `;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const command = line.slice(0, colon).trim();
    const parameters = line.slice(colon + 1).replaceAll(',', '.');
    if (command === 'Equaliser') {
      recognised = true;
    } else if (command === 'Notes') {
      const notes = NOTES_PREAMP.exec(parameters)?.[1];
      if (notes !== undefined) notesPreampDb = numberOf(notes);
    } else if (command === 'Preamp') {
      const value = PREAMP.exec(parameters)?.[1];
      const db = value === undefined ? null : numberOf(value);
      if (db === null) throw invalid(source, where, 'a preamp must read "Preamp: X dB"');
      preampDb = (preampDb ?? 0) + db;
      recognised = true;
    } else if (command.startsWith('Filter')) {
      const filter = parseFilterLine(parameters, source, where);
      if (filter !== null) filters.push(filter);
      recognised = true;
    } else if (command === 'Channel') {
      // One channel's filters are one set; a second selection would merge two channels' filters.
      channelLines += 1;
      if (channelLines > 1) {
        throw invalid(source, where, 'filters for more than one channel: import one channel at a time');
      }
    } else if (REFUSED_COMMANDS.has(command)) {
      throw invalid(
        source,
        where,
        `${command} is not supported: Lathe reads parametric filters and a preamp`,
      );
    }
  }
  if (!recognised) throw invalid(source, '', 'no filters, preamp or REW "Equaliser:" line found');
  return { filters, preampDb: preampDb ?? notesPreampDb ?? 0 };
}

/** JSON pointer (RFC 6901) for YAML paths in messages. */
const pointer = (...parts: (string | number)[]): string =>
  parts.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('') + ': ';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CAMILLA_TYPES: Readonly<Record<string, ParametricFilter['type']>> = {
  Peaking: 'peaking',
  Lowshelf: 'lowshelf',
  Highshelf: 'highshelf',
};

/** Parses CamillaDSP `filters` + `pipeline` YAML (see the file comment). */
export function parseCamillaDspYaml(text: string, source = SOURCE_YAML): FilterSet {
  let data: unknown;
  try {
    data = parseYaml(text) as unknown;
  } catch (error) {
    throw invalid(source, '', `not valid YAML (${(error as Error).message})`);
  }
  if (!isRecord(data)) throw invalid(source, '', 'must be a mapping with "filters" and "pipeline"');
  const definitions = data['filters'];
  if (!isRecord(definitions)) throw invalid(source, pointer('filters'), 'must be a mapping of named filters');

  const names: string[] = [];
  const pipeline = data['pipeline'];
  if (pipeline === undefined || pipeline === null) {
    names.push(...Object.keys(definitions));
  } else {
    if (!Array.isArray(pipeline)) throw invalid(source, pointer('pipeline'), 'must be a list of steps');
    let channels: string | null = null;
    pipeline.forEach((step: unknown, s) => {
      if (!isRecord(step)) throw invalid(source, pointer('pipeline', s), 'must be a mapping');
      if (step['bypassed'] === true) return;
      if (step['type'] !== 'Filter') {
        throw invalid(
          source,
          pointer('pipeline', s, 'type'),
          `${JSON.stringify(step['type'])} steps are not supported: Lathe reads Filter steps`,
        );
      }
      const stepChannels = JSON.stringify(step['channels'] ?? null);
      if (channels !== null && stepChannels !== channels) {
        throw invalid(
          source,
          pointer('pipeline', s, 'channels'),
          'filter steps on different channels: import one channel set at a time',
        );
      }
      channels = stepChannels;
      const stepNames = step['names'];
      if (!Array.isArray(stepNames) || stepNames.some((name) => typeof name !== 'string')) {
        throw invalid(source, pointer('pipeline', s, 'names'), 'must be a list of filter names');
      }
      names.push(...(stepNames as string[]));
    });
  }

  const filters: ParametricFilter[] = [];
  let preampDb = 0;
  for (const name of names) {
    const definition = definitions[name];
    if (!isRecord(definition)) throw invalid(source, pointer('filters', name), 'is not defined');
    const parameters = definition['parameters'];
    if (!isRecord(parameters))
      throw invalid(source, pointer('filters', name, 'parameters'), 'must be a mapping');
    const numberAt = (key: string, above?: number): number => {
      const value = parameters[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || (above !== undefined && value <= above)) {
        throw invalid(
          source,
          pointer('filters', name, 'parameters', key),
          above === undefined ? 'must be a number' : `must be a number above ${above}`,
        );
      }
      return value;
    };
    if (definition['type'] === 'Gain') {
      if (parameters['inverted'] === true || parameters['mute'] === true) {
        throw invalid(
          source,
          pointer('filters', name, 'parameters'),
          'an inverted or muted Gain is not supported',
        );
      }
      const scale = parameters['scale'] ?? 'dB';
      if (scale === 'dB') {
        preampDb += numberAt('gain');
      } else if (scale === 'linear') {
        preampDb += 20 * Math.log10(numberAt('gain', 0));
      } else {
        throw invalid(source, pointer('filters', name, 'parameters', 'scale'), 'must be "dB" or "linear"');
      }
    } else if (definition['type'] === 'Biquad') {
      const biquadType = parameters['type'];
      const type = typeof biquadType === 'string' ? CAMILLA_TYPES[biquadType] : undefined;
      if (type === undefined) {
        throw invalid(
          source,
          pointer('filters', name, 'parameters', 'type'),
          `${JSON.stringify(biquadType)} is not supported (Lathe reads Peaking, Lowshelf and Highshelf)`,
        );
      }
      for (const key of ['slope', 'bandwidth']) {
        if (parameters[key] !== undefined) {
          throw invalid(source, pointer('filters', name, 'parameters', key), 'is not supported: give q');
        }
      }
      filters.push({ type, hz: numberAt('freq', 0), q: numberAt('q', 0), gainDb: numberAt('gain') });
    } else {
      throw invalid(
        source,
        pointer('filters', name, 'type'),
        `${JSON.stringify(definition['type'])} filters are not supported (Lathe reads Gain and Biquad)`,
      );
    }
  }
  return { filters, preampDb };
}

/** Reads a correction in one of the export formats (the CLI's `--format`). */
export function importFilters(format: FilterExportFormat, text: string, source?: string): FilterSet {
  return format === 'camilladsp' ? parseCamillaDspYaml(text, source) : parseFilterText(text, source);
}
