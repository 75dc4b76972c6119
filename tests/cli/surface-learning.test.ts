/**
 * MIDI learn for the running console (issue 6, Deliver point 3): a parameter armed through
 * SurfaceLearning is bound to the control the engineer moves on a generic controller (real
 * driver, in-process port), the binding is kept in the user's mapping file, and the control then
 * drives the parameter; a timeout, a cancel and a console without a controller are coded errors.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SurfaceLearning } from '../../cli/surface-learning.ts';
import {
  FakeMidiBackend,
  GenericSurfaceDriver,
  loadDeviceProfiles,
  loadMappingDocuments,
  ManualSurfaceClock,
  parseMappingDocument,
  portNames,
} from '../../control-surface/index.ts';
import { consoleParamSpecs, ParamStore, ParamTable } from '../../engine/index.ts';

const PORT = 'nanoKONTROL2 MIDI 1';
let driver: GenericSurfaceDriver | null = null;
afterEach(async () => {
  await driver?.stop();
  driver = null;
});

async function setup(): Promise<{
  learning: SurfaceLearning;
  params: ParamStore;
  send: (bytes: number[]) => void;
  file: string;
  clock: ManualSurfaceClock;
}> {
  const profile = (await loadDeviceProfiles()).find((p) => p.id === 'generic')!;
  const mapping = (await loadMappingDocuments()).find((m) => m.name === 'default')!;
  const clock = new ManualSurfaceClock();
  const backend = new FakeMidiBackend();
  const device = backend.device(PORT);
  const specs = consoleParamSpecs(4);
  const params = new ParamStore(specs, ParamTable.create(specs.length));
  driver = new GenericSurfaceDriver({
    port: portNames(PORT),
    profile,
    params,
    open: backend.open,
    bindings: [],
    clock,
  });
  driver.start();
  await new Promise((resolve) => setImmediate(resolve));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lathe-learn-')), 'mappings', 'default.json');
  return {
    learning: new SurfaceLearning([driver], mapping, file),
    params,
    send: (bytes) => {
      device.send(bytes);
    },
    file,
    clock,
  };
}

describe('SurfaceLearning', () => {
  it('binds the moved fader to the armed parameter, saves it in the user mapping, and the fader then drives it', async () => {
    const { learning, params, send, file, clock } = await setup();
    const learned = learning.learn('strip/02/fader', 5000);
    for (let v = 10; v <= 60; v += 10) {
      send([0xb0, 7, v]);
      clock.advance(20);
    }
    const result = await learned;
    expect(result).toMatchObject({
      param: 'strip/02/fader',
      binding: { source: { kind: 'cc', controller: 7 } },
    });
    const saved = parseMappingDocument(readFileSync(file, 'utf8'), file);
    expect(saved.learned?.map((b) => [b.param, b.source])).toEqual([
      ['strip/02/fader', { kind: 'cc', channel: 0, controller: 7 }],
    ]);
    expect(saved.pages.length).toBeGreaterThan(0); // the rest of the mapping is kept
    send([0xb0, 7, 127]);
    const spec = params.spec('strip/02/fader');
    expect(params.get('strip/02/fader')).toBe(spec.max); // the whole travel: the fader's own range
    send([0xb0, 7, 0]);
    expect(params.get('strip/02/fader')).toBe(spec.min);
  });

  it('times out, cancels, and refuses without a controller, each with its code', async () => {
    const { learning } = await setup();
    await expect(learning.learn('strip/01/pan', 50)).rejects.toMatchObject({ code: 'LATHE_LEARN_TIMEOUT' });
    const pending = learning.learn('strip/01/pan', 5000);
    learning.cancel();
    await expect(pending).rejects.toMatchObject({ code: 'LATHE_LEARN_CANCELLED' });
    const none = new SurfaceLearning([], learning.document, '/nonexistent/mapping.json');
    await expect(none.learn('strip/01/pan')).rejects.toMatchObject({ code: 'LATHE_SURFACE_NOT_ATTACHED' });
  });
});
