import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from 'typebox';
import type { ParamStore } from '../../engine/index.ts';
import {
  LearnedBindingSchema,
  learnedBindingProblem,
  learnedBindingsClash,
} from '../learn/learned-binding.ts';
import { describeSource } from '../learn/midi-source.ts';
import { MCU_BUTTON } from '../midi/mcu/mcu-buttons.ts';
import { jsonPointer, SurfaceDataError, surfaceDataChecker } from '../profiles/surface-data.ts';
import type { ControlBinding, RingStyle, SurfaceMapping } from './surface-mapping.ts';

/**
 * User mappings for strip surfaces (Mackie Control, HUI) as data with pages, so an engineer can
 * put the limiter ceiling on a V-Pot without code (reference §4: mapping as data, CSI zones,
 * ReaLearn's controller/main split). A page is either banked (one strip template, `{nn}` = the
 * console strip's two-digit number, moved by the bank and channel buttons) or fixed (controls
 * on given surface strips, e.g. the master chain). Parameter ids are the console's own
 * (`strip/01/fader`, `master/limiter/ceiling`). docs: control-surface/mappings/*.json.
 */
export const MAPPING_FORMAT = 'lathe-surface-mapping';
export const MAPPING_VERSION = 1;

/** Per-strip buttons, in Mackie note order (note = slot * 8 + strip). */
export const STRIP_BUTTON_SLOTS = ['recArm', 'solo', 'mute', 'select', 'vSelect'] as const;
export type StripButtonSlot = (typeof STRIP_BUTTON_SLOTS)[number];

const ParamId = Type.String({ pattern: '^[a-z0-9{}/_.-]+$', minLength: 1, maxLength: 200 });

const VpotSchema = Type.Object(
  {
    param: ParamId,
    /** Normalized position change per detent (the parameter's own taper applies). */
    step: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    ring: Type.Optional(
      Type.Union([
        Type.Literal('dot'),
        Type.Literal('boostCut'),
        Type.Literal('wrap'),
        Type.Literal('spread'),
      ]),
    ),
  },
  { additionalProperties: false },
);

const ButtonsSchema = Type.Object(
  {
    recArm: Type.Optional(ParamId),
    solo: Type.Optional(ParamId),
    mute: Type.Optional(ParamId),
    select: Type.Optional(ParamId),
    vSelect: Type.Optional(ParamId),
  },
  { additionalProperties: false },
);

const StripControlsSchema = {
  /** Display text (7 characters at most are shown); default: the parameter's label. */
  label: Type.Optional(Type.String({ maxLength: 40 })),
  fader: Type.Optional(ParamId),
  vpot: Type.Optional(VpotSchema),
  /** Buttons toggle 0/1 parameters; their LEDs show the same parameter. */
  buttons: Type.Optional(ButtonsSchema),
};

const StripTemplateSchema = Type.Object(StripControlsSchema, { additionalProperties: false });

const FixedStripSchema = Type.Object(
  {
    /** Surface strip, 0-based, across all units in the user's order. */
    strip: Type.Integer({ minimum: 0, maximum: 255 }),
    ...StripControlsSchema,
  },
  { additionalProperties: false },
);

const PageSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 40 }),
    name: Type.String({ minLength: 1, maxLength: 40 }),
    /** Mackie button (mcu-buttons.ts MCU_BUTTON name) that switches to this page. */
    selectButton: Type.Optional(Type.String({ maxLength: 40 })),
    /** Banked: one template for every strip. */
    strips: Type.Optional(StripTemplateSchema),
    /** Fixed: controls on given strips. */
    fixed: Type.Optional(Type.Array(FixedStripSchema, { maxItems: 256 })),
  },
  { additionalProperties: false },
);

export const MappingDocumentSchema = Type.Object(
  {
    format: Type.Literal(MAPPING_FORMAT),
    version: Type.Literal(MAPPING_VERSION),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** The master fader on every page. */
    masterFader: Type.Optional(ParamId),
    pages: Type.Array(PageSchema, { minItems: 1, maxItems: 32 }),
    /** Controls of generic controllers bound by MIDI learn (control-surface/learn/), on every page. */
    learned: Type.Optional(Type.Array(LearnedBindingSchema, { maxItems: 1024 })),
  },
  { additionalProperties: false },
);

export type MappingDocument = Static<typeof MappingDocumentSchema>;
export type MappingPage = MappingDocument['pages'][number];
type StripControls = Static<typeof StripTemplateSchema>;

const checkMapping = surfaceDataChecker(MappingDocumentSchema, 'mapping');
const PLACEHOLDER = '{nn}';

