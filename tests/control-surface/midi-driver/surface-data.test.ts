import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadMappingDocuments,
  parseMappingDocument,
  resolvePage,
  unknownMappingParams,
} from '../../../control-surface/mapping/mapping-pages.ts';
import {
  loadDeviceProfiles,
  matchProfile,
  parseDeviceProfile,
} from '../../../control-surface/profiles/device-profile.ts';
import { SurfaceDataError } from '../../../control-surface/profiles/surface-data.ts';
import { consoleParamSpecs, isLatheError, ParamStore, ParamTable } from '../../../engine/index.ts';

const REQUIRED = ['mcu', 'mcu-xt', 'x-touch', 'x-touch-ext', 'platform-m+', 'uf8', 'bcf2000', 'generic'];

function error(run: () => unknown): SurfaceDataError {
  try {
    run();
  } catch (e) {
    if (e instanceof SurfaceDataError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('device profiles (data files)', () => {
  it('every shipped profile loads, the required ones exist, each cites a source', async () => {
    const profiles = await loadDeviceProfiles();
    for (const id of REQUIRED) expect(profiles.map((p) => p.id)).toContain(id);
    const byId = new Map(profiles.map((p) => [p.id, p]));
    expect(byId.get('bcf2000')?.touchSenseFaders).toBe(false);
    expect(byId.get('uf8')?.masterFader).toBe(false);
    expect(byId.get('x-touch')?.faderInputMaximum).toBe(15999);
    expect(byId.get('mcu-xt')?.modelId).toBe(0x15);
    for (const p of profiles) expect(p.source.length).toBeGreaterThan(0);
  });

  it('port names pick the most specific profile', async () => {
    const profiles = await loadDeviceProfiles();
    const id = (name: string): string | undefined => matchProfile(name, profiles)?.profile.id;
    expect(id('X-Touch INT')).toBe('x-touch');
    expect(id('X-Touch-Ext')).toBe('x-touch-ext');
    expect(id('X-TOUCH-EXT 2')).toBe('x-touch-ext');
    expect(id('MCU Pro USB v3.1')).toBe('mcu');
    expect(id('MCU XT Pro')).toBe('mcu-xt');
    expect(id('Platform M+ V2.15')).toBe('platform-m+');
    expect(id('BCF2000 Port 1')).toBe('bcf2000');
    expect(id('Midi Through Port-0')).toBeUndefined();
  });

  it('bad profiles give coded errors with the JSON path', async () => {
    const good = (await loadDeviceProfiles()).find((p) => p.id === 'mcu')!;
    const bad = (patch: Record<string, unknown>): SurfaceDataError =>
      error(() => parseDeviceProfile(JSON.stringify({ ...good, ...patch }), 'bad.json'));
    const cases: [Record<string, unknown>, string][] = [
      [{ strips: -1 }, '/strips'],
      [{ protocol: 'osc' }, '/protocol'],
      [{ meters: { law: 'ardour', refreshMs: 5 } }, '/meters'],
      [{ portPatterns: ['ok', '(unclosed'] }, '/portPatterns/1'],
      [{ strips: 9 }, '/strips'],
      [{ display: { kind: 'hui', width: 4 } }, '/display/kind'],
    ];
    for (const [patch, where] of cases) {
      const e = bad(patch);
      expect(isLatheError(e)).toBe(true);
      expect(e.code).toBe('LATHE_SURFACE_PROFILE_INVALID');
      expect(e.path.startsWith(where)).toBe(true);
      expect(e.message).toContain('bad.json');
    }
    expect(bad({ colour2: 'red' }).message).toContain('not a known field');
    expect(error(() => parseDeviceProfile('{', 'x.json')).message).toContain('not valid JSON');
  });

  it('a folder with a broken profile fails to load, naming the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lathe-profiles-'));
    await writeFile(path.join(dir, 'broken.json'), '{"format":"lathe-surface-profile"}');
    await expect(loadDeviceProfiles(dir)).rejects.toThrow(/broken\.json/);
  });
});

