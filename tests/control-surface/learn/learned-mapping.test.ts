import { describe, expect, it } from 'vitest';
import type { LearnedBinding } from '../../../control-surface/learn/learned-binding.ts';
import { withLearnedBinding, withoutLearnedBinding } from '../../../control-surface/learn/learned-mapping.ts';
import { serializeMappingDocument } from '../../../control-surface/learn/serialize-mapping-document.ts';
import {
  loadMappingDocuments,
  parseMappingDocument,
  unknownMappingParams,
  type MappingDocument,
} from '../../../control-surface/mapping/mapping-pages.ts';
import { SurfaceDataError } from '../../../control-surface/profiles/surface-data.ts';
import { consoleParams } from './learn-streams.ts';

const BINDINGS: LearnedBinding[] = [
  {
    param: 'strip/01/fader',
    source: { kind: 'cc', channel: 0, controller: 7 },
    mode: { kind: 'absolute', terms: 'plain', min: -20, max: 0, taper: 'param' },
    port: 'nanoKONTROL2 MIDI 1',
  },
  {
    param: 'strip/02/fader',
    source: { kind: 'cc14', channel: 0, controller: 1 },
    mode: { kind: 'absolute', terms: 'normalized', min: 0, max: 1, taper: 'param' },
  },
  {
    param: 'master/limiter/ceiling',
    source: { kind: 'relativeCc', channel: 0, controller: 16, encoding: 'offset64' },
    mode: { kind: 'relative', terms: 'plain', step: 0.1, acceleration: false, min: -6, max: -0.3 },
    label: 'Ceiling',
  },
  {
    param: 'strip/01/pan',
    source: { kind: 'nrpn', channel: 4, parameter: 0x285, resolution: 14 },
    mode: { kind: 'absolute', terms: 'plain', min: -1, max: 1, taper: 'linear' },
  },
  { param: 'strip/01/mute', source: { kind: 'note', channel: 9, note: 36 }, mode: { kind: 'toggle' } },
  {
    param: 'master/mute',
    source: { kind: 'pitchBend', channel: 2 },
    mode: { kind: 'absolute', terms: 'plain', min: 0, max: 1, taper: 'linear' },
  },
];

async function defaultMapping(): Promise<MappingDocument> {
  return (await loadMappingDocuments()).find((d) => d.name === 'default')!;
}

/** The same value with every object's keys in reverse insertion order. */
function scrambled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrambled);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, scrambled(v)]),
  );
}

function error(run: () => unknown): SurfaceDataError {
  try {
    run();
  } catch (e) {
    if (e instanceof SurfaceDataError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('learned bindings stored in the mapping', () => {
  it('the shipped mapping has an (empty) learned section', async () => {
    expect((await defaultMapping()).learned).toEqual([]);
  });

  it('stored -> serialized -> parsed back identical, and serialized again byte-identical', async () => {
    let doc = await defaultMapping();
    for (const binding of BINDINGS) doc = withLearnedBinding(doc, binding);
    const text = serializeMappingDocument(doc);
    const parsed = parseMappingDocument(text, 'learned.json');
    expect(parsed).toEqual(doc);
    expect(serializeMappingDocument(parsed)).toBe(text);
    // Key order is the schema's, whatever order the document was built in.
    expect(serializeMappingDocument(scrambled(doc) as MappingDocument)).toBe(text);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'format',
      'version',
      'name',
      'masterFader',
      'pages',
      'learned',
    ]);
    expect(text).toContain(
      '"param": "master/limiter/ceiling",\n      "source": {\n        "kind": "relativeCc"',
    );
    expect(unknownMappingParams(parsed, consoleParams(8), 'learned.json')).toEqual([]);
  });

  it('learning a control again replaces its binding in place; an overlapping pair replaces both halves', async () => {
    let doc = await defaultMapping();
    for (const binding of BINDINGS) doc = withLearnedBinding(doc, binding);
    const relearned = withLearnedBinding(doc, { ...BINDINGS[2]!, param: 'master/output' });
    expect(relearned.learned?.map((b) => b.param)).toEqual([
      'strip/01/fader',
      'strip/02/fader',
      'master/output',
      'strip/01/pan',
      'strip/01/mute',
      'master/mute',
    ]);
    expect(doc.learned?.[2]?.param).toBe('master/limiter/ceiling'); // the input is left as it was
    // A 14-bit pair on CC 7 takes CC 7 and CC 39: the 7-bit CC 7 binding goes.
    const pair = withLearnedBinding(doc, {
      param: 'strip/03/fader',
      source: { kind: 'cc14', channel: 0, controller: 7 },
      mode: { kind: 'absolute', terms: 'plain', min: -144, max: 6, taper: 'param' },
    });
    expect(pair.learned?.[0]?.param).toBe('strip/03/fader');
    expect(pair.learned?.length).toBe(BINDINGS.length);
  });

  it('forgetting by control or by parameter', async () => {
    let doc = await defaultMapping();
    for (const binding of BINDINGS) doc = withLearnedBinding(doc, binding);
    expect(
      withoutLearnedBinding(doc, { source: { kind: 'cc', channel: 0, controller: 33 } }).learned?.map(
        (b) => b.param,
      ),
    ).not.toContain('strip/02/fader');
    expect(withoutLearnedBinding(doc, { param: 'strip/01/mute' }).learned?.length).toBe(BINDINGS.length - 1);
    // A control on another port is not this one.
    expect(withoutLearnedBinding(doc, { source: BINDINGS[0]!.source, port: 'Other' }).learned?.length).toBe(
      BINDINGS.length,
    );
  });

  it('bad learned bindings give coded errors with the JSON path', async () => {
    const base = await defaultMapping();
    const bad = (learned: unknown[]): SurfaceDataError =>
      error(() => parseMappingDocument(JSON.stringify({ ...base, learned }), 'map.json'));
    const cases: [unknown[], string][] = [
      [[{ ...BINDINGS[5], mode: { kind: 'toggle' } }], '/learned/0/mode/kind'],
      [
        [BINDINGS[0], { ...BINDINGS[4], source: { kind: 'cc', channel: 0, controller: 7 } }],
        '/learned/1/source',
      ],
      [
        [
          {
            ...BINDINGS[1],
            mode: { kind: 'absolute', terms: 'normalized', min: 0, max: 1.5, taper: 'param' },
          },
        ],
        '/learned/0/mode/max',
      ],
      [
        [{ ...BINDINGS[0], mode: { kind: 'absolute', terms: 'plain', min: -20, max: 0, taper: 'log' } }],
        '/learned/0/mode/taper',
      ],
      [
        [
          {
            ...BINDINGS[2],
            mode: { kind: 'relative', terms: 'plain', step: 0.1, acceleration: false, min: -6 },
          },
        ],
        '/learned/0/mode/max',
      ],
      [[{ ...BINDINGS[1], source: { kind: 'cc14', channel: 0, controller: 40 } }], '/learned/0/source'],
      [[{ ...BINDINGS[0], extra: 1 }], '/learned/0'],
    ];
    for (const [learned, where] of cases) {
      const e = bad(learned);
      expect(e.code).toBe('LATHE_SURFACE_MAPPING_INVALID');
      expect(e.path.startsWith(where), `${e.path} for ${where}`).toBe(true);
    }
    const typo = parseMappingDocument(
      JSON.stringify({ ...base, learned: [{ ...BINDINGS[0], param: 'strip/01/fadr' }] }),
      'map.json',
    );
    expect(unknownMappingParams(typo, consoleParams(8), 'map.json').map((e) => e.path)).toEqual([
      '/learned/0/param',
    ]);
  });
});
