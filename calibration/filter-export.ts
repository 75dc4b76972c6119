import { LatheError } from '../engine/index.ts';
import type { ParametricFilter } from './parametric-filter.ts';

/**
 * Writes a correction (parametric filters plus the preamp that keeps their boosts from clipping)
 * in the text formats other room-EQ tools read:
 *
 * - `rew`: Room EQ Wizard's "Generic" equaliser filter text (File > Export > filter settings as
 *   text). Layout copied from REW exports, e.g. `Filter  3: ON  PK       Fc    50.4 Hz  Gain  -6.0
 *   dB  Q  2.58` under a `Filter Settings file` / `Equaliser: Generic` header (REW 5.18 export
 *   quoted in the reference, §4.1; AVDSP's REWgenericEQ reader, github.com/fabriceo/AVDSP,
 *   insists on both header lines and reads the fixed columns). REW's Generic text has no preamp
 *   command, so the preamp rides in the `Notes:` line, where filter readers ignore it and
 *   `parseFilterText` finds it.
 * - `eqapo`: Equalizer APO's config.txt: `Preamp: -3.20 dB` then `Filter n: ON PK Fc … Hz Gain … dB
 *   Q …`. Shelves are `LSC`/`HSC` with `Q` (Equalizer APO >= 1.2.1, "Configuration reference"
 *   wiki, Filter table: `ON LSC Fc 300 Hz Gain 5.0 dB Q 0.6473`): the C types take Fc as the
 *   shelf's centre (mid-gain) frequency, the RBJ cookbook's f0 as ParametricFilter uses it, while
 *   plain `LS`/`HS` take a corner frequency and would move the shelf (filters/
 *   BiQuadFilterFactory.cpp: `isCornerFreq` unless the type ends in C). REW's Generic text uses
 *   the same `LSC … Q` form, so the `rew` output uses it too.
 * - `camilladsp`: the `filters:` and `pipeline:` sections of a CamillaDSP (v3) config, as REW's
 *   CamillaDSP export writes them (README "Using filters from REW": filter definitions and
 *   pipeline steps to paste into a config): a `Gain` filter for the preamp (dB scale) and one
 *   `Biquad` per filter with `parameters: {type: Peaking|Lowshelf|Highshelf, freq, gain, q}` (the
 *   README's Biquad section: shelves take `q` instead of `slope`, q = 0.7071 being slope 12 dB),
 *   applied in one `Filter` step to the given channels (0-based).
 *
 * Precision: the text formats round Fc to 0.01 Hz, gain and preamp to 0.01 dB and Q to 0.001,
 * so a filter read back differs by at most half a unit in the last place (0.005 Hz, 0.005 dB,
 * 0.0005). Fc always has two decimals on purpose: Equalizer APO reads a frequency with exactly
 * three digits after the point ("1.000") as a thousands separator and multiplies it by 1000
 * (BiQuadFilterFactory::getFreq). The YAML writes each number in JavaScript's shortest
 * round-trip form, so it reads back exactly.
 */

/** A correction as the exports write it: filters in order, and the gain applied before them. */
export interface FilterSet {
  readonly filters: readonly ParametricFilter[];
  readonly preampDb: number;
}

export const FILTER_EXPORT_FORMATS = ['rew', 'eqapo', 'camilladsp'] as const;
export type FilterExportFormat = (typeof FILTER_EXPORT_FORMATS)[number];

/** Decimals the text formats keep (see the precision note above). */
export const TEXT_EXPORT_DECIMALS = { hz: 2, gainDb: 2, q: 3, preampDb: 2 } as const;

export interface FilterExportOptions {
  /** One line naming the correction (REW header, Equalizer APO comment, CamillaDSP description). */
  readonly title?: string;
  /** CamillaDSP only: the channels (0-based) the pipeline step filters. Default [0, 1]. */
  readonly channels?: readonly number[];
  /** CamillaDSP only: filter names are PREFIX_preamp, PREFIX_eq_1, … Default "lathe". */
  readonly namePrefix?: string;
}

const DEFAULT_TITLE = 'Lathe room correction';
const DEFAULT_CHANNELS: readonly number[] = [0, 1];
const DEFAULT_NAME_PREFIX = 'lathe';

/** Equalizer APO / REW type codes; CamillaDSP Biquad types. */
const TEXT_TYPE: Readonly<Record<ParametricFilter['type'], string>> = {
  peaking: 'PK',
  lowshelf: 'LSC',
  highshelf: 'HSC',
};
const CAMILLA_TYPE: Readonly<Record<ParametricFilter['type'], string>> = {
  peaking: 'Peaking',
  lowshelf: 'Lowshelf',
  highshelf: 'Highshelf',
};

function invalid(what: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `filter export: ${what}`);
}

function checkSet(set: FilterSet): void {
  if (!Number.isFinite(set.preampDb)) throw invalid(`preamp ${set.preampDb} dB is not a finite number`);
  set.filters.forEach((filter, index) => {
    const where = `filter ${index + 1}`;
    if (!(filter.type in TEXT_TYPE)) throw invalid(`${where}: unknown type ${JSON.stringify(filter.type)}`);
    if (!Number.isFinite(filter.hz) || filter.hz <= 0) throw invalid(`${where}: frequency ${filter.hz} Hz`);
    if (!Number.isFinite(filter.q) || filter.q <= 0) throw invalid(`${where}: Q ${filter.q} must be above 0`);
    if (!Number.isFinite(filter.gainDb)) throw invalid(`${where}: gain ${filter.gainDb} dB`);
  });
}