describe('user mappings with pages (data files)', () => {
  const specs = consoleParamSpecs(8);
  const params = new ParamStore(specs, ParamTable.create(specs.length));

  it('every shipped mapping loads and names only parameters the console has', async () => {
    const docs = await loadMappingDocuments();
    expect(docs.map((d) => d.name)).toContain('default');
    for (const doc of docs) {
      expect(unknownMappingParams(doc, params, doc.name)).toEqual([]);
      expect(doc.pages.map((p) => p.id)).toEqual(
        expect.arrayContaining(['mixer', 'master-chain', 'monitor']),
      );
    }
  });

  it('resolves a banked page for an offset and flip, and a fixed page as written', async () => {
    const doc = (await loadMappingDocuments()).find((d) => d.name === 'default')!;
    const mixer = doc.pages.find((p) => p.id === 'mixer')!;
    const resolved = resolvePage(mixer, doc.masterFader, { strips: 8, offset: 4, flip: false, params });
    const faders = resolved.mapping.bindings.filter((b) => b.control === 'fader').map((b) => b.param);
    expect(faders).toEqual([
      'strip/05/fader',
      'strip/06/fader',
      'strip/07/fader',
      'strip/08/fader',
      'master/fader',
    ]);
    expect(resolved.consoleStrips).toEqual([4, 5, 6, 7, null, null, null, null]);
    const flipped = resolvePage(mixer, doc.masterFader, { strips: 8, offset: 0, flip: true, params });
    expect(flipped.mapping.bindings.find((b) => b.control === 'fader' && b.index === 0)?.param).toBe(
      'strip/01/pan',
    );
    expect(flipped.mapping.bindings.find((b) => b.control === 'encoder' && b.index === 0)?.param).toBe(
      'strip/01/fader',
    );
    const chain = doc.pages.find((p) => p.id === 'master-chain')!;
    const fixed = resolvePage(chain, doc.masterFader, { strips: 8, offset: 4, flip: false, params });
    expect(fixed.mapping.bindings.find((b) => b.control === 'encoder' && b.index === 0)).toMatchObject({
      param: 'master/limiter/ceiling',
      mode: { kind: 'relative', step: 0.005 },
    });
    expect(fixed.labels[0]).toBe('Ceiling');
  });

  it('bad mappings give coded errors with the JSON path', () => {
    const base = {
      format: 'lathe-surface-mapping',
      version: 1,
      name: 'x',
      pages: [{ id: 'mixer', name: 'Mixer', strips: { fader: 'strip/{nn}/fader' } }],
    };
    const bad = (pages: unknown[]): SurfaceDataError =>
      error(() => parseMappingDocument(JSON.stringify({ ...base, pages }), 'map.json'));
    const cases: [unknown[], string][] = [
      [[{ id: 'mixer', name: 'M', strips: { fader: 'strip/01/fader' } }], '/pages/0/strips/fader'],
      [[{ id: 'm', name: 'M' }], '/pages/0'],
      [
        [{ id: 'm', name: 'M', fixed: [{ strip: 0, vpot: { param: 'master/x', step: 0 } }] }],
        '/pages/0/fixed/0/vpot/step',
      ],
      [[{ id: 'm', name: 'M', fixed: [{ strip: 0, fader: 'strip/{nn}/fader' }] }], '/pages/0/fixed/0/fader'],
      [[{ id: 'm', name: 'M', selectButton: 'nope', fixed: [] }], '/pages/0/selectButton'],
      [
        [
          { id: 'm', name: 'M', fixed: [] },
          { id: 'm', name: 'N', fixed: [] },
        ],
        '/pages/1/id',
      ],
    ];
    for (const [pages, where] of cases) {
      const e = bad(pages);
      expect(e.code).toBe('LATHE_SURFACE_MAPPING_INVALID');
      expect(e.path).toBe(where);
    }
    const typo = parseMappingDocument(
      JSON.stringify({
        ...base,
        pages: [
          {
            id: 'c',
            name: 'C',
            fixed: [{ strip: 0, vpot: { param: 'master/limiter/cieling', step: 0.01 } }],
          },
        ],
      }),
      'map.json',
    );
    expect(unknownMappingParams(typo, params, 'map.json').map((e) => e.path)).toEqual([
      '/pages/0/fixed/0/vpot/param',
    ]);
  });
});