/** Every parameter id a strip's controls name, with its JSON path under the strip. */
function stripParams(controls: StripControls): [string, (string | number)[]][] {
  const out: [string, (string | number)[]][] = [];
  if (controls.fader !== undefined) out.push([controls.fader, ['fader']]);
  if (controls.vpot !== undefined) out.push([controls.vpot.param, ['vpot', 'param']]);
  for (const slot of STRIP_BUTTON_SLOTS) {
    const id = controls.buttons?.[slot];
    if (id !== undefined) out.push([id, ['buttons', slot]]);
  }
  return out;
}

/** Parses and checks a mapping document; errors are `SurfaceDataError` with the JSON path. */
export function parseMappingDocument(text: string, file: string): MappingDocument {
  const doc = checkMapping(text, file) as MappingDocument;
  const fail = (where: (string | number)[], what: string): never => {
    throw new SurfaceDataError('mapping', file, jsonPointer(...where), what);
  };
  const pageIds = new Set<string>();
  doc.pages.forEach((page, p) => {
    if (pageIds.has(page.id)) fail(['pages', p, 'id'], 'is used twice');
    pageIds.add(page.id);
    if ((page.strips === undefined) === (page.fixed === undefined))
      fail(['pages', p], 'must have exactly one of "strips" (banked) or "fixed"');
    if (page.selectButton !== undefined && !(page.selectButton in MCU_BUTTON))
      fail(['pages', p, 'selectButton'], 'is not a Mackie button name');
    if (page.strips !== undefined) {
      for (const [id, where] of stripParams(page.strips))
        if (!id.includes(PLACEHOLDER))
          fail(['pages', p, 'strips', ...where], `must contain ${PLACEHOLDER} (the strip number)`);
    }
    const strips = new Set<number>();
    page.fixed?.forEach((entry, f) => {
      if (strips.has(entry.strip)) fail(['pages', p, 'fixed', f, 'strip'], 'is used twice');
      strips.add(entry.strip);
      for (const [id, where] of stripParams(entry))
        if (id.includes('{')) fail(['pages', p, 'fixed', f, ...where], 'has a placeholder on a fixed page');
    });
  });
  if (doc.masterFader?.includes('{')) fail(['masterFader'], 'has a placeholder');
  doc.learned?.forEach((binding, i) => {
    const problem = learnedBindingProblem(binding);
    if (problem !== null) fail(['learned', i, ...problem.path], problem.what);
    // One control drives one parameter: a second binding on the same wire address would fight.
    const clash = doc.learned?.findIndex((other, j) => j < i && learnedBindingsClash(other, binding));
    if (clash !== undefined && clash >= 0)
      fail(['learned', i, 'source'], `overlaps learned/${clash} (${describeSource(binding.source)})`);
  });
  return doc;
}

export async function loadMappingDocument(file: string): Promise<MappingDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SurfaceDataError('mapping', file, '', `cannot be read (${(error as Error).message})`);
  }
  return parseMappingDocument(text, file);
}

/** The folder of the shipped mappings. */
export const BUILTIN_MAPPING_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'mappings');

export async function loadMappingDocuments(dir: string = BUILTIN_MAPPING_DIR): Promise<MappingDocument[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map((f) => loadMappingDocument(path.join(dir, f))));
}

/**
 * Parameters a mapping names that this console does not have (typos, or a bigger console's
 * strips), as errors with paths; banked templates are checked with strip 01. Resolving skips
 * such controls anyway, so this is for `lathe` to warn about.
 */
export function unknownMappingParams(
  doc: MappingDocument,
  params: Pick<ParamStore, 'has'>,
  file: string,
): SurfaceDataError[] {
  const errors: SurfaceDataError[] = [];
  const check = (id: string, where: (string | number)[]): void => {
    if (!params.has(id.replaceAll(PLACEHOLDER, '01')))
      errors.push(
        new SurfaceDataError('mapping', file, jsonPointer(...where), `names no parameter ("${id}")`),
      );
  };
  if (doc.masterFader !== undefined) check(doc.masterFader, ['masterFader']);
  doc.pages.forEach((page, p) => {
    if (page.strips !== undefined)
      for (const [id, where] of stripParams(page.strips)) check(id, ['pages', p, 'strips', ...where]);
    page.fixed?.forEach((entry, f) => {
      for (const [id, where] of stripParams(entry)) check(id, ['pages', p, 'fixed', f, ...where]);
    });
  });
  doc.learned?.forEach((binding, i) => {
    check(binding.param, ['learned', i, 'param']);
  });
  return errors;
}