function checkTitle(title: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(title)) throw invalid('the title must be one line of text');
  return title;
}

/** Fixed decimals without a "-0.00" (a tiny negative that rounds to zero prints as zero). */
function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return Number(text) === 0 ? (0).toFixed(decimals) : text;
}

/** Shortest round-trip form; -0 as 0. */
function exact(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

/** REW Generic filter text (see the file comment). */
export function exportRewText(set: FilterSet, options: FilterExportOptions = {}): string {
  checkSet(set);
  const title = checkTitle(options.title ?? DEFAULT_TITLE);
  const { hz, gainDb, q, preampDb } = TEXT_EXPORT_DECIMALS;
  const lines = [
    'Filter Settings file',
    '',
    title,
    '',
    `Notes: Preamp ${fixed(set.preampDb, preampDb)} dB (apply before the filters)`,
    '',
    'Equaliser: Generic',
    // REW's column layout: "ON" at column 11, the type padded to column 24.
    ...set.filters.map(
      (filter, index) =>
        `Filter ${String(index + 1).padStart(2)}: ON  ${TEXT_TYPE[filter.type].padEnd(9)}` +
        `Fc ${fixed(filter.hz, hz).padStart(8)} Hz  Gain ${fixed(filter.gainDb, gainDb).padStart(6)} dB  ` +
        `Q ${fixed(filter.q, q).padStart(7)}`,
    ),
  ];
  return lines.join('\n') + '\n';
}

/** Equalizer APO config text (see the file comment). */
export function exportEqApoText(set: FilterSet, options: FilterExportOptions = {}): string {
  checkSet(set);
  const title = checkTitle(options.title ?? DEFAULT_TITLE);
  const { hz, gainDb, q, preampDb } = TEXT_EXPORT_DECIMALS;
  const lines = [
    `# ${title}`,
    `Preamp: ${fixed(set.preampDb, preampDb)} dB`,
    ...set.filters.map(
      (filter, index) =>
        `Filter ${index + 1}: ON ${TEXT_TYPE[filter.type]} Fc ${fixed(filter.hz, hz)} Hz ` +
        `Gain ${fixed(filter.gainDb, gainDb)} dB Q ${fixed(filter.q, q)}`,
    ),
  ];
  return lines.join('\n') + '\n';
}

/** CamillaDSP `filters` + `pipeline` YAML (see the file comment). */
export function exportCamillaDspYaml(set: FilterSet, options: FilterExportOptions = {}): string {
  checkSet(set);
  const title = checkTitle(options.title ?? DEFAULT_TITLE);
  const channels = options.channels ?? DEFAULT_CHANNELS;
  if (
    channels.length === 0 ||
    channels.some((channel) => !Number.isInteger(channel) || channel < 0) ||
    new Set(channels).size !== channels.length
  ) {
    throw invalid(`channels [${channels.join(', ')}] must be distinct whole numbers from 0`);
  }
  const prefix = options.namePrefix ?? DEFAULT_NAME_PREFIX;
  // Plain YAML scalars that need no quoting, and no CamillaDSP $token$ substitution.
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(prefix)) {
    throw invalid(`name prefix "${prefix}" must be a letter followed by letters, digits or _`);
  }
  const preampName = `${prefix}_preamp`;
  const filterNames = set.filters.map((_, index) => `${prefix}_eq_${index + 1}`);
  const lines = [
    `# ${title}: filters and pipeline step for a CamillaDSP config`,
    'filters:',
    `  ${preampName}:`,
    '    type: Gain',
    '    parameters:',
    `      gain: ${exact(set.preampDb)}`,
    '      scale: dB',
    ...set.filters.flatMap((filter, index) => [
      `  ${filterNames[index]!}:`,
      '    type: Biquad',
      '    parameters:',
      `      type: ${CAMILLA_TYPE[filter.type]}`,
      `      freq: ${exact(filter.hz)}`,
      `      gain: ${exact(filter.gainDb)}`,
      `      q: ${exact(filter.q)}`,
    ]),
    'pipeline:',
    '  - type: Filter',
    // A JSON string is a valid YAML double-quoted scalar.
    `    description: ${JSON.stringify(title)}`,
    `    channels: [${channels.join(', ')}]`,
    '    names:',
    ...[preampName, ...filterNames].map((name) => `      - ${name}`),
  ];
  return lines.join('\n') + '\n';
}

/** The export for `lathe room correct --format FORMAT`. */
export function exportFilters(
  format: FilterExportFormat,
  set: FilterSet,
  options: FilterExportOptions = {},
): string {
  switch (format) {
    case 'rew':
      return exportRewText(set, options);
    case 'eqapo':
      return exportEqApoText(set, options);
    case 'camilladsp':
      return exportCamillaDspYaml(set, options);
  }
}
