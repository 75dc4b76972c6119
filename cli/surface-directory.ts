/**
 * The panel's list of attached surfaces (GET/PUT /api/surfaces) over handles the console makes
 * for each unit (serial fader board, MIDI units): ids, state, bank and page, and changing them.
 */
import type {
  DeviceProfile,
  FaderSurfaceDriver,
  HuiSurfaceDriver,
  MappingDocument,
  McuSurfaceDriver,
} from '../control-surface/index.ts';
import { LatheError } from '../engine/index.ts';
import type { SurfaceDirectory, SurfacePage, SurfaceStatus } from '../web-panel/index.ts';

/** One attached surface as the panel drives it: live state, bank and page, and changing them. */
export interface SurfaceHandle {
  readonly kind: 'serial' | 'midi';
  readonly profile: string;
  readonly port: string;
  state(): string;
  /** Console strip (0-based) on the first fader, and how many strips the unit shows. */
  bank(): { readonly offset: number; readonly size: number };
  page(): string | null;
  pages(): readonly SurfacePage[];
  /** Absent where the surface has no banks or pages. */
  readonly setBankOffset?: (offset: number) => void;
  readonly setPage?: (page: string) => boolean;
}

/** The panel's SurfaceDirectory over the handles (ids `serial-N` / `midi-N` in order). */
export function surfaceDirectory(handles: () => readonly SurfaceHandle[]): SurfaceDirectory {
  const entries = (): { id: string; handle: SurfaceHandle }[] => {
    const counts = { serial: 0, midi: 0 };
    return handles().map((handle) => ({ id: `${handle.kind}-${++counts[handle.kind]}`, handle }));
  };
  const status = (id: string, handle: SurfaceHandle): SurfaceStatus => {
    const { offset, size } = handle.bank();
    return {
      id,
      profile: handle.profile,
      port: handle.port,
      kind: handle.kind,
      state: handle.state(),
      bankOffset: offset,
      bankSize: size,
      page: handle.page(),
    };
  };
  const find = (id: string): SurfaceHandle => {
    const entry = entries().find((e) => e.id === id);
    if (entry === undefined) throw new LatheError('LATHE_SURFACE_UNKNOWN', `no attached surface "${id}"`);
    return entry.handle;
  };
  const unsupported = (id: string, what: string): never => {
    throw new LatheError('LATHE_SURFACE_UNSUPPORTED', `surface "${id}" has no ${what}`);
  };
  return {
    list: () => entries().map(({ id, handle }) => status(id, handle)),
    pages: (id) => find(id).pages(),
    setBankOffset: (id, offset) => {
      const handle = find(id);
      if (handle.setBankOffset === undefined) return unsupported(id, 'banks');
      handle.setBankOffset(offset);
      return status(id, handle);
    },
    setPage: (id, page) => {
      const handle = find(id);
      if (handle.setPage === undefined) return unsupported(id, 'mapping pages');
      if (!handle.setPage(page)) {
        throw new LatheError('LATHE_SURFACE_PAGE_UNKNOWN', `surface "${id}" has no mapping page "${page}"`);
      }
      return status(id, handle);
    },
  };
}

/** Our serial fader board: fader i is strip i (no banks or pages). */
export function faderBoardHandle(driver: FaderSurfaceDriver, port: string, profile: string): SurfaceHandle {
  return {
    kind: 'serial',
    profile,
    port,
    state: () => driver.state,
    bank: () => ({ offset: 0, size: driver.deviceInfo?.faders ?? 0 }),
    page: () => null,
    pages: () => [],
  };
}

/** Banks a strip driver until `target` is on its first strip (it steps a strip at a time and clamps). */
function bankTo(driver: McuSurfaceDriver | HuiSurfaceDriver, target: number): void {
  for (let step = 0; step < 1024 && driver.offset !== target; step++) {
    const before = driver.offset;
    driver.channel(target - before);
    if (driver.offset === before) return;
  }
}

/** Handles for the units of one strip driver (MCU or HUI), in its unit order. */
export function stripDriverHandles(
  driver: McuSurfaceDriver | HuiSurfaceDriver,
  units: readonly { spec: string; profile: DeviceProfile }[],
  mapping: MappingDocument,
): SurfaceHandle[] {
  return units.map((unit, index) => {
    const strips = (): { base: number; strips: number } => driver.unitStrips(index) ?? { base: 0, strips: 0 };
    return {
      kind: 'midi',
      profile: unit.profile.id,
      port: unit.spec,
      state: () => driver.unitState(index),
      bank: () => ({ offset: driver.offset + strips().base, size: strips().strips }),
      page: () => driver.page,
      pages: () => mapping.pages.map((p) => ({ id: p.id, name: p.name })),
      setBankOffset: (offset) => {
        bankTo(driver, Math.max(0, offset - strips().base));
      },
      setPage: (page) => driver.selectPage(page),
    };
  });
}