/** Button/LED index of a strip button in a resolved mapping. */
export function stripButtonIndex(strip: number, slot: StripButtonSlot): number {
  return strip * STRIP_BUTTON_SLOTS.length + STRIP_BUTTON_SLOTS.indexOf(slot);
}

export interface ResolveOptions {
  /** Surface strips over all units. */
  readonly strips: number;
  /** Console strip (0-based) of the first surface strip, on banked pages. */
  readonly offset: number;
  /** Faders and V-Pots swap parameters (reference §3.3). */
  readonly flip: boolean;
  /** Detent size for a fader parameter on a flipped V-Pot. */
  readonly flipStep?: number;
  readonly params: Pick<ParamStore, 'has'>;
}

export interface ResolvedPage {
  readonly page: MappingPage;
  /**
   * Indices: fader s and encoder s = surface strip s; button and LED `stripButtonIndex(s, slot)`;
   * the master fader is fader `strips` (after every strip).
   */
  readonly mapping: SurfaceMapping;
  /** Per surface strip: the label from the mapping, or null (the driver derives one). */
  readonly labels: readonly (string | null)[];
  /** Per surface strip: the console strip shown (banked pages), or null. */
  readonly consoleStrips: readonly (number | null)[];
}

const stripNumber = (strip: number): string => String(strip + 1).padStart(2, '0');

/**
 * One page as concrete bindings for the current bank, flip and surface size. Controls whose
 * parameter the console lacks are left unbound (a bank past the last strip shows blank strips).
 */
export function resolvePage(
  page: MappingPage,
  masterFader: string | undefined,
  options: ResolveOptions,
): ResolvedPage {
  const bindings: ControlBinding[] = [];
  const labels: (string | null)[] = new Array<string | null>(options.strips).fill(null);
  const consoleStrips: (number | null)[] = new Array<number | null>(options.strips).fill(null);
  const add = (binding: ControlBinding): boolean => {
    if (!options.params.has(binding.param)) return false;
    bindings.push(binding);
    return true;
  };
  const place = (strip: number, controls: StripControls, expand: (id: string) => string): boolean => {
    const fader = controls.fader === undefined ? undefined : expand(controls.fader);
    const vpot = controls.vpot;
    const vpotParam = vpot === undefined ? undefined : expand(vpot.param);
    const flip = options.flip && fader !== undefined && vpotParam !== undefined;
    let bound = false;
    if (flip) {
      bound = add({ control: 'fader', index: strip, param: vpotParam, mode: { kind: 'absolute' } }) || bound;
      bound =
        add({
          control: 'encoder',
          index: strip,
          param: fader,
          mode: { kind: 'relative', step: options.flipStep ?? 0.01 },
          ring: 'wrap',
        }) || bound;
    } else {
      if (fader !== undefined)
        bound = add({ control: 'fader', index: strip, param: fader, mode: { kind: 'absolute' } }) || bound;
      if (vpot !== undefined && vpotParam !== undefined) {
        const ring: RingStyle = vpot.ring ?? 'dot';
        bound =
          add({
            control: 'encoder',
            index: strip,
            param: vpotParam,
            mode: { kind: 'relative', step: vpot.step },
            ring,
          }) || bound;
      }
    }
    for (const slot of STRIP_BUTTON_SLOTS) {
      const id = controls.buttons?.[slot];
      if (id === undefined) continue;
      const param = expand(id);
      const index = stripButtonIndex(strip, slot);
      bound = add({ control: 'button', index, param, mode: { kind: 'toggle' } }) || bound;
      add({ control: 'led', index, param, mode: { kind: 'indicator' } });
    }
    if (bound && controls.label !== undefined) labels[strip] = controls.label;
    return bound;
  };
  if (page.strips !== undefined) {
    const template = page.strips;
    for (let strip = 0; strip < options.strips; strip++) {
      const consoleStrip = options.offset + strip;
      const nn = stripNumber(consoleStrip);
      if (place(strip, template, (id) => id.replaceAll(PLACEHOLDER, nn))) consoleStrips[strip] = consoleStrip;
    }
  }
  for (const entry of page.fixed ?? []) {
    if (entry.strip < options.strips) place(entry.strip, entry, (id) => id);
  }
  if (masterFader !== undefined)
    add({ control: 'fader', index: options.strips, param: masterFader, mode: { kind: 'absolute' } });
  return {
    page,
    mapping: { name: page.id, bindings, displayWidth: 7 },
    labels,
    consoleStrips,
  };
}
