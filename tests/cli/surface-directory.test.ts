/**
 * The panel's surface list over real MCU drivers (a main unit and an extender on fake MIDI
 * ports): ids, live state, each unit's strip range, banking and pages from the panel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { stripDriverHandles, surfaceDirectory } from '../../cli/surface-directory.ts';
import { mcuRig, shippedData, type Rig } from '../control-surface/midi-driver/mcu-rig.ts';

const UNITS = [
  { port: 'X-Touch', profile: 'x-touch' },
  { port: 'X-Touch-Ext', profile: 'x-touch-ext' },
];

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.driver.stop();
  rig = null;
});

async function directoryOver(strips: number) {
  const r = (rig = await mcuRig(UNITS, strips));
  const { profiles, mapping } = await shippedData();
  const units = UNITS.map((u) => ({ spec: u.port, profile: profiles.find((p) => p.id === u.profile)! }));
  return { r, mapping, directory: surfaceDirectory(() => stripDriverHandles(r.driver, units, mapping)) };
}

describe('surface list over MCU units', () => {
  it("lists each unit with its own strip range, and follows the driver's banking", async () => {
    const { r, mapping, directory } = await directoryOver(32);
    expect(directory.list()).toEqual([
      {
        id: 'midi-1',
        profile: 'x-touch',
        port: 'X-Touch',
        kind: 'midi',
        state: 'online',
        bankOffset: 0,
        bankSize: 8,
        page: r.driver.page,
      },
      {
        id: 'midi-2',
        profile: 'x-touch-ext',
        port: 'X-Touch-Ext',
        kind: 'midi',
        state: 'online',
        bankOffset: 8,
        bankSize: 8,
        page: r.driver.page,
      },
    ]);
    expect(directory.pages('midi-1')).toEqual(mapping.pages.map((p) => ({ id: p.id, name: p.name })));

    // From the panel: the main unit to strip 9; the extender follows it.
    expect(directory.setBankOffset('midi-1', 8)).toMatchObject({ bankOffset: 8 });
    r.clock.advance(50);
    expect(r.unit('X-Touch').cell(0, 0)).toBe('Ch 9   ');
    expect(directory.list().map((s) => s.bankOffset)).toEqual([8, 16]);
    // Naming the extender's first strip banks the whole driver.
    expect(directory.setBankOffset('midi-2', 24)).toMatchObject({ bankOffset: 24 });
    expect(directory.list().map((s) => s.bankOffset)).toEqual([16, 24]);
    // Past the end: the driver keeps its last full bank.
    directory.setBankOffset('midi-1', 100);
    expect(directory.list().map((s) => s.bankOffset)).toEqual([16, 24]);
    r.clock.advance(50);
    expect(r.unit('X-Touch-Ext').cell(7, 0)).toBe('Ch 32  ');
  });

  it('changes the mapping page; unknown pages and surfaces are coded errors', async () => {
    const { mapping, directory } = await directoryOver(16);
    const other = mapping.pages.find((p) => p.id !== directory.list()[0]!.page);
    expect(other).toBeDefined();
    expect(directory.setPage('midi-1', other!.id).page).toBe(other!.id);
    expect(() => directory.setPage('midi-1', 'no-such-page')).toThrow(
      expect.objectContaining({ code: 'LATHE_SURFACE_PAGE_UNKNOWN' }),
    );
    expect(() => directory.setBankOffset('midi-9', 0)).toThrow(
      expect.objectContaining({ code: 'LATHE_SURFACE_UNKNOWN' }),
    );
  });
});
